# The machine every dynix VM test runs: dynix enabled, and everything
# `nixos-rebuild switch` needs to run offline inside the VM, because the
# stories end (and the history test begins) with a static switch.
{ config, lib, pkgs, dynixPackage, ... }:

let
  # What /etc/nixos/configuration.nix holds inside the VM. It imports the
  # same dynix modules and the same service file as this node, so the in-VM
  # rebuild has the same dynamic options and static values.
  inVmConfiguration = pkgs.writeText "configuration.nix" ''
    { lib, ... }:
    {
      imports = [
        ./hardware-configuration.nix
        <nixpkgs/nixos/modules/testing/test-instrumentation.nix>
        ./dynix/modules/dynix.nix
        ./service.nix
      ];
      boot.loader.grub.enable = false;
      documentation.enable = false;
      programs.dynix.enable = true;
      # The package the test built; the VM cannot build Swift offline.
      programs.dynix.package = builtins.storePath "${dynixPackage}";
      environment.systemPackages = [ (builtins.storePath "${pkgs.git}") ];
      nix.settings.substituters = lib.mkForce [ ];
    }
  '';
in
{
  imports = [ ../../modules/dynix.nix ];

  programs.dynix.enable = true;
  programs.dynix.package = dynixPackage;

  # git reads the history's trailers for the assertions (the contract of
  # DESIGN.md), independent of dynix's own output format.
  environment.systemPackages = [ pkgs.git ];

  environment.etc."dynix-test/configuration.nix".source = inVmConfiguration;
  environment.etc."dynix-test/dynix/modules".source = builtins.path { path = ../../modules; name = "dynix-modules"; };

  nix.nixPath = [ "nixpkgs=${pkgs.path}" "nixos-config=/etc/nixos/configuration.nix" ];
  nix.settings.substituters = lib.mkForce [ ];
  # Everything the in-VM rebuilds need, in the VM's store.
  system.includeBuildDependencies = true;
  system.extraDependencies = [ dynixPackage pkgs.git ];

  virtualisation.memorySize = 3072;
  virtualisation.diskSize = 8192;
  virtualisation.cores = 2;
}
