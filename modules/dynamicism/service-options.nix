# The options of one `dynamicism.services.<name>` entry (a submodule).
# Separate from default.nix so that the shape of a service declaration can be
# read on its own.
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

    unit = lib.mkOption {
      type = lib.types.str;
      default = "${name}.service";
      description = "The systemd unit that runs the service.";
    };

    options = lib.mkOption {
      type = lib.types.attrsOf (lib.types.submodule {
        options = {
          type = lib.mkOption {
            type = lib.types.addCheck lib.types.anything manifestTypes.valid;
            description = ''
              The value's type in the manifest's language: "int", "bool",
              "float", "str", "attrs", { enum = [ … ]; }, { nullOr = T; },
              { listOf = T; }. dynix reads command-line values with it.
            '';
          };
          description = lib.mkOption {
            type = lib.types.str;
            default = "";
            description = "Why this option is safe to change at run time.";
          };
        };
      });
      default = { };
      example = lib.literalExpression ''
        { "services.harmonia.settings.workers".type = "int"; }
      '';
      description = ''
        The dynamic options, keyed by their attribute path exactly as an
        administrator types it (`services.nginx.virtualHosts."example.com".root`).
      '';
    };

    runtimeOverride = lib.mkOption {
      type = lib.types.functionTo (lib.types.attrsOf (lib.types.attrsOf lib.types.anything));
      example = lib.literalExpression ''
        config: {
          Service.ExecStart = [ "" config.systemd.services.foo.serviceConfig.ExecStart ];
        }
      '';
      description = ''
        Function from an evaluated system configuration to the sections of
        the unit's runtime drop-in. The framework calls it on the static and
        on the dynamic configuration; the unit is restarted only when the two
        differ. Take the values from the evaluated systemd unit, not from the
        service options, so that the drop-in is exactly what a full rebuild
        with the same settings would run.
      '';
    };
  };
}
