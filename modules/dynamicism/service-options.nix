# The options of one `dynamicism.services.<name>` entry (a submodule).
# Separate from default.nix so that the shape of a service declaration can be
# read on its own. A service module only says which options are dynamic and
# which units run the service; the framework derives everything else.
{ lib, manifestTypes }:

{ name, ... }:
{
  options = {
    enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = ''
        Whether this service's options are dynamic. The service modules set
        it to the service's own `enable`, so a disabled service declares
        nothing and an entry for it is an error.
      '';
    };

    units = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "${name}.service" ];
      example = [ "harmonia.socket" "harmonia.service" ];
      description = ''
        The systemd units that run the service, its socket units included.
        The framework renders each of them in the static and in the dynamic
        evaluation (`systemd.units.<unit>.text`) and derives the run-time
        drop-in from the difference; the units of one service restart
        together. A `N.service` listed with `N.socket` is socket-activated:
        the health check accepts it idle while its socket is active.
      '';
    };

    options = lib.mkOption {
      type = lib.types.attrsOf (lib.types.submodule {
        options = {
          type = lib.mkOption {
            type = lib.types.nullOr (lib.types.addCheck lib.types.anything manifestTypes.valid);
            default = null;
            description = ''
              Only for a key inside a freeform option (a `settings` key that
              no module declares): its type in the manifest's language, "int",
              "bool", "float", "str", "attrs", { enum = [ … ]; },
              { nullOr = T; }, { listOf = T; }. A declared option's type is
              derived from the option itself and must not be given.
            '';
          };
          min = lib.mkOption { type = lib.types.nullOr lib.types.int; default = null; description = "Freeform keys only: least value of every integer in it."; };
          max = lib.mkOption { type = lib.types.nullOr lib.types.int; default = null; description = "Freeform keys only: greatest value of every integer in it."; };
          description = lib.mkOption {
            type = lib.types.str;
            default = "";
            description = "Why this option is safe to change at run time.";
          };
        };
      });
      default = { };
      example = lib.literalExpression ''
        {
          "services.distccd.maxJobs" = { };                       # declared: type derived
          "services.harmonia.cache.settings.workers".type = "int"; # freeform key
        }
      '';
      description = ''
        The dynamic options, keyed by their attribute path exactly as an
        administrator types it (`services.nginx.virtualHosts."example.com".root`).
      '';
    };
  };
}
