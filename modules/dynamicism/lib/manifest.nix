# The manifest dynix reads (/etc/dynix/manifest.json), built from the option
# declarations. See "The manifest" in ARCHITECTURE.md (§5).
#
#   manifest {
#     options = { "<path text>" = { type = T; min = N; max = N; static = V; /* all but type optional */ }; };
#     build = [ "/nix/store/…/dynix-build" "{file}" ];
#     restoreStatic = [ "/nix/store/…/dynix-restore-static" ];
#     check = null or [ … ];
#     activationDryRun = false or true;
#   }
#   => the attribute set the module writes as JSON (pkgs.formats.json)
#
# activationDryRun = true says that the activation program `build` prints
# accepts `--dry-run` as its first argument: it then compares the drop-ins as
# a real run does, changes, reloads and restarts nothing, and prints one line
# `would restart UNIT [UNIT…]` per group of units that would restart, or
# `no unit changed` (lib/scripts.nix's apply, which is what the module's
# build prints). It is written as `"activationDryRun": true` only when true:
# a manifest without it means "no dry run", and dynix then never passes
# `--dry-run`.
#
# Keys must be canonical (attrpath.canonical, as declared.nix makes them) so
# dynix can compare them as strings; another spelling is refused, not
# re-rendered here. Builtins only.
{ options, build, restoreStatic, check ? null, activationDryRun ? false }:

let
  attrpath = import ./attrpath.nix;
  types = import ./types.nix;

  # Static values go into JSON. A path would be copied into the store by
  # toJSON, and a derivation would serialise as a whole set: both are written
  # as the string they stand for.
  jsonSafe = v:
    if builtins.isPath v then toString v
    else if builtins.isAttrs v && v ? outPath then toString v.outPath
    else if builtins.isAttrs v then builtins.mapAttrs (_: jsonSafe) v
    else if builtins.isList v then map jsonSafe v
    else if builtins.isFunction v then "<function>"
    else v;

  # A static value outside the option's own manifest type or bounds would
  # make the manifest contradict itself. The usual cause: a freeform type that
  # coerces a single value to a list (pkgs.formats.keyValue or ini with
  # listsAsDuplicateKeys or listToValue, `coercedTo … singleton (listOf …)`),
  # so the evaluated value of `2000` is `[ 2000 ]`. A freeform key declared
  # `float` may hold an integer: the file formats write both.
  staticFits = decl: static:
    types.checkDecl decl static
    || (decl.type == "float" && builtins.isInt static)
    || (builtins.isAttrs decl.type && decl.type ? nullOr && decl.type.nullOr == "float" && builtins.isInt static);

  staticRefusal = text: decl: static:
    "dynix: dynamic option ${text}: its value in this configuration, ${builtins.toJSON static}, "
    + (if builtins.isList static && !(builtins.isAttrs decl.type && decl.type ? listOf) && types.check decl.type (builtins.head (static ++ [ null ])) then
      "is a list, because " + types.storedAsList decl.type (if decl.type == "int" then "[ 2000 ]" else null)
    else if types.check decl.type static then
      "is outside its bounds (${types.describeDecl decl}); the manifest would contradict itself: declare the bounds the option has"
    else
      "does not have its manifest type, ${types.describeDecl decl}; the manifest would contradict itself: declare the type the option stores (as ${types.toNix decl.type} does not)");

  entry = text: decl:
    if !(types.valid decl.type) then
      throw "dynix: dynamic option ${text} has an unknown manifest type ${builtins.toJSON decl.type}"
    else if !(types.validBounds decl) then
      throw "dynix: dynamic option ${text} has bounds that are not integers"
    else if decl ? static && !(staticFits decl (jsonSafe decl.static)) then
      throw (staticRefusal text decl (jsonSafe decl.static))
    else
      { type = decl.type; }
      # Bounds only when there are any: a manifest without them reads as before.
      // (if (decl.min or null) != null then { inherit (decl) min; } else { })
      // (if (decl.max or null) != null then { inherit (decl) max; } else { })
      // (if decl ? static then { static = jsonSafe decl.static; } else { });

  hasFileArgument = builtins.elem "{file}" build;

  notCanonical = builtins.filter (text: !(attrpath.isCanonical text)) (builtins.attrNames options);
in
if !hasFileArgument then
  throw "dynix: the manifest's build command must contain the argument {file}"
else if !(builtins.isBool activationDryRun) then
  throw "dynix: the manifest's activationDryRun must be true or false, not ${builtins.toJSON activationDryRun}"
else if notCanonical != [ ] then
  throw ("dynix: manifest keys that are not canonical (declared.nix canonicalises keys): "
    + builtins.concatStringsSep ", " (map (text: "${text} (${attrpath.canonical text})") notCanonical))
else
  {
    version = 1;
    options = builtins.mapAttrs entry options;
    inherit build restoreStatic;
  }
  // (if check == null then { } else { inherit check; })
  // (if activationDryRun then { inherit activationDryRun; } else { })
