# The text of /etc/nixos/configuration.nix inside a dynix test VM: the static
# configuration that `nixos-rebuild switch` (and dynix's own build) evaluate
# there. Builtins only, so scripts/test-nix can check it without nixpkgs.
#
# Every import is an absolute store path and every package is named, not
# referenced: the test host evaluates this same text with the same nixpkgs
# (make-test.nix) and puts the resulting system into the VM's store, so the
# rebuild inside the VM evaluates to a system that is already there and
# builds nothing (there is no network and no build toolchain in the VM).
#
#   nixpkgs       the nixpkgs source, a store path (the VM's <nixpkgs>)
#   dynixSource   this repository's modules/, package.nix and Swift sources
#   service       the test's service configuration file
#   vmModule      lib/vm.nix
#   packages      nixpkgs attribute names for environment.systemPackages,
#                 the test's own tools included (gotosocial: yq-go)
#   stateVersion  the test node's system.stateVersion
{ nixpkgs, dynixSource, service, vmModule, packages, stateVersion }:

let
  quote = s: "\"" + builtins.replaceStrings [ "\\" "\"" "\${" ] [ "\\\\" "\\\"" "\\\${" ] s + "\"";
  packageList = builtins.concatStringsSep " " (map (name: "pkgs.${quote name}") ([ "git" ] ++ packages));
in
''
  # Written by Tests/nixos/vm/lib/static-configuration.nix. The test host evaluated
  # this same file to the same system; it is in this VM's store.
  { lib, pkgs, ... }:
  {
    imports = [
      ${nixpkgs}/nixos/modules/virtualisation/qemu-vm.nix
      ${nixpkgs}/nixos/modules/testing/test-instrumentation.nix
      ${vmModule}
      ${dynixSource}/modules/dynix.nix
      ${service}
    ];

    boot.loader.grub.enable = false;
    documentation.enable = false;
    system.stateVersion = ${quote stateVersion};

    # dynix from the same sources, so the same derivation as on the host.
    programs.dynix.enable = true;

    # git: the assertions read the history with it. The rest: what the
    # test's script runs; a switch to this system must not take it away.
    environment.systemPackages = [ ${packageList} ];

    nix.nixPath = [ ${quote "nixpkgs=${nixpkgs}"} "nixos-config=/etc/nixos/configuration.nix" ];
    nix.settings.substituters = lib.mkForce [ ];
  }
''
