{ pkgs, dynix }:
import ../lib/make-test.nix { inherit pkgs dynix; } {
  name = "gotosocial";
  service = ./configuration.nix;
  script = ./test-script.py;
  # The config file is YAML; yq turns it into JSON for the assertions.
  extraPackages = [ pkgs.yq-go ];
}
