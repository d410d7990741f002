{ pkgs, dynix }:
import ../lib/make-test.nix { inherit pkgs dynix; } {
  name = "history";
  service = ./configuration.nix;
  script = ./test-script.py;
}
