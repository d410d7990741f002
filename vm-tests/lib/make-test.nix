# Build one dynix VM test: a NixOS machine running `service` (a configuration
# file, also copied into the VM as /etc/nixos/service.nix so that
# `nixos-rebuild switch` inside the VM rebuilds the same static system), with
# dynix installed, driven by helpers.py + the test's own script.
{ pkgs, dynix }:

{ name, service, script, extraPackages ? [ ] }:

pkgs.testers.runNixOSTest {
  name = "dynix-${name}";

  nodes.machine = { lib, ... }: {
    imports = [
      ./machine.nix
      service
    ];
    _module.args.dynixPackage = dynix;
    environment.systemPackages = extraPackages;
    # The static configuration as the in-VM rebuild sees it.
    environment.etc."dynix-test/service.nix".source = service;
  };

  # Shared helpers first, then the story; both are plain Python files so
  # that `python3 -m py_compile` checks them outside NixOS.
  testScript = builtins.readFile ./helpers.py + "\n" + builtins.readFile script;
}
