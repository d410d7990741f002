# What the test is, as data (scripts/test-nix reads it without nixpkgs).
{
  name = "distccd";
  service = ./configuration.nix;
  script = ./test-script.py;
  # nixpkgs attribute names the script needs in the VM, before and after
  # the static switch.
  packages = [ ];
}
