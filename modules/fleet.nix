# The central side of a fleet: one bare repository that every host pushes
# its history to (`dynix fleet init`), a system user whose authorized_keys
# lets each host's key run `dynix fleet receive` for that host and nothing
# else, and the registration of each host's key as a signer (`dynix fleet
# add-host`). sshd and git do the rest; there is no server of dynix's own.
{ config, lib, pkgs, ... }:

let
  inherit (lib) mkOption types;

  dynix = config.programs.dynix;
  cfg = dynix.fleet;

  dynixBin = "${dynix.package}/bin/dynix";

  # Host names as `dynix fleet add-host` takes them (the name is a git
  # namespace, a principal in the allowed-signers file and a word of the
  # forced command): the reason a name is refused, or null.
  hostNameProblem = name:
    if name == "" then "it is empty"
    else if builtins.stringLength name > 63 then "it is longer than 63 characters"
    else if builtins.match "[A-Za-z0-9].*" name == null then "it must begin with a letter or a digit"
    else if builtins.match "[A-Za-z0-9._-]*" name == null then "only letters, digits, '.', '_' and '-' are allowed"
    else if lib.hasInfix ".." name then "it holds '..'"
    else if lib.hasSuffix "." name || lib.hasSuffix ".lock" name then "git refuses a ref name component ending in '.' or '.lock'"
    else null;

  # A public key as `dynix fleet add-host --key` takes it: one line,
  # TYPE BASE64 [COMMENT].
  keyTypes = [
    "ssh-ed25519"
    "ssh-rsa"
    "ecdsa-sha2-nistp256"
    "ecdsa-sha2-nistp384"
    "ecdsa-sha2-nistp521"
    "sk-ssh-ed25519@openssh.com"
    "sk-ecdsa-sha2-nistp256@openssh.com"
  ];
  keyWords = key: builtins.match "[ \t\n]*([^ \t\n]+)[ \t]+([A-Za-z0-9+/=]{16,})([ \t][^\n]*)?[ \t\n]*" key;
  validKey = key: keyWords key != null && builtins.elem (builtins.head (keyWords key)) keyTypes;
  # TYPE BASE64, without the comment: what add-host writes and prints.
  keyText = key: "${builtins.elemAt (keyWords key) 0} ${builtins.elemAt (keyWords key) 1}";

  # The line `dynix fleet add-host` prints, exactly.
  authorizedKey = name: host:
    ''restrict,command="${dynixBin} fleet receive --central ${cfg.directory} ${name}" ${keyText host.key}'';

  hostOption = name: "programs.dynix.fleet.hosts.${lib.strings.escapeNixIdentifier name}";

  setup = pkgs.writeShellScript "dynix-fleet-setup" ''
    set -euo pipefail
    # A file registration cannot read stops the program, not reads as empty.
    shopt -s inherit_errexit
    dir=${lib.escapeShellArg cfg.directory}
    signers=$dir/fleet/allowed-signers
    status=0

    # Also on an existing repository: it refreshes the policy and the hooks,
    # which name the dynix that runs them (an upgrade moves it).
    ${dynixBin} fleet init --central "$dir"

    # registration NAME KEY: "same" when the allowed-signers file lists NAME
    # with KEY (as add-host wrote it: NAME OPTIONS TYPE BASE64), "other"
    # when only with other keys, "none" when not at all.
    registration() {
      local found=none line
      local -a words
      while IFS= read -r line; do
        read -ra words <<<"$line"
        if [ "''${#words[@]}" -lt 4 ] || [ "''${words[0]}" != "$1" ]; then continue; fi
        if [ "''${words[-2]} ''${words[-1]}" = "$2" ]; then found=same; break; fi
        found=other
      done <"$signers"
      echo "$found"
    }

    # register NAME KEY: a host is registered once. A registered key is
    # never replaced, since the signatures stored with the history are
    # verified with it; a changed option is reported instead.
    register() {
      local found
      found=$(registration "$1" "$2")
      case $found in
        none) ${dynixBin} fleet add-host --central "$dir" "$1" --key "$2" >/dev/null ;;
        other)
          echo "dynix-fleet-setup: host $1 is registered in $signers with another key than programs.dynix.fleet.hosts.$1.key; its pushes are refused until the two agree" >&2
          status=1
          ;;
      esac
    }

    ${lib.concatStrings (lib.mapAttrsToList (name: host: ''
      register ${lib.escapeShellArg name} ${lib.escapeShellArg (keyText host.key)}
    '') cfg.hosts)}
    exit "$status"
  '';
