# The dynamicism framework: which options of this system may change at run
# time, how to evaluate the system with the dynamic file layered over it, and
# how to make that live without `nixos-rebuild switch`.
#
# A service module (gotosocial.nix, harmonia.nix, distccd.nix, memcached.nix)
# declares `dynamicism.services.<name>`: which options are dynamic and which
# units run the service. Everything else is derived:
#
#   - each dynamic option's manifest type, from the option's own type
#     (lib/dynamic-options.nix, lib/option-type.nix); only keys inside a
#     freeform option are typed by hand;
#   - each unit's run-time drop-in, from the difference between the unit as
#     this system renders it and as the dynamic evaluation renders it
#     (`systemd.units.<unit>.text`, lib/drop-ins.nix, lib/unit-file.nix),
#     socket units included;
#   - that no entry is silently shadowed: every entry's value must be the
#     value at its path in the dynamic evaluation (lib/shadow.nix), or the
#     build fails naming the option and the cause (lib/shadow-cause.nix).
#
#   config.dynamicism.applyDynamicConfiguration { dynamicFile ? cfg.file }
#
# evaluates this very system again (extendModules) with the folded entries of
# the dynamic file defined over the static definitions and returns a
# derivation whose bin/apply writes the drop-ins that differ under
# /run/systemd/system/UNIT.d/ and restarts only the services whose units
# changed (a service with its socket); `bin/apply --dry-run` only prints
# which would restart (lib/apply-dynamic-configuration.nix).
#
# This file is the interface (the options) and its wiring (config). The
# machinery is in ./lib, one concept per file: the builtins-only pieces
# (tested with plain nix-instantiate) and those that take the module's
# arguments (option-lookup, dynamic-options, service-units,
# system-manifest, shadow-cause, drop-ins, apply-dynamic-configuration;
# tested under the module system, Tests/nixos/eval/modules).
{ config, options, lib, pkgs, extendModules, ... }:

let
  inherit (lib) mkOption types;

  cfg = config.dynamicism;

  manifestTypes = import ./lib/types.nix;
  scripts = import ./lib/scripts.nix;
  serviceModule = import ./service-options.nix { inherit lib manifestTypes; };

  # The machinery, over this evaluation.
  enabledServices = lib.filterAttrs (_: service: service.enable) cfg.services;
  lookup = import ./lib/option-lookup.nix { inherit lib; };
  dynamicOptions = import ./lib/dynamic-options.nix {
    inherit lib options lookup;
    services = enabledServices;
  };
  serviceUnits = import ./lib/service-units.nix {
    inherit lib;
    services = enabledServices;
    systemdUnits = config.systemd.units;
  };
  systemctl = "${config.systemd.package}/bin/systemctl";
  shell = pkgs.runtimeShell;
  manifest = import ./lib/system-manifest.nix {
    inherit lib pkgs config cfg serviceUnits systemctl shell;
    inherit (dynamicOptions) declared;
  };
  applyDynamicConfiguration = import ./lib/apply-dynamic-configuration.nix {
    inherit lib pkgs config extendModules cfg lookup dynamicOptions serviceUnits systemctl shell;
  };

  inherit (serviceUnits) units;
  declaredTwice = dynamicOptions.twice;
