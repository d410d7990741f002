# What the test is, as data (scripts/test-nix reads it without nixpkgs).
{
  name = "gotosocial";
  service = ./configuration.nix;
  script = ./test-script.py;
  # The config file is YAML; yq turns it into JSON for the assertions. In
  # the static configuration too, or the first static switch removes it.
  packages = [ "yq-go" ];
}
