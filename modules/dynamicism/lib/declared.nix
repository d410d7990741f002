# The dynamic options the enabled services declare, each under its canonical
# key (attrpath.canonical): the one place where declared keys are
# canonicalised. Everything downstream (layer.nix, manifest.nix, the
# module) reads these keys as they are.
#
#   declared { <service> = { "<key as written>" = DECL; ... }; ... }
#   => { byKey = { "<canonical key>" = DECL // { key; path; service; written; }; ... };
#        twice = [ "<canonical key> (<service>: <as written>; <service>: <as written>)" ... ]; }
#
# One option declared more than once, by two services or twice by one under
# two spellings (`services.x."a"` and `services.x.a`), is in `twice`, every
# declaration named; `byKey` then holds just one of them, so a caller must
# refuse to go on while `twice` is not empty (which unit restarts, and which
# type holds, would be ambiguous). Builtins only.
services:

let
  attrpath = import ./attrpath.nix;

  all = builtins.concatLists (map
    (service: map
      (written: {
        inherit service written;
        key = attrpath.canonical written;
        decl = services.${service}.${written};
      })
      (builtins.attrNames services.${service}))
    (builtins.attrNames services));

  # builtins.groupBy: Nix 2.5 and later (the oldest Nix here is 2.8).
  grouped = builtins.groupBy (d: d.key) all;

  byKey = builtins.mapAttrs
    (key: ds:
      let d = builtins.head ds; in
      d.decl // {
        inherit key;
        inherit (d) service written;
        path = attrpath.parse key;
      })
    grouped;

  twice = map
    (key: "${key} (" + builtins.concatStringsSep "; "
      (map (d: "${d.service}: ${d.written}") grouped.${key}) + ")")
    (builtins.filter (key: builtins.length grouped.${key} > 1) (builtins.attrNames grouped));
in
{
  inherit byKey twice;
}
