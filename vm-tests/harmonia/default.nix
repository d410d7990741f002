{ pkgs, dynix }:
import ../lib/make-test.nix { inherit pkgs dynix; } {
  name = "harmonia";
  service = ./configuration.nix;
  script = ./test-script.py;
}
