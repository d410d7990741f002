# The dynamicism framework: which options of this system may change at run
# time, how to evaluate the system with the dynamic file layered over it, and
# how to make that live without `nixos-rebuild switch`.
#
# A service module (gotosocial.nix, harmonia.nix, distccd.nix, memcached.nix)
# declares `dynamicism.services.<name>`: which options are dynamic and which
# units run the service. Everything else is derived here:
#
#   - each dynamic option's manifest type, from the option's own type
#     (lib/option-type.nix); only keys inside a freeform option are typed by
#     hand;
#   - each unit's run-time drop-in, from the difference between the unit as
#     this system renders it and as the dynamic evaluation renders it
#     (`systemd.units.<unit>.text`, lib/unit-file.nix), socket units
#     included;
#   - that no entry is silently shadowed: every entry's value must be the
#     value at its path in the dynamic evaluation (lib/shadow.nix), or the
#     build fails naming the option and the cause.
#
#   config.dynamicism.applyDynamicConfiguration { dynamicFile ? cfg.file }
#
# evaluates this very system again (extendModules) with the folded entries of
# the dynamic file defined over the static definitions and returns a
# derivation whose bin/apply writes the drop-ins that differ under
# /run/systemd/system/UNIT.d/ and restarts only the services whose units
# changed (a service with its socket); `bin/apply --dry-run` only prints
# which would restart.
#
# The pure parts live in ./lib and ./fold.nix (builtins only, tested with plain
# nix-instantiate); this file only wires them into the module system.
{ config, options, lib, pkgs, extendModules, ... }:

