# Evaluate every case in cases.nix; the result lists each case with whether
# it passed and, when not, both sides.
{ nixpkgsLib }:

let
  lib = import (nixpkgsLib + "/lib");
  cases = import ./cases.nix { inherit lib; };
in
lib.mapAttrs
  (name: case:
    if case.actual == case.expected
    then { ok = true; }
    else { ok = false; inherit (case) actual expected; })
  cases
