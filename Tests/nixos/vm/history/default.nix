{ pkgs, dynix }:
import ../lib/make-test.nix { inherit pkgs dynix; } (import ./test.nix)
