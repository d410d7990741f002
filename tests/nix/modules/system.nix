# One test system: nixpkgs' real lib.evalModules over the dynamicism modules,
# the stub NixOS options and the test service modules, plus `static` (the
# static configuration) and `extra` (more modules, e.g. forced entries).
{ lib, static, extra ? [ ] }:

let
  stubs = import ./stubs.nix { inherit lib; };
  services = import ./services.nix { inherit lib; inherit (stubs) pkgs; };
  repo = ../../..;
in
lib.evalModules {
  modules = [
    stubs.module
    stubs.toplevel
    services.harmonia
    services.distccd
    services.gotosocial
    services.memcached
    (repo + "/modules/dynix.nix")
    {
      _module.args.pkgs = stubs.pkgs;
      programs.dynix.enable = true;
    }
    static
  ] ++ extra;
}
