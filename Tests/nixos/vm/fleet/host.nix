# The host of the fleet test: distccd, whose maxJobs the story applies, and
# programs.dynix.central pointing at the `central` node. It is also the
# static configuration the VM rebuilds itself to, which imports it alone by
# store path (lib/static-configuration.nix): it names nothing beside it, and
# it carries the test network, which that rebuild would otherwise drop.
{ lib, pkgs, ... }:

let
  keys = import "${pkgs.path}/nixos/tests/ssh-keys.nix" pkgs;
in
{
  services.distccd = {
    enable = true;
    maxJobs = 12;
  };

  programs.dynix.central = {
    enable = true;
    url = "ssh://dynix-fleet@central/var/lib/dynix-fleet";
    # nixpkgs' test key, whose private half is public anyway; a real key is
    # never in the store (the module refuses a store path, not this copy).
    identityFile = "/etc/dynix-test/fleet-key";
    knownHosts = [ "central ${keys.snakeOilPublicKey}" ];
    metricsFile = "/var/lib/dynix-push.prom";
  };
  environment.etc."dynix-test/fleet-key" = {
    source = keys.snakeOilEd25519PrivateKey;
    mode = "0400";
  };

  # The driver's addresses on VLAN 1, nodes numbered in name order (central
  # 1, machine 2; nixos/lib/testing/network.nix). mkDefault: on the test node
  # the driver's own definitions stand, in the rebuilt system these.
  networking.interfaces.eth1.ipv4.addresses = lib.mkDefault [
    {
      address = "192.168.1.2";
      prefixLength = 24;
    }
  ];
  networking.extraHosts = lib.mkDefault ''
    192.168.1.1 central
  '';
}
