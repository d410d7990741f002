# What the test is, as data (scripts/test-nix reads it without nixpkgs).
{
  name = "history";
  service = ./configuration.nix;
  script = ./test-script.py;
  packages = [ ];
}
