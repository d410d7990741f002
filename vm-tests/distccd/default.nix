{ pkgs, dynix }:
import ../lib/make-test.nix { inherit pkgs dynix; } {
  name = "distccd";
  service = ./configuration.nix;
  script = ./test-script.py;
}
