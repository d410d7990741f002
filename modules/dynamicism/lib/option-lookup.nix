# Where an attribute path lands among the declared options of an evaluation
# (its `options`):
#
#   lookup OPTIONS PATH
#   => { kind = "option"; option; }          a declared option
#   or { kind = "inside"; option; rest; }    a key inside a (freeform) option
#   or { kind = "none"; }                    nothing declares it
#
# Submodule options are descended into (getSubOptions). For an attribute
# set of submodules (virtualHosts."example.com".root) lib.types'
# getSubOptions skips the attribute's name (`<name>`), so the path's next
# component is that name and the one after it the sub-option.
#
# Needs nixpkgs' lib (lib.isOption) and option values as lib.evalModules
# makes them: tested under the module system (Tests/nixos/eval/modules).
{ lib }:

opts: path:
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
walk opts path
