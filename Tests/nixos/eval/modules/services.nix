# Small versions of the four nixpkgs service modules, written for these
# tests: the same options (paths and types) and the same way of turning
# settings into units, nothing else. They are what the dynamicism modules
# read. What each mirrors (the copies of nixpkgs readable here are not all
# of today's master; where the issue states today's shape, that is followed):
#
# - harmonia: the option shape of nixpkgs after NixOS/nixpkgs PR 515949
#   ("nixos/harmonia: fix for harmonia 3.1.0"), as in the Mic92/nixpkgs fork
#   at bf0e4a0e3472a38005d631269fa0912a55b152e7: services.harmonia.cache.*,
#   the flat enable/settings/signKeyPath(s) kept as mkRenamedOptionModule
#   aliases (reading one traces "Obsolete option"), settings defaults at
#   mkDefault. Socket activation as that PR made it (its shape as in
#   nix-community/harmonia's own module.nix): systemd.sockets.harmonia with
#   ListenStream derived from settings.bind, the service on PrivateNetwork
#   and Requires/After the socket.
# - distccd: NixOS/nixpkgs at 01f31c2ee7d045a337dff0f858c0ed61dd0f4ddb (the
#   flags in a generated start script), with `nice` typed
#   nullOr (ints.between (-20) 19) as in current nixpkgs.
# - gotosocial: settings as a YAML file on the command line (--config-path),
#   defaults at mkDefault, as nixpkgs' module does.
# - memcached: nixpkgs as in the piegamesde/nixpkgs fork at
#   027d68ca2100ab38ed25687df404911687344bae (maxMemory and maxConnections
#   types.ints.unsigned, flags on ExecStart).
{ lib, pkgs }:

{
  harmonia = { config, ... }:
    let
      cfg = config.services.harmonia.cache;
      format = pkgs.formats.toml { };
      rename = name: lib.mkRenamedOptionModule [ "services" "harmonia" name ] [ "services" "harmonia" "cache" name ];
    in
    {
      imports = map rename [ "enable" "signKeyPath" "signKeyPaths" "settings" ];
      options.services.harmonia.cache = {
        enable = lib.mkEnableOption "harmonia";
        signKeyPath = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; };
        signKeyPaths = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
        settings = lib.mkOption { inherit (format) type; default = { }; };
      };
      config = lib.mkIf cfg.enable {
        services.harmonia.cache.settings = builtins.mapAttrs (_: lib.mkDefault) {
          bind = "[::]:5000";
          workers = 4;
          max_connection_rate = 256;
          priority = 50;
        };
        systemd.sockets.harmonia = {
          description = "harmonia binary cache socket";
          wantedBy = [ "sockets.target" ];
          socketConfig.ListenStream =
            let b = cfg.settings.bind; in
            if lib.hasPrefix "unix:" b then lib.removePrefix "//" (lib.removePrefix "unix:" b) else b;
        };
        systemd.services.harmonia = {
          description = "harmonia binary cache service";
          requires = [ "harmonia.socket" ];
          after = [ "harmonia.socket" ];
          environment.CONFIG_FILE = format.generate "harmonia.toml" cfg.settings;
          serviceConfig = {
            ExecStart = "/nix/store/harmonia/bin/harmonia-cache";
            PrivateNetwork = true;
            RestrictAddressFamilies = [ "AF_UNIX" ];
          };
        };
      };
    };

  distccd = { config, ... }:
    let cfg = config.services.distccd; in
    {
      options.services.distccd = {
        enable = lib.mkEnableOption "distccd";
        maxJobs = lib.mkOption { type = lib.types.nullOr lib.types.int; default = null; };
        jobTimeout = lib.mkOption { type = lib.types.nullOr lib.types.int; default = null; };
        nice = lib.mkOption { type = lib.types.nullOr (lib.types.ints.between (-20) 19); default = null; };
        logLevel = lib.mkOption {
          type = lib.types.nullOr (lib.types.enum [ "critical" "error" "warning" "notice" "info" "debug" ]);
          default = "warning";
        };
        allowedClients = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ "127.0.0.1" ]; };
        port = lib.mkOption { type = lib.types.port; default = 3632; };
      };
      config = lib.mkIf cfg.enable {
        systemd.services.distccd = {
          description = "Distributed C, C++ and Objective-C compiler";
          after = [ "network.target" ];
          wantedBy = [ "multi-user.target" ];
          serviceConfig.ExecStart = pkgs.writeShellScript "start-distccd" ''
            distccd --no-detach --daemon --port ${toString cfg.port} \
              ${lib.optionalString (cfg.jobTimeout != null) "--job-lifetime ${toString cfg.jobTimeout}"} \
              ${lib.optionalString (cfg.logLevel != null) "--log-level ${cfg.logLevel}"} \
              ${lib.optionalString (cfg.maxJobs != null) "--jobs ${toString cfg.maxJobs}"} \
              ${lib.optionalString (cfg.nice != null) "--nice ${toString cfg.nice}"} \
              ${lib.concatMapStrings (c: "--allow ${c} ") cfg.allowedClients}
          '';
          serviceConfig.User = "distcc";
        };
      };
    };

  gotosocial = { config, ... }:
    let
      cfg = config.services.gotosocial;
      format = pkgs.formats.yaml { };
      configFile = format.generate "config.yml" cfg.settings;
    in
    {
      options.services.gotosocial = {
        enable = lib.mkEnableOption "gotosocial";
        settings = lib.mkOption { inherit (format) type; default = { }; };
      };
      config = lib.mkIf cfg.enable {
        services.gotosocial.settings = lib.mapAttrs (_: lib.mkDefault) {
          application-name = "gotosocial";
          log-level = "info";
          port = 8080;
        };
        systemd.services.gotosocial = {
          description = "ActivityPub social network server";
          serviceConfig.ExecStart =
            "/nix/store/gotosocial/bin/gotosocial --config-path ${configFile} server start";
        };
      };
    };

  memcached = { config, ... }:
    let cfg = config.services.memcached; in
    {
      options.services.memcached = {
        enable = lib.mkEnableOption "Memcached";
        listen = lib.mkOption { type = lib.types.str; default = "127.0.0.1"; };
        port = lib.mkOption { type = lib.types.port; default = 11211; };
        maxMemory = lib.mkOption { type = lib.types.ints.unsigned; default = 64; };
        maxConnections = lib.mkOption { type = lib.types.ints.unsigned; default = 1024; };
        extraOptions = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
      };
      config = lib.mkIf cfg.enable {
        systemd.services.memcached = {
          description = "Memcached server";
          after = [ "network.target" ];
          wantedBy = [ "multi-user.target" ];
          serviceConfig = {
            ExecStart = "/nix/store/memcached/bin/memcached -l ${cfg.listen} -p ${toString cfg.port} -m ${toString cfg.maxMemory} -c ${toString cfg.maxConnections} ${lib.concatStringsSep " " cfg.extraOptions}";
            User = "memcached";
            RuntimeDirectory = "memcached";
          };
        };
      };
    };
}
