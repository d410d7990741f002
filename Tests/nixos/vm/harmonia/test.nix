# What the test is, as data (scripts/test-nix reads it without nixpkgs).
{
  name = "harmonia";
  service = ./configuration.nix;
  script = ./test-script.py;
  packages = [ ];
}
