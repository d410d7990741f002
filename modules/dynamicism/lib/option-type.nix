# The manifest type of a declared NixOS option, derived from the option's own
# type (`options.<path>.type`), so dynix refuses at `dynix append` what the
# option would refuse at evaluation:
#
#   derive TYPE => { type = <manifest type>; min = N|null; max = N|null; }
#               or { unsupported = "<the option type's description>"; }
#
# Integer bounds (ints.between, ints.unsigned, ints.positive, ints.u8 …,
# types.port) become `min`/`max`, which bound every integer in the value.
# Only types whose every value the manifest language can state exactly are
# derived; anything else is unsupported, and the framework refuses to make
# such an option dynamic (dynamic-options.nix). Builtins only: TYPE is the
# attribute set nixpkgs' lib.types builds (name, description, nestedTypes,
# functor.payload).
let
  none = { min = null; max = null; };

  # "integer between -20 and 19 (both inclusive)", "16 bit unsigned
  # integer; between 0 and 65535 (both inclusive)"
  between = description:
    let m = builtins.match ".*between (-?[0-9]+) and (-?[0-9]+) \\(both inclusive\\)" description; in
    if m == null then null
    else { min = builtins.fromJSON (builtins.head m); max = builtins.fromJSON (builtins.elemAt m 1); };

  intNames = [ "intBetween" "unsignedInt8" "unsignedInt16" "unsignedInt32" "signedInt8" "signedInt16" "signedInt32" ];

  derive = t:
    let
      name = t.name or null;
      description = t.description or "unknown type";
      inner = derive t.nestedTypes.elemType;
      wrap = f: if inner ? unsupported then inner else inner // { type = f inner.type; };
    in
    if name == "int" then { type = "int"; } // none
    else if builtins.elem name intNames && between description != null then { type = "int"; } // between description
    else if name == "unsignedInt" then { type = "int"; min = 0; max = null; }
    else if name == "positiveInt" then { type = "int"; min = 1; max = null; }
    else if name == "bool" then { type = "bool"; } // none
    else if name == "float" then { type = "float"; } // none
    else if name == "str" then { type = "str"; } // none
    else if name == "enum"
      && builtins.all builtins.isString (t.functor.payload.values or [ 1 ])
    then { type = { enum = t.functor.payload.values; }; } // none
    else if name == "nullOr" && t ? nestedTypes.elemType then wrap (x: { nullOr = x; })
    else if name == "listOf" && t ? nestedTypes.elemType then wrap (x: { listOf = x; })
    else { unsupported = description; };
in
{
  inherit derive;
}
