# Small versions of two nixpkgs service modules the project does not ship,
# for README's "Make any service dynamic": the same options (paths and types)
# and the same way of turning them into the unit, nothing else.
#
# - iperf3: NixOS/nixpkgs at 14fd976016aee7e8a52f362b145a16947e111515
#   (nixos/modules/services/networking/iperf3.nix): its settings as flags on
#   ExecStart.
# - ntfy-sh: NixOS/nixpkgs at 0128e37ca6e55d49f53ea979daed11368e7fcc5b
#   (nixos/modules/services/misc/ntfy-sh.nix): `settings`, a submodule with a
#   YAML freeform type and one declared option (base-url), rendered to
#   server.yml, which ExecStart names.
{ lib, pkgs }:

{
  iperf3 = { config, ... }:
    let cfg = config.services.iperf3; in
    {
      options.services.iperf3 = {
        enable = lib.mkEnableOption "iperf3 network throughput testing server";
        port = lib.mkOption { type = lib.types.ints.u16; default = 5201; };
        bind = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; };
        verbose = lib.mkOption { type = lib.types.bool; default = false; };
        forceFlush = lib.mkOption { type = lib.types.bool; default = false; };
        debug = lib.mkOption { type = lib.types.bool; default = false; };
      };
      config = lib.mkIf cfg.enable {
        systemd.services.iperf3 = {
          description = "iperf3 daemon";
          after = [ "network.target" ];
          serviceConfig.ExecStart = "/nix/store/0000-iperf3/bin/iperf --server --port ${toString cfg.port}"
            + lib.optionalString (cfg.bind != null) " --bind ${cfg.bind}"
            + lib.optionalString cfg.verbose " --verbose"
            + lib.optionalString cfg.debug " --debug"
            + lib.optionalString cfg.forceFlush " --forceflush";
        };
      };
    };

  ntfy-sh = { config, ... }:
    let
      cfg = config.services.ntfy-sh;
      settingsFormat = pkgs.formats.yaml { };
      configuration = settingsFormat.generate "server.yml" cfg.settings;
    in
    {
      options.services.ntfy-sh = {
        enable = lib.mkEnableOption "ntfy-sh, a push notification service";
        settings = lib.mkOption {
          type = lib.types.submodule {
            freeformType = settingsFormat.type;
            options.base-url = lib.mkOption { type = lib.types.str; };
          };
          default = { };
        };
      };
      config = lib.mkIf cfg.enable {
        services.ntfy-sh.settings = {
          listen-http = lib.mkDefault "127.0.0.1:2586";
          cache-file = lib.mkDefault "/var/lib/ntfy-sh/cache-file.db";
        };
        systemd.services.ntfy-sh = {
          description = "Push notifications server";
          after = [ "network.target" ];
          serviceConfig.ExecStart = "/nix/store/0000-ntfy-sh/bin/ntfy serve -c ${configuration}";
        };
      };
    };
}
