# dynix itself: the command, its state directory, the framework, the four
# service modules, and both sides of a fleet (central.nix: this host pushes
# its history; fleet.nix: the central repository). Import this one file:
#
#   imports = [ /path/to/dynix/modules/dynix.nix ];
#   programs.dynix.enable = true;
{ config, lib, pkgs, ... }:

let
  cfg = config.programs.dynix;
in
{
  imports = [
    ./dynamicism
    ./dynamicism/gotosocial.nix
    ./dynamicism/harmonia.nix
    ./dynamicism/distccd.nix
    ./dynamicism/memcached.nix
    ./central.nix
    ./fleet.nix
  ];

  options.programs.dynix = {
    enable = lib.mkEnableOption "dynix, run-time changes to selected service settings with a git-backed history";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ../package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The dynix package.";
    };

    stateDirectory = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/dynix";
      readOnly = true;
      description = ''
        Where dynix keeps its history (history.git), lock and spool. Fixed:
        the dynix command resolves it from its root, not from this option.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];

    dynamicism.enable = true;
    # The activation script runs the hook; the state directory must exist by
    # then (tmpfiles runs after activation on a switch), so the hook's wrapper
    # creates it.
    dynamicism.rebuildHook = toString (pkgs.writeShellScript "dynix-rebuild-hook" ''
      ${pkgs.coreutils}/bin/install -d -m 0755 -o root -g root ${cfg.stateDirectory} || true
      # dynix promises to return within 10 s; the timeout is a second guard
      # so that activation can never hang on it.
      exec ${pkgs.coreutils}/bin/timeout 30 ${cfg.package}/bin/dynix rebuild-hook "$@"
    '');

    # The history records who changed what; only root may write it. Others may
    # read it (`dynix log` without sudo), as they may read /etc/nixos/dynamic.nix.
    systemd.tmpfiles.rules = [ "d ${cfg.stateDirectory} 0755 root root - -" ];
  };
}
