# Match the folded dynamic entries against the declared dynamic options.
#
#   layer { declared = { "<canonical key>" = { type = T; min = N; max = N; }; ... }; folded = <fold result>; }
#   (min and max optional: bounds on every integer, see types.nix; keys
#   canonical as declared.nix makes them, attrpath.canonical: a key written
#   otherwise is refused, never re-canonicalised here, where two spellings
#   of one option would silently become one)
#   => { matched    = [ { key; path; value; } ... ];   # in path order
#        undeclared = [ "<path text>" ... ];           # entries nobody declared
#        mistyped   = [ "<path text>: expected T, got V" ... ]; }
#
# Walking the folded set from the top: a node whose path is a declared option
# is a match (its whole value, even an attribute set, belongs to that option);
# a node that is a proper prefix of some declared option is descended into;
# anything else is undeclared. Nothing undeclared is ever turned into a module
# definition, so an entry can only ever set an option the system declared
# dynamic: data never becomes code (no `imports`, no `config`, no `options`).
# Builtins only.
{ declared, folded }:

let
  attrpath = import ./attrpath.nix;
  types = import ./types.nix;

  declaredByKey = builtins.mapAttrs
    (key: decl:
      if attrpath.isCanonical key then decl // { path = attrpath.parse key; }
      else throw "dynix: declared key ${key} is not canonical (${attrpath.canonical key}); declared.nix canonicalises keys")
    declared;

  declaredPaths = map (k: declaredByKey.${k}.path) (builtins.attrNames declaredByKey);

  isPrefix = prefix: path:
    builtins.length prefix < builtins.length path
    && builtins.genList (i: builtins.elemAt path i) (builtins.length prefix) == prefix;

  isProperPrefixOfDeclared = prefix: builtins.any (isPrefix prefix) declaredPaths;

  walk = prefix: node:
    let key = attrpath.render prefix; in
    if prefix != [ ] && declaredByKey ? ${key} then
      [{ kind = "matched"; inherit key; path = prefix; value = node; }]
    else if builtins.isAttrs node && (prefix == [ ] || isProperPrefixOfDeclared prefix) then
      builtins.concatLists (map
        (name: walk (prefix ++ [ name ]) node.${name})
        (builtins.attrNames node))
    else
      map (path: { kind = "undeclared"; key = attrpath.render path; }) (leaves prefix node);

  # Name undeclared entries by their full paths (services.openssh.enable, not
  # services.openssh), as the administrator wrote them.
  leaves = prefix: node:
    if builtins.isAttrs node && node != { } then
      builtins.concatLists (map
        (name: leaves (prefix ++ [ name ]) node.${name})
        (builtins.attrNames node))
    else
      [ prefix ];

  results = walk [ ] folded;

  matched = map (r: { inherit (r) key path value; })
    (builtins.filter (r: r.kind == "matched") results);

  showValue = v: if builtins.isFunction v then "a function" else builtins.toJSON v;

  mistyped = map
    (m: "${m.key}: expected ${types.describeDecl declaredByKey.${m.key}}, got ${showValue m.value}")
    (builtins.filter (m: !(types.checkDecl declaredByKey.${m.key} m.value)) matched);
in
{
  inherit matched mistyped;
  undeclared = map (r: r.key) (builtins.filter (r: r.kind == "undeclared") results);
}
