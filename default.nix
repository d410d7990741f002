# nix-build -A tests.gotosocial   (or harmonia, distccd, history, fleet)
# nix-build -A allTests
# nix-build -A dynix
#
# The VM tests need a Linux host with KVM and a nixpkgs that has a Swift 6
# toolchain (see package.nix).
{ pkgs ? import <nixpkgs> { } }:

let
  inherit (pkgs) lib;

  dynix = pkgs.callPackage ./package.nix { };

  tests = lib.genAttrs [ "gotosocial" "harmonia" "distccd" "history" "fleet" ]
    (name: import (./Tests/nixos/vm + "/${name}") { inherit pkgs dynix; });

  allTests = pkgs.linkFarm "dynix-all-tests"
    (lib.mapAttrsToList (name: path: { inherit name path; }) tests);
in
{
  inherit dynix tests allTests;

  # As the prototype had it: `nix-build -A default.tests.gotosocial`.
  default = dynix.overrideAttrs (old: {
    passthru = (old.passthru or { }) // { inherit tests allTests; };
  });

  nixosModules = {
    default = ./modules/dynix.nix;
    dynamicism = ./modules/dynamicism;
  };
}