let
  inherit (lib) mkOption types;

  cfg = config.dynamicism;

  fold = import ./fold.nix;
  layer = import ./lib/layer.nix;
  declaredKeys = import ./lib/declared.nix;
  manifestTypes = import ./lib/types.nix;
  optionTypes = import ./lib/option-type.nix;
  buildManifest = import ./lib/manifest.nix;
  unitFile = import ./lib/unit-file.nix;
  shadow = import ./lib/shadow.nix;
  scripts = import ./lib/scripts.nix;

  serviceModule = import ./service-options.nix { inherit lib manifestTypes; };

  enabledServices = lib.filterAttrs (_: service: service.enable) cfg.services;

  # Where a path lands among the declared options of an evaluation:
  #   { kind = "option"; option; }          a declared option
  #   { kind = "inside"; option; rest; }    a key inside a (freeform) option
  #   { kind = "none"; }                    nothing declares it
  # Submodule options are descended into (getSubOptions). For an attribute
  # set of submodules (virtualHosts."example.com".root) lib.types'
  # getSubOptions skips the attribute's name (`<name>`), so the path's next
  # component is that name and the one after it the sub-option.
  lookup = opts: path:
    let
      walk = node: rest:
        if lib.isOption node then
          (if rest == [ ] then { kind = "option"; option = node; }
          else
            let
              named = builtins.elem (node.type.name or null) [ "attrsOf" "lazyAttrsOf" ]
                && node.type ? nestedTypes.elemType;
              sub =
                if named then node.type.nestedTypes.elemType.getSubOptions (node.loc ++ [ (builtins.head rest) ])
                else node.type.getSubOptions node.loc;
              subRest = if named then builtins.tail rest else rest;
            in
            if subRest != [ ] && sub ? ${builtins.head subRest} then walk sub.${builtins.head subRest} (builtins.tail subRest)
            else { kind = "inside"; option = node; inherit rest; })
        else if rest == [ ] || !(builtins.isAttrs node) || !(node ? ${builtins.head rest}) then { kind = "none"; }
        else walk node.${builtins.head rest} (builtins.tail rest);
    in
    walk opts path;

  # The manifest declaration of one dynamic option: { type; min; max; }.
  declaration = key: path: option:
    let
      found = lookup options path;
      derived = optionTypes.derive found.option.type;
    in
    if found.kind == "option" then
      (if option.type != null then
        throw "dynix: dynamic option ${key} is a declared option: its manifest type comes from its option type (${found.option.type.description or "?"}); remove the `type` given by hand"
      else if derived ? unsupported then
        throw "dynix: ${key} cannot be dynamic: its type (${derived.unsupported}) has values the manifest cannot state exactly, so dynix could not refuse what the option refuses"
      else derived)
    else if found.kind == "inside" then
      (if option.type == null then
        throw "dynix: dynamic option ${key} is a key inside ${lib.showOption found.option.loc}, which does not declare it: give its manifest type (`type`)"
      else { inherit (option) type min max; })
    else throw "dynix: dynamic option ${key} is not an option of this system";

  # The declared keys, canonical (lib/declared.nix, the one place that
  # canonicalises them), and those declared more than once: by two services
  # or twice by one under two spellings (`services.x."a"`, `services.x.a`).
  # Which unit restarts and which type holds would be ambiguous, so
  # declaredTwice stops both the static system (an assertion) and the build
  # program (applyDynamicConfiguration's errors), which checks no assertion.
  declarations = declaredKeys (lib.mapAttrs (_: service: service.options) enabledServices);
  declaredTwice = declarations.twice;

  # { "<canonical key>" = { type; min; max; description; service; path; }; }
  declared = lib.mapAttrs
    (key: d: declaration d.written d.path d // { inherit (d) description service path; })
    declarations.byKey;

  # Units of the enabled services that this system actually has.
  unitsOf = service: builtins.filter (u: config.systemd.units ? ${u}) service.units;
  groups = lib.mapAttrsToList (_: unitsOf) enabledServices;
  units = lib.unique (lib.concatLists groups);
  allDeclaredUnits = lib.concatLists (lib.mapAttrsToList (_: s: s.units) enabledServices);

  # A socket-activated service may be idle while its socket listens.
  lazy = lib.listToAttrs (lib.concatMap
    (group: lib.concatMap
      (u: let base = lib.removeSuffix ".service" u; in
        lib.optional (lib.hasSuffix ".service" u && builtins.elem "${base}.socket" group)
          (lib.nameValuePair u "${base}.socket"))
      group)
    groups);

  inherit (shadow) missing;

  staticValue = key: lib.attrByPath declared.${key}.path missing config;

  systemctl = "${config.systemd.package}/bin/systemctl";
  shell = pkgs.runtimeShell;

  restoreStaticProgram = pkgs.writeScript "dynix-restore-static"
    (scripts.restoreStatic { inherit units groups systemctl shell; });

  buildProgram = pkgs.writeScript "dynix-build" (scripts.build {
    inherit shell;
    nixBuild = "${config.nix.package}/bin/nix-build";
    inherit (cfg) configExpression;
  });

  checkProgram = pkgs.writeScript "dynix-check" (scripts.check {
    inherit units systemctl shell lazy;
    inherit (cfg) settleSeconds;
  });

  manifest = buildManifest {
    options = lib.mapAttrs
      (key: decl:
        { inherit (decl) type min max; }
        // lib.optionalAttrs (staticValue key != missing) { static = staticValue key; })
      declared;
    build = [ "${buildProgram}" "{file}" ];
    restoreStatic = [ "${restoreStaticProgram}" ];
    check = if cfg.check != null then cfg.check else [ "${checkProgram}" ];
    # buildProgram prints applyDynamicConfiguration's bin/apply, which is
    # scripts.apply itself (copied, not wrapped): it takes --dry-run.
    activationDryRun = true;
  };

  # Read the dynamic file. A missing file is no entries: a fresh system has
  # nothing dynamic, and `dynix init` has not necessarily run yet.
  readEntries = dynamicFile:
    if builtins.pathExists dynamicFile then import dynamicFile else [ ];

  dropInHeader = "# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n";

  applyDynamicConfiguration = { dynamicFile ? cfg.file }:
    let
      layered = layer {
        declared = lib.mapAttrs (_: d: { inherit (d) type min max; }) declared;
        folded = fold (readEntries dynamicFile);
      };

      # Only the matched entries become definitions, and only under `config`:
      # an entry can never add an import or declare an option.
      dynamicModule = {
        config = lib.mkMerge (map
          (entry: lib.setAttrByPath entry.path (lib.mkOverride cfg.priority entry.value))
          layered.matched);
      };

      dynamicEval = extendModules { modules = [ dynamicModule ]; };
      dynamicConfig = dynamicEval.config;

      # Why an entry's value is not the evaluated one.
      causeOf = entry:
        let
          found = lookup dynamicEval.options entry.path;
          o = found.option;
          prio = o.highestPrio or 100;
        in
        if found.kind == "option" && (o.readOnly or false) then
          "${lib.showOption o.loc} is read-only"
        else if found.kind == "option" && prio < cfg.priority then
          "a static definition of ${lib.showOption o.loc} with priority ${toString prio} beats dynamicism.priority (${toString cfg.priority})"
        else if found.kind == "inside" && prio < 100 then
          "a static definition of the enclosing option ${lib.showOption o.loc} with priority ${toString prio} (${if prio == 50 then "lib.mkForce" else "lib.mkOverride ${toString prio}"}) replaces its whole value, and with it the entry (dynamicism.priority applies at the entry's own path only)"
        else if (o.apply or null) != null then
          "the option ${lib.showOption o.loc} has an apply function that changes the value"
        else
          "another definition or module computes the value at that path";

      shadowed = shadow.check {
        entries = layered.matched;
        valueAt = path: lib.attrByPath path missing dynamicConfig;
        inherit causeOf;
      };

      servicesWithEntries = lib.unique (map (entry: declared.${entry.key}.service) layered.matched);

      # The drop-in of one unit: the difference between the static and the
      # dynamic rendering. Units of services without entries stay static.
      diffFor = service: unit:
        let
          static = config.systemd.units.${unit}.text or null;
          dynamic = dynamicConfig.systemd.units.${unit}.text or null;
        in
        if static == null || dynamic == null then
          { sections = [ ]; refused = [ "${unit}: the unit has no rendered text (systemd.units.\"${unit}\".text) in ${if static == null then "the static" else "the dynamic"} evaluation" ]; }
        else unitFile.dropIn { inherit unit static dynamic; };

      diffs = lib.listToAttrs (lib.concatMap
        (name: map (u: lib.nameValuePair u (diffFor name u)) (unitsOf enabledServices.${name}))
        servicesWithEntries);

      dropIns = lib.genAttrs units (u:
        if !(diffs ? ${u}) || diffs.${u}.sections == [ ] then null
        else dropInHeader + unitFile.render diffs.${u}.sections);

      errors =
        lib.optional (declaredTwice != [ ])
          ("options declared dynamic more than once: " + lib.concatStringsSep ", " declaredTwice)
        ++ lib.optional (layered.undeclared != [ ])
          ("${toString dynamicFile} sets options that are not dynamic on this system: "
            + lib.concatStringsSep ", " layered.undeclared
            + ". Dynamic options: "
            + (if declared == { } then "none" else lib.concatStringsSep ", " (builtins.attrNames declared)))
        ++ map (message: "${toString dynamicFile}: ${message}") layered.mistyped
        # Only once the entries are well-typed: evaluating a mistyped one
        # would fail inside the module system instead.
        ++ lib.optionals (declaredTwice == [ ] && layered.undeclared == [ ] && layered.mistyped == [ ]) (
          shadowed
          ++ lib.concatMap (d: d.refused) (builtins.attrValues diffs));

      applyText = scripts.apply { units = dropIns; inherit systemctl shell groups; };

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
    # is what the build program and vm-tests/lib/apply-builders.nix call.
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
        assertion = lib.length (lib.unique allDeclaredUnits) == lib.length allDeclaredUnits;
        message = "dynamicism: two dynamicism services share one systemd unit";
      }
    ];

    # The JSON of the manifest value (pkgs.formats.json: builtins.toJSON,
    # then `jq .`, so the same value, pretty-printed).
    environment.etc."dynix/manifest.json".source =
      (pkgs.formats.json { }).generate "dynix-manifest.json" manifest;

    system.activationScripts.dynamicism = {
      supportsDryActivation = true;
      text = scripts.activation {
        inherit units;
        inherit (cfg) rebuildHook;
      };
    };
  };
}
