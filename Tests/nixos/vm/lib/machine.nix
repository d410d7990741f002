# The test node: dynix enabled, and what the in-VM rebuild needs offline
# (the rest is in make-test.nix, which knows the static configuration).
{ lib, pkgs, dynixPackage, ... }:
{
  imports = [ ../../../../modules/dynix.nix ];

  programs.dynix.enable = true;
  programs.dynix.package = dynixPackage;

  # git reads the history's trailers for the assertions (the contract of
  # ARCHITECTURE.md §3), independent of dynix's own output format.
  environment.systemPackages = [ pkgs.git ];

  nix.nixPath = [ "nixpkgs=${pkgs.path}" "nixos-config=/etc/nixos/configuration.nix" ];
  nix.settings.substituters = lib.mkForce [ ];
}