in
{
  options.dynamicism = {
    enable = lib.mkEnableOption "run-time changes to selected service settings (dynix)";

    file = mkOption {
      type = types.str;
      default = "/etc/nixos/dynamic.nix";
      description = ''
        The dynamic file: a Nix list of attribute sets, appended to by
        `dynix append`. A string, not a path, so it is read at evaluation
        time from the host and never copied into the store.
      '';
    };

    services = mkOption {
      type = types.attrsOf (types.submodule serviceModule);
      default = { };
      description = ''
        Services with options that may change at run time. Set by the
        per-service dynamicism modules.
      '';
    };

    priority = mkOption {
      type = types.int;
      default = 10;
      description = ''
        Priority of the dynamic definitions (lower wins). 10 is stronger than
        `lib.mkForce` (50) on the option itself. It cannot beat a force on an
        enclosing option (`settings = lib.mkForce { … }` replaces the whole
        set, entry included), nor an `apply` function or a read-only
        option: then the build fails naming the option and the cause, and
        `dynix apply` changes nothing. A run-time value is never silently
        shadowed.
      '';
    };

    configExpression = mkOption {
      type = types.str;
      default = "(import <nixpkgs/nixos> { }).config";
      example = ''(builtins.getFlake "/etc/nixos").nixosConfigurations.myhost.config'';
      description = ''
        Nix expression for this system's configuration, evaluated by the
        build program that dynix runs. The default is what
        `nixos-rebuild` uses without flakes (NIX_PATH's nixpkgs and
        nixos-config).
      '';
    };

    settleSeconds = mkOption {
      type = types.ints.unsigned;
      default = 2;
      description = "Seconds the default health check waits before `systemctl is-active`.";
    };

    check = mkOption {
      type = types.nullOr (types.listOf types.str);
      default = null;
      description = ''
        Health check (argv) dynix runs after each activation; null means
        `systemctl is-active` on each dynamic unit on its own after
        settleSeconds (a socket-activated service may be idle while its
        socket is active).
      '';
    };

    rebuildHook = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/run/current-system/sw/bin/dynix rebuild-hook";
      description = ''
        Command the activation script runs with `--system "$systemConfig"`
        on every static switch and boot, to record the reset in the
        history. Set by modules/dynix.nix; its failure never fails activation.
      '';
    };

    units = mkOption {
      type = types.listOf types.str;
      readOnly = true;
      default = units;
      defaultText = lib.literalExpression "the units of the enabled dynamicism services";
      description = "The systemd units whose settings may change at run time.";
    };

    # manifest and applyDynamicConfiguration are the framework's interface to
    # its own programs (the manifest file, the build program), not settings:
    # internal and not in the manual. Internal options are still read as
    # usual: `config.dynamicism.applyDynamicConfiguration { dynamicFile; }`
    # is what the build program and Tests/nixos/vm/lib/apply-builders.nix call.
    manifest = mkOption {
      type = types.unspecified;
      readOnly = true;
      internal = true;
      visible = false;
      default = manifest;
      defaultText = lib.literalExpression "built from dynamicism.services";
      description = "The manifest written to /etc/dynix/manifest.json, as a Nix value.";
    };

    applyDynamicConfiguration = mkOption {
      type = types.unspecified;
      readOnly = true;
      internal = true;
      visible = false;
      default = applyDynamicConfiguration;
      defaultText = lib.literalExpression "a function { dynamicFile ? config.dynamicism.file }: derivation";
      description = ''
        Function from `{ dynamicFile ? config.dynamicism.file }` to a
        derivation whose `bin/apply` makes the dynamic settings live and
        whose `static-system` names the static system it was evaluated on.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = declaredTwice == [ ];
        message = "dynamicism: options declared dynamic more than once: ${lib.concatStringsSep ", " declaredTwice}";
      }
      {
        assertion = serviceUnits.shared == [ ];
        message = "dynamicism: two dynamicism services share one systemd unit: ${lib.concatStringsSep ", " serviceUnits.shared}";
      }
      {
        assertion = serviceUnits.refused == [ ];
        message = "dynamicism: ${lib.concatStringsSep "\ndynamicism: " serviceUnits.refused}";
      }
    ];

    # The manifest value as builtins.toJSON writes it, exactly: not through
    # pkgs.formats.json, whose `jq .` turns an integer above 2^53 into a float
    # with jq older than 1.7.
    environment.etc."dynix/manifest.json".source =
      pkgs.writeText "dynix-manifest.json" (builtins.toJSON manifest);

    system.activationScripts.dynamicism = {
      supportsDryActivation = true;
      text = scripts.activation {
        inherit units;
        inherit (serviceUnits) groups;
        inherit (cfg) rebuildHook;
      };
    };

    # A static switch never restarts a socket unit; the activation snippet
    # lists this unit instead, which restarts the groups whose socket had a
    # drop-in once the switch has reloaded systemd (lib/scripts.nix). Always
    # there: a socket that a service taken out of dynamicism left dynamic needs
    # it too.
    systemd.services.dynix-socket-reset = {
      description = "dynix: restart the socket units a static switch reset";
      serviceConfig = {
        Type = "oneshot";
        ExecStart = pkgs.writeScript "dynix-socket-reset" (scripts.socketReset { inherit systemctl shell; });
        TimeoutStartSec = 120;
      };
    };
  };
}
