# Minimal versions of the three nixpkgs service modules, written for these
# tests: the same options and the same way of turning settings into the unit
# (harmonia: TOML file in CONFIG_FILE; distccd: flags in a generated start
# script; gotosocial: YAML file on the command line, defaults at mkDefault),
# nothing else. They are what the dynamicism modules read.
{ lib, pkgs }:

{
  harmonia = { config, ... }:
    let cfg = config.services.harmonia; format = pkgs.formats.toml { }; in
    {
      options.services.harmonia = {
        enable = lib.mkEnableOption "harmonia";
        settings = lib.mkOption { inherit (format) type; default = { }; };
      };
      config = lib.mkIf cfg.enable {
        systemd.services.harmonia = {
          environment.CONFIG_FILE = format.generate "harmonia.toml" cfg.settings;
          serviceConfig.ExecStart = "/nix/store/harmonia/bin/harmonia";
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
        nice = lib.mkOption { type = lib.types.nullOr lib.types.int; default = null; };
        logLevel = lib.mkOption {
          type = lib.types.nullOr (lib.types.enum [ "critical" "error" "warning" "notice" "info" "debug" ]);
          default = "warning";
        };
        allowedClients = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ "127.0.0.1" ]; };
      };
      config = lib.mkIf cfg.enable {
        systemd.services.distccd.serviceConfig.ExecStart = pkgs.writeShellScript "start-distccd" ''
          distccd --no-detach --daemon \
            ${lib.optionalString (cfg.jobTimeout != null) "--job-lifetime ${toString cfg.jobTimeout}"} \
            ${lib.optionalString (cfg.logLevel != null) "--log-level ${cfg.logLevel}"} \
            ${lib.optionalString (cfg.maxJobs != null) "--jobs ${toString cfg.maxJobs}"} \
            ${lib.optionalString (cfg.nice != null) "--nice ${toString cfg.nice}"} \
            ${lib.concatMapStrings (c: "--allow ${c} ") cfg.allowedClients}
        '';
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
        systemd.services.gotosocial.serviceConfig.ExecStart =
          "/nix/store/gotosocial/bin/gotosocial --config-path ${configFile} server start";
      };
    };
}
