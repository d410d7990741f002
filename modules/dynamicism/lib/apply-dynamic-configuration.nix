# config.dynamicism.applyDynamicConfiguration: this very system evaluated
# again (extendModules) with the folded entries of a dynamic file defined
# over the static definitions, made into the program that makes them live.
#
#   applyDynamicConfiguration { dynamicFile ? cfg.file }
#   => a derivation: bin/apply (scripts.nix's apply over the units' drop-ins,
#      drop-ins.nix) and static-system (the static system it was evaluated
#      against); passthru dropIns, dynamicConfig, entries
#
# The build fails, naming every problem, when an option is declared dynamic
# twice, two services share a unit, a unit's static switch would not reset it
# (switch-treatment.nix), an entry sets an option that is not dynamic or has a value of the
# wrong type (layer.nix), an entry's value would not be the evaluated one
# (shadow.nix, shadow-cause.nix), or a unit's difference cannot be a
# drop-in (unit-file.nix).
#
# The module's arguments config, pkgs, extendModules; cfg: config.dynamicism;
# lookup: option-lookup.nix; dynamicOptions: dynamic-options.nix's;
# serviceUnits: service-units.nix's; systemctl and shell: the apply
# program's. Needs nixpkgs' lib and pkgs.
{ lib, pkgs, config, extendModules, cfg, lookup, dynamicOptions, serviceUnits, systemctl, shell }:

let
  fold = import ../fold.nix;
  layer = import ./layer.nix;
  shadow = import ./shadow.nix;
  scripts = import ./scripts.nix;
  causeOf = import ./shadow-cause.nix { inherit lib lookup declared; inherit (cfg) priority; };
  dropInsOf = import ./drop-ins.nix;

  inherit (dynamicOptions) declared;
  declaredTwice = dynamicOptions.twice;
  inherit (serviceUnits) units groups;
  inherit (shadow) missing;

  # Read the dynamic file. A missing file is no entries: a fresh system has
  # nothing dynamic, and `dynix init` has not necessarily run yet.
  readEntries = dynamicFile:
    if builtins.pathExists dynamicFile then import dynamicFile else [ ];
in
{ dynamicFile ? cfg.file }:
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

  valueAt = path: lib.attrByPath path missing dynamicConfig;
  shadowed = shadow.check {
    entries = layered.matched;
    inherit valueAt;
    causeOf = causeOf dynamicEval.options valueAt;
  };

  servicesWithEntries = lib.unique (map (entry: declared.${entry.key}.service) layered.matched);

  # Units of services without entries stay static.
  unitDropIns = dropInsOf {
    inherit lib units;
    changed = lib.concatMap (name: serviceUnits.byService.${name}) servicesWithEntries;
    staticUnits = config.systemd.units;
    dynamicUnits = dynamicConfig.systemd.units;
  };
  inherit (unitDropIns) dropIns;

  # The build checks no assertion: what the static system's assertions refuse, it refuses too.
  errors =
    lib.optional (declaredTwice != [ ])
      ("options declared dynamic more than once: " + lib.concatStringsSep ", " declaredTwice)
    ++ lib.optional (serviceUnits.shared != [ ])
      ("two dynamicism services share one systemd unit: " + lib.concatStringsSep ", " serviceUnits.shared)
    ++ serviceUnits.refused
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
      ++ unitDropIns.refused);

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
    ''
