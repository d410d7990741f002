# The central side of the fleet test: the fleet's repository behind sshd,
# with the host registered under its node name, `machine`.
{ pkgs, ... }:

let
  # nixpkgs' fixed test keys (the host's private key is host.nix's
  # identityFile), so each side's configuration names the other's key.
  keys = import "${pkgs.path}/nixos/tests/ssh-keys.nix" pkgs;
in
{
  programs.dynix.fleet = {
    enable = true;
    hosts.machine.key = keys.snakeOilEd25519PublicKey;
  };

  services.openssh = {
    enable = true;
    # The host's known-hosts line (host.nix) names this key.
    hostKeys = [ { type = "ecdsa"; path = "/etc/ssh/ssh_host_ecdsa_key"; } ];
  };
  environment.etc."ssh/ssh_host_ecdsa_key" = {
    source = keys.snakeOilPrivateKey;
    mode = "0600";
  };
}
