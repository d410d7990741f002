# The host side of a fleet: where `dynix push` sends this host's history
# (/etc/dynix/central.json), and the units that push it, so that the
# history outlives the host's disk. Nothing here is on the path of
# `dynix apply`: the history is the queue, and the push follows it
# (a path unit on the history's refs, a timer for what that misses), so an
# apply takes the same time whether or not the central side answers.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  dynix = config.programs.dynix;
  cfg = dynix.central;

  knownHostsFile = "/etc/dynix/central-known-hosts";
  history = "${dynix.stateDirectory}/history.git";

  # The shape of central.json that `dynix push` reads, which refuses keys it
  # does not know; metricsFile is left out rather than written as null.
  centralJson = {
    version = 1;
    inherit (cfg) url identityFile connectTimeout;
    inherit knownHostsFile;
  } // lib.optionalAttrs (cfg.metricsFile != null) { inherit (cfg) metricsFile; };

  isStorePath = path: lib.hasPrefix "${builtins.storeDir}/" path;
in
{
  options.programs.dynix.central = {
    enable = lib.mkEnableOption "pushing this host's dynix history to a central repository (`dynix push`)";

    url = mkOption {
      type = types.str;
      example = "ssh://dynix-fleet@central.example.org/var/lib/dynix-fleet";
      description = ''
        The central repository, as an ssh:// URL (ssh://USER@HOST[:PORT]/PATH).
        The central side's forced command decides which repository and
        namespace a push goes to, from the key; the path is not read.
      '';
    };

    identityFile = mkOption {
      type = types.str;
      example = "/etc/ssh/dynix_central_ed25519_key";
      description = ''
        The private key that authenticates this host to the central side
        and signs its pushes; its public key is this host's key in the
        central side's `programs.dynix.fleet.hosts`. An absolute path on
        the host, readable by root, given as a string: a Nix path would be
        copied into the world-readable store.
      '';
    };

    knownHosts = mkOption {
      type = types.listOf types.str;
      example = [ "central.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOfTheCentralSide" ];
      description = ''
        The central side's host keys, one known_hosts line each (as
        `ssh-keyscan` prints them), written to ${knownHostsFile}. `dynix push`
        reads only this file, never root's known_hosts, and never asks.
      '';
    };

    connectTimeout = mkOption {
      type = types.ints.between 1 60;
      default = 5;
      description = ''
        Seconds OpenSSH waits for the central side to answer a connection.
        At most 60, so a central side that never answers ends the push well
        within the push service's time limit.
      '';
    };

    metricsFile = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/var/lib/prometheus-node-exporter-text-files/dynix.prom";
      description = ''
        Where each successful push writes its metrics in node_exporter's
        textfile-collector format (`dynix_central_last_push_success_timestamp_seconds`,
        `dynix_central_unpushed_commits`); null for none.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = dynix.enable;
        message = "programs.dynix.central.enable pushes dynix's history: it needs programs.dynix.enable = true.";
      }
      {
        # As dynix reads central.json: a space or a leading `-` after ssh://
        # would reach OpenSSH as an option.
        assertion = builtins.match "ssh://[^ \n-][^ \n]*" cfg.url != null;
        message = ''programs.dynix.central.url must be an ssh:// URL (ssh://USER@HOST[:PORT]/PATH) without spaces; got "${cfg.url}".'';
      }
      {
        assertion = lib.hasPrefix "/" cfg.identityFile;
        message = ''programs.dynix.central.identityFile must be an absolute path; got "${cfg.identityFile}".'';
      }
      {
        assertion = !isStorePath cfg.identityFile;
        message = ''programs.dynix.central.identityFile is in the Nix store ("${cfg.identityFile}"), which every user can read: a private key must never be there. Give the path of a key kept on the host, as a string.'';
      }
      {
        assertion = cfg.knownHosts != [ ] && lib.all (line: builtins.match "[^\n]*[^ \n][^\n]*" line != null) cfg.knownHosts;
        message = "programs.dynix.central.knownHosts must hold the central side's host keys, one non-empty known_hosts line each: `dynix push` trusts no other.";
      }
      {
        assertion = cfg.metricsFile == null || lib.hasPrefix "/" cfg.metricsFile;
        message = ''programs.dynix.central.metricsFile must be an absolute path or null; got "${toString cfg.metricsFile}".'';
      }
    ];

    # builtins.toJSON's text exactly, as the manifest is written.
    environment.etc."dynix/central.json".source =
      pkgs.writeText "dynix-central.json" (builtins.toJSON centralJson);
    environment.etc."dynix/central-known-hosts".text = lib.concatMapStrings (line: line + "\n") cfg.knownHosts;

    # `sudo dynix push` by hand goes through the same git and OpenSSH.
    environment.systemPackages = [ pkgs.git pkgs.openssh ];

    systemd.services.dynix-push = {
      description = "dynix: push this host's history to the central repository";
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      # dynix pushes through the git command and OpenSSH.
      path = [ pkgs.git pkgs.openssh ];
      # Until `dynix init` there is nothing to push; skipped, not failed.
      unitConfig.ConditionPathExists = history;
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "${dynix.package}/bin/dynix push";
        # dynix push gives up on a silent central side within 20 s; this
        # bounds a push that hangs later (a transfer that stalls).
        TimeoutStartSec = 120;
      };
    };

    # A ref update of apply, rollback, boot or rebuild renames a file into
    # refs/heads or refs/tags/gen (or rewrites packed-refs after a pack).
    systemd.paths.dynix-push = {
      description = "dynix: push the history when its refs change";
      wantedBy = [ "paths.target" ];
      pathConfig.PathChanged = [
        "${history}/refs/heads"
        "${history}/refs/tags/gen"
        "${history}/packed-refs"
      ];
    };

    # What the path unit misses: changes made while a push runs, before it
    # starts (the boot's own record), and pushes that failed while the
    # central side was down. The random delay keeps a fleet that boots
    # together from pushing at the same second.
    systemd.timers.dynix-push = {
      description = "dynix: push the history every 15 minutes";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnBootSec = "1min";
        OnUnitActiveSec = "15min";
        RandomizedDelaySec = "1min";
      };
    };
  };
}
