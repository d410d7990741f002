# One test system: nixpkgs' real lib.evalModules over the dynamicism modules,
# the stub NixOS options and the test service modules, plus `static` (the
# static configuration) and `extra` (more modules, e.g. forced entries).
{ lib, static, extra ? [ ] }:

let
  repo = ../../../..;
in
lib.evalModules {
  modules = import ./nixos.nix { inherit lib; } ++ [
    (repo + "/modules/dynix.nix")
    { programs.dynix.enable = true; }
    static
  ] ++ extra;
}
