# The manifest's small type language, and checking an entry's value against it.
#
#   "int" "bool" "float" "str" "attrs"
#   { enum = [ ... ]; }  { nullOr = T; }  { listOf = T; }
#
# An option's declaration may bound its integers: `min` and `max` (either may
# be absent or null) hold for every integer the value contains (the option
# types ints.between, ints.unsigned, types.port, … derive them; see
# option-type.nix). `checkDecl` and `describeDecl` take such a declaration.
#
# dynix checks values when they are appended; this is the second line of
# defence for a dynamic.nix edited by hand (and adopted), so the error names the
# option and the expected type instead of failing deep inside a service module.
# Builtins only.
let
  describe = t:
    if builtins.isString t then t
    else if t ? enum then "one of ${builtins.toJSON t.enum}"
    else if t ? nullOr then "null or ${describe t.nullOr}"
    else if t ? listOf then "list of ${describe t.listOf}"
    else throw "dynix: unknown manifest type ${builtins.toJSON t}";

  # Does `value` have type `t`? Integers are not floats here, as in
  # lib.types.float: the NixOS option would refuse them too.
  check = t: value:
    if t == "int" then builtins.isInt value
    else if t == "bool" then builtins.isBool value
    else if t == "float" then builtins.isFloat value
    else if t == "str" then builtins.isString value
    else if t == "attrs" then builtins.isAttrs value
    else if builtins.isAttrs t && t ? enum then builtins.elem value t.enum
    else if builtins.isAttrs t && t ? nullOr then value == null || check t.nullOr value
    else if builtins.isAttrs t && t ? listOf then
      builtins.isList value && builtins.all (check t.listOf) value
    else throw "dynix: unknown manifest type ${builtins.toJSON t}";

  # Is `t` a well-formed type of the language? For the manifest builder, so a
  # typo in a service module fails at evaluation, not in dynix.
  valid = t:
    if builtins.isString t then builtins.elem t [ "int" "bool" "float" "str" "attrs" ]
    else if builtins.isAttrs t && builtins.attrNames t == [ "enum" ] then builtins.isList t.enum
    else if builtins.isAttrs t && builtins.attrNames t == [ "nullOr" ] then valid t.nullOr
    else if builtins.isAttrs t && builtins.attrNames t == [ "listOf" ] then valid t.listOf
    else false;
  bounded = decl: (decl.min or null) != null || (decl.max or null) != null;

  # Every integer in `value` within the declaration's bounds.
  inBounds = decl: value:
    if builtins.isInt value then
      ((decl.min or null) == null || value >= decl.min) && ((decl.max or null) == null || value <= decl.max)
    else if builtins.isList value then builtins.all (inBounds decl) value
    else true;

  checkDecl = decl: value: check decl.type value && inBounds decl value;

  describeBounds = decl:
    if (decl.min or null) != null && (decl.max or null) != null then "integers between ${toString decl.min} and ${toString decl.max}"
    else if (decl.min or null) != null then "integers >= ${toString decl.min}"
    else "integers <= ${toString decl.max}";

  # A type as it is written in a declaration (Nix syntax), for messages.
  toNix = t:
    if builtins.isString t then builtins.toJSON t
    else if t ? enum then "{ enum = [ ${builtins.concatStringsSep " " (map builtins.toJSON t.enum)} ]; }"
    else if t ? nullOr then "{ nullOr = ${toNix t.nullOr}; }"
    else if t ? listOf then "{ listOf = ${toNix t.listOf}; }"
    else builtins.toJSON t;

  # Why a value declared T arrives as a list, and what to declare instead;
  # `example`: a list to append, or null.
  storedAsList = t: example:
    "its option stores single values as lists (a type that coerces them, as pkgs.formats.keyValue and ini do with listsAsDuplicateKeys or listToValue); declare its type as { listOf = ${toNix t}; } and append lists"
    + (if example == null then "" else ", such as '${example}'");

  describeDecl = decl:
    describe decl.type + (if bounded decl then " (${describeBounds decl})" else "");

  validBounds = decl:
    builtins.all (b: b == null || builtins.isInt b) [ (decl.min or null) (decl.max or null) ];
in
{
  inherit describe check valid checkDecl describeDecl validBounds inBounds toNix storedAsList;
}
