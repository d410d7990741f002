# What the test is, as data (scripts/test-nix reads it without nixpkgs).
# `service` is the host's configuration; default.nix adds the central node.
{
  name = "fleet";
  service = ./host.nix;
  script = ./test-script.py;
  packages = [ ];
}
