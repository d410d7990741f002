# The stand-in NixOS every module-system test evaluates in: the stub NixOS
# options, stub pkgs and the stand-in service modules (services.nix names
# the nixpkgs commits they mirror).
{ lib }:

let
  stubs = import ./stubs.nix { inherit lib; };
  services = import ./services.nix { inherit lib; inherit (stubs) pkgs; };
in
[
  stubs.module
  stubs.toplevel
  services.harmonia
  services.distccd
  services.gotosocial
  services.memcached
  { _module.args.pkgs = stubs.pkgs; }
]