in
{
  options.programs.dynix.fleet = {
    enable = lib.mkEnableOption "the central repository of a dynix fleet, which the hosts push their histories to over ssh";

    directory = mkOption {
      type = types.str;
      default = "/var/lib/dynix-fleet";
      description = ''
        The central repository (`dynix fleet init --central DIRECTORY`), also
        the home of the fleet's user. The hosts' `programs.dynix.central.url`
        names this machine and user; `dynix fleet live`, `status`,
        `timeline` and `dynix log --central` read it here.
      '';
    };

    user = mkOption {
      type = types.str;
      default = "dynix-fleet";
      description = ''
        The system user (and group) that owns the repository and that the
        hosts log in as; its authorized_keys holds one forced command per
        host.
      '';
    };

    hosts = mkOption {
      type = types.attrsOf (types.submodule {
        options.key = mkOption {
          type = types.str;
          example = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOfTheHost root@host1";
          description = ''
            The host's public key: the public half of its
            `programs.dynix.central.identityFile`. It logs the host in and
            signs its pushes.
          '';
        };
      });
      default = { };
      example = lib.literalExpression ''{ cache1.key = "ssh-ed25519 AAAA… root@cache1"; }'';
      description = ''
        The hosts that may push, by name: the name the central repository
        files the host's history under (`dynix log --central … --host NAME`).
        Registered once; a host taken out of this set can no longer push,
        and its history stays.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        # It is a word of sshd's forced command, and the repository's path
        # as dynix writes it (so the lines below equal add-host's).
        assertion = builtins.match "(/[A-Za-z0-9._-]+)+" cfg.directory != null
          && !lib.elem "." (lib.splitString "/" cfg.directory)
          && !lib.elem ".." (lib.splitString "/" cfg.directory);
        message = ''programs.dynix.fleet.directory must be an absolute path of letters, digits, '.', '_' and '-', without '.', '..' or a trailing '/'; got "${cfg.directory}".'';
      }
    ]
    ++ lib.mapAttrsToList
      (name: _: {
        assertion = hostNameProblem name == null;
        message = ''${hostOption name}: "${name}" is not a host name: ${toString (hostNameProblem name)} (letters, digits, '.', '_' and '-', beginning with a letter or a digit, at most 63, no '..', not ending in '.' or '.lock').'';
      })
      cfg.hosts
    ++ lib.mapAttrsToList
      (name: host: {
        assertion = validKey host.key;
        message = "${hostOption name}.key must be one ssh public key, TYPE BASE64 [COMMENT] with TYPE one of ${lib.concatStringsSep ", " keyTypes}.";
      })
      cfg.hosts;

    # The forced command and the hooks it runs find git and ssh-keygen in
    # the system's PATH; the administrator reads the fleet with dynix.
    environment.systemPackages = [ dynix.package pkgs.git pkgs.openssh ];

    users.groups.${cfg.user} = { };
    users.users.${cfg.user} = {
      isSystemUser = true;
      group = cfg.user;
      description = "dynix fleet: receives the hosts' histories";
      home = cfg.directory;
      createHome = true;
      # sshd runs a forced command through the user's shell: nologin would
      # refuse every push.
      shell = pkgs.bashInteractive;
      openssh.authorizedKeys.keys = lib.mapAttrsToList authorizedKey cfg.hosts;
    };

    systemd.services.dynix-fleet-setup = {
      description = "dynix: create or refresh the fleet's central repository and register its hosts";
      # The hooks and the hosts' keys are in place before sshd lets anyone
      # push.
      wantedBy = [ "multi-user.target" ];
      before = [ "sshd.service" ];
      path = [ pkgs.git ];
      serviceConfig = {
        Type = "oneshot";
        # Active after it ran, so a switch that changes the hosts runs it
        # again (an inactive unit would wait for the next boot).
        RemainAfterExit = true;
        User = cfg.user;
        Group = cfg.user;
        ExecStart = setup;
      };
    };
  };
}
