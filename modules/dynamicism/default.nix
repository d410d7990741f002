# The dynamicism framework: which options of this system may change at run
# time, how to evaluate the system with the dynamic file layered over it, and
# how to make that live without `nixos-rebuild switch`.
#
# A service module (gotosocial.nix, harmonia.nix, distccd.nix) declares
# `dynamicism.services.<name>`: its dynamic options, its systemd unit, and a
# function from an evaluated system configuration to the unit's runtime
# drop-in. Everything else is here:
#
#   config.dynamicism.applyDynamicConfiguration { dynamicFile ? cfg.file }
#
# evaluates this very system again (extendModules) with the folded entries of
# the dynamic file defined over the static definitions, runs every service's
# override function on both the static and the dynamic configuration, and
# returns a derivation whose bin/apply writes the drop-ins that differ under
# /run/systemd/system/UNIT.d/ and restarts only those units.
#
# The pure parts live in ./lib and ./fold.nix (builtins only, tested with plain
# nix-instantiate); this file only wires them into the module system.
{ config, lib, pkgs, extendModules, ... }:

let
  inherit (lib) mkOption types;

  cfg = config.dynamicism;

  fold = import ./fold.nix;
  layer = import ./lib/layer.nix;
  attrpath = import ./lib/attrpath.nix;
  manifestTypes = import ./lib/types.nix;
  buildManifest = import ./lib/manifest.nix;
  renderDropIn = import ./lib/dropin.nix;
  scripts = import ./lib/scripts.nix;

  serviceModule = import ./service-options.nix { inherit lib manifestTypes; };

  enabledServices = lib.filterAttrs (_: service: service.enable) cfg.services;

  # { "<canonical path text>" = { type; description; service; }; }
  declared = lib.foldl'
    (acc: serviceName:
      acc // lib.mapAttrs'
        (text: option: {
          name = attrpath.render (attrpath.parse text);
          value = { inherit (option) type description; service = serviceName; };
        })
        enabledServices.${serviceName}.options)
    { }
    (builtins.attrNames enabledServices);

  # Two services claiming one option would make "which unit restarts" ambiguous.
  declaredTwice = lib.filter
    (key: lib.length (lib.filter (s: enabledServices.${s}.options ? ${key}) (builtins.attrNames enabledServices)) > 1)
    (builtins.attrNames declared);

  units = lib.unique (lib.mapAttrsToList (_: service: service.unit) enabledServices);

  # A unique value to tell "not defined" from any value the config can hold.
  missing = { dynixMissing = true; };

  staticValue = key: lib.attrByPath (attrpath.parse key) missing config;

  systemctl = "${config.systemd.package}/bin/systemctl";
  shell = pkgs.runtimeShell;

  restoreStaticProgram = pkgs.writeScript "dynix-restore-static"
    (scripts.restoreStatic { inherit units systemctl shell; });

  buildProgram = pkgs.writeScript "dynix-build" (scripts.build {
    inherit shell;
    nixBuild = "${config.nix.package}/bin/nix-build";
    inherit (cfg) configExpression;
  });

  checkProgram = pkgs.writeScript "dynix-check" (scripts.check {
    inherit units systemctl shell;
    inherit (cfg) settleSeconds;
  });

  manifest = buildManifest {
    options = lib.mapAttrs
      (key: option:
        { inherit (option) type; }
        // lib.optionalAttrs (staticValue key != missing) { static = staticValue key; })
      declared;
    build = [ "${buildProgram}" "{file}" ];
    restoreStatic = [ "${restoreStaticProgram}" ];
    check = if cfg.check != null then cfg.check else [ "${checkProgram}" ];
  };

  # Read the dynamic file. A missing file is no entries: a fresh system has
  # nothing dynamic, and `dynix init` has not necessarily run yet.
  readEntries = dynamicFile:
    if builtins.pathExists dynamicFile then import dynamicFile else [ ];

  applyDynamicConfiguration = { dynamicFile ? cfg.file }:
    let
      layered = layer {
        declared = lib.mapAttrs (_: option: { inherit (option) type; }) declared;
        folded = fold (readEntries dynamicFile);
      };

      errors =
        lib.optional (layered.undeclared != [ ])
          ("${toString dynamicFile} sets options that are not dynamic on this system: "
            + lib.concatStringsSep ", " layered.undeclared
            + ". Dynamic options: "
            + (if declared == { } then "none" else lib.concatStringsSep ", " (builtins.attrNames declared)))
        ++ map (message: "${toString dynamicFile}: ${message}") layered.mistyped;

      # Only the matched entries become definitions, and only under `config`:
      # an entry can never add an import or declare an option.
      dynamicModule = {
        config = lib.mkMerge (map
          (entry: lib.setAttrByPath entry.path (lib.mkOverride cfg.priority entry.value))
          layered.matched);
      };

      dynamicConfig = (extendModules { modules = [ dynamicModule ]; }).config;

      servicesWithEntries = lib.unique (map (entry: declared.${entry.key}.service) layered.matched);

      # null: the unit runs on its static settings. A service whose entries
      # happen to equal its static values gets no drop-in and no restart.
      dropInFor = name:
        let
          service = enabledServices.${name};
          staticSections = service.runtimeOverride config;
          dynamicSections = service.runtimeOverride dynamicConfig;
        in
        if !(builtins.elem name servicesWithEntries) || staticSections == dynamicSections
        then null
        else renderDropIn dynamicSections;

      dropIns = lib.listToAttrs (lib.mapAttrsToList
        (name: service: lib.nameValuePair service.unit (dropInFor name))
        enabledServices);

      applyText = scripts.apply { units = dropIns; inherit systemctl shell; };

      # The static system these entries were evaluated against, for dynix's
      # drift check. Without its string context: the apply program must not
      # depend on (and so build) the whole static system.
      staticSystem = builtins.unsafeDiscardStringContext
        (toString config.system.build.toplevel);
    in
    if errors != [ ] then
      throw ("dynix: " + lib.concatStringsSep "\ndynix: " errors)
    else
      pkgs.runCommand "dynix-apply"
        {
          inherit applyText staticSystem;
          passAsFile = [ "applyText" ];
          passthru = {
            # For tests and for curious administrators (nix repl).
            inherit dropIns dynamicConfig;
            entries = layered.matched;
          };
        }
        ''
          mkdir -p "$out/bin"
          cp "$applyTextPath" "$out/bin/apply"
          chmod +x "$out/bin/apply"
          printf '%s\n' "$staticSystem" > "$out/static-system"
        '';
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
        `lib.mkForce` (50): the value the administrator set at run time must
        be the value that runs, not silently shadowed by a static force.
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
        `systemctl is-active` on every dynamic unit after settleSeconds.
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

    manifest = mkOption {
      type = types.unspecified;
      readOnly = true;
      default = manifest;
      defaultText = lib.literalExpression "built from dynamicism.services";
      description = "The manifest written to /etc/dynix/manifest.json, as a Nix value.";
    };

    applyDynamicConfiguration = mkOption {
      type = types.unspecified;
      readOnly = true;
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
        message = "dynamicism: options declared dynamic by more than one service: ${lib.concatStringsSep ", " declaredTwice}";
      }
      {
        assertion = lib.length units == lib.length (builtins.attrNames enabledServices);
        message = "dynamicism: two dynamicism services share one systemd unit";
      }
    ];

    environment.etc."dynix/manifest.json".text = builtins.toJSON manifest;

    system.activationScripts.dynamicism = {
      supportsDryActivation = true;
      text = scripts.activation {
        inherit units;
        inherit (cfg) rebuildHook;
      };
    };
  };
}
