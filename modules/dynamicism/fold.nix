# The fold of the dynamic file: a list of attribute sets (entries, in append
# order) to the one effective attribute set.
#
#   import ./fold.nix (import /etc/nixos/dynamic.nix)
#
# Last write wins per option path. Where both the earlier and the later value
# are attribute sets they merge recursively, the way the NixOS module system
# merges attrset definitions, so that
#   { a.b = 1; }  { a.c = 2; }   folds to   { a = { b = 1; c = 2; }; }
# Any other value (list, string, number, bool, null, path) replaces what was
# there: lists are not concatenated, because an entry states the whole new
# value of an option, not an addition to it.
#
# Builtins only, so plain `nix-instantiate` evaluates it without nixpkgs, and
# nothing experimental (no pipe operator): this must work with stable Nix.
entries:

let
  isSet = builtins.isAttrs;

  # Merge `new` over `old`. Derivations are attribute sets too, but an entry
  # never holds one (dynix only renders data), so no special case is needed.
  mergeOver = old: new:
    if isSet old && isSet new then
      old // builtins.mapAttrs
        (name: value:
          if builtins.hasAttr name old
          then mergeOver old.${name} value
          else value)
        new
    else
      new;

  checkEntry = index: entry:
    if isSet entry then entry
    else throw "dynix: entry ${toString (index + 1)} of the dynamic file is a ${builtins.typeOf entry}, not an attribute set";

  # Pair every entry with its position for the error message above.
  indexed = builtins.genList
    (i: checkEntry i (builtins.elemAt entries i))
    (builtins.length entries);
in
if builtins.isList entries then
  builtins.foldl' mergeOver { } indexed
else
  throw "dynix: the dynamic file must be a list of attribute sets, not a ${builtins.typeOf entries}"
