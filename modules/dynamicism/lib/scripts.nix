# The shell programs of the framework, as text (the module wraps them in store
# files). Pure so the tests can generate them with nix-instantiate and run
# them against a temporary directory and a fake systemctl.
#
# All of them treat a unit's dynix drop-in as the unit of state: a unit runs on
# dynamic settings exactly when /run/systemd/system/UNIT.d/<dropInName> exists.
# /run is a tmpfs, so a boot is a reset by construction.
#
# The runtime directory, systemctl and /run/nixos can be overridden through
# the environment (DYNIX_SYSTEMD_RUNTIME_DIR, DYNIX_SYSTEMCTL,
# DYNIX_NIXOS_RUN_DIR) for those tests; on a NixOS system none is set.
# Builtins only.
let
  # Sorts after NixOS's own `overrides.conf` in /etc/systemd/system/UNIT.d/:
  # systemd applies drop-ins from all directories in file-name order, so a
  # name starting with a digit (say 90-dynix.conf) would lose to it.
  dropInName = "zz-dynix.conf";

  # Single-quote for the shell.
  quote = s: "'" + builtins.replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # runtime_dir only where a unit's drop-in is read or written: a program for
  # no units never uses it.
  preamble = { systemctl, units }: ''
    set -eu
  '' + (if units == [ ] then "" else ''
    runtime_dir=''${DYNIX_SYSTEMD_RUNTIME_DIR:-/run/systemd/system}
  '') + ''
    systemctl=''${DYNIX_SYSTEMCTL:-${systemctl}}
  '';

  # units: { "<unit>" = "<drop-in text>" or null; } for every unit dynix
  # manages; null means "static settings" (no drop-in).
  # groups: the units of one service (a service and its socket). A unit in no
  # group is a group of its own.
  #
  # Writes drop-ins that differ, removes those no longer wanted, reloads
  # systemd once, and restarts, one `systemctl restart` per group (systemd
  # orders the jobs), only the units whose drop-in changed: a unit whose
  # effective settings are the same as before is left running, and a socket
  # keeps listening while only its service's settings change. When a socket's
  # own settings change, its whole group restarts: the service holds the
  # socket's old descriptor and must let it go.
  #
  # With `--dry-run` as its first argument it compares the same way but
  # writes, removes and reloads nothing, and instead of each restart prints
  # `would restart UNIT [UNIT…]` (one line per group, in the same order), or
  # `no unit changed`: what `nixos-rebuild dry-activate` is to a switch. The
  # manifest says so (`activationDryRun`); without the argument the program
  # writes, reloads and restarts as described above, and ignores any other
  # argument.
  apply = { units, systemctl, shell ? "/bin/sh", groups ? [ ] }:
    let
      unitNames = builtins.attrNames units;
      grouped = builtins.concatLists groups;
      allGroups = builtins.filter (g: g != [ ])
        (map (g: builtins.filter (u: units ? ${u}) g) groups
          ++ map (u: [ u ]) (builtins.filter (u: !(builtins.elem u grouped)) unitNames));
      flag = unit: "changed_" + builtins.substring 0 16 (builtins.hashString "sha256" unit);
      step = unit:
        let
          text = units.${unit};
          dir = "\"$runtime_dir\"/${quote "${unit}.d"}";
          file = "${dir}/${dropInName}";
          tmp = "${file}.tmp";
        in
        if text == null then ''
          if [ -e ${file} ]; then
            if [ -z "$dry_run" ]; then
              rm -f ${file}
              rmdir ${dir} 2>/dev/null || true
            fi
            ${flag unit}=1
          fi
        '' else ''
          new=$(cat <<'DYNIX_DROPIN_END'
          ${text}
          DYNIX_DROPIN_END
          )
          if [ ! -e ${file} ] || [ "$(cat ${file})" != "$new" ]; then
            if [ -z "$dry_run" ]; then
              mkdir -p ${dir}
              printf '%s\n' "$new" > ${tmp}
              mv -f ${tmp} ${file}
            fi
            ${flag unit}=1
          fi
        '';
      anyChanged = g: builtins.concatStringsSep " || " (map (u: "[ -n \"\${${flag u}:-}\" ]") g);
      isSocket = u: builtins.match ".*\\.socket" u != null;
      # The units of group g to restart, as the positional parameters: the
      # whole group when one of its sockets changed, else the changed units.
      select = g:
        let sockets = builtins.filter isSocket g; in
        "set --\n"
        + (if sockets == [ ] then "" else ''
          if ${anyChanged sockets}; then
            set -- ${builtins.concatStringsSep " " (map quote g)}
          else
        '')
        + builtins.concatStringsSep "" (map (u: "if [ -n \"\${${flag u}:-}\" ]; then set -- \"$@\" ${quote u}; fi\n") g)
        + (if sockets == [ ] then "" else "fi\n");
      restartGroup = g: select g + ''
        if [ "$#" -gt 0 ]; then
          echo "restarting $*"
          "$systemctl" restart "$@"
        fi
      '';
      reportGroup = g: select g + ''
        if [ "$#" -gt 0 ]; then
          echo "would restart $*"
        fi
      '';
      # Each non-empty line indented by two spaces.
      indent = text: builtins.concatStringsSep "\n"
        (map (line: if line == "" then line else "  " + line)
          (builtins.filter builtins.isString (builtins.split "\n" text)));
      dryRunReport = "if [ -n \"$dry_run\" ]; then\n"
        + indent (builtins.concatStringsSep "" (map reportGroup allGroups))
        + "  exit 0\nfi";
    in
    ''
      #!${shell}
      # dynix: make the dynamic settings of this generation live.
      ${preamble { inherit systemctl; units = unitNames; }}
      dry_run=
      if [ "''${1:-}" = --dry-run ]; then
        dry_run=1
      fi
      ${builtins.concatStringsSep "" (map (u: "${flag u}=\n") unitNames)}
      ${builtins.concatStringsSep "\n" (map step unitNames)}
      if ${if unitNames == [ ] then "true" else builtins.concatStringsSep " && " (map (u: "[ -z \"\$${flag u}\" ]") unitNames)}; then
        echo "no unit changed"
        exit 0
      fi
      ${dryRunReport}
      "$systemctl" daemon-reload
      ${builtins.concatStringsSep "" (map restartGroup allGroups)}
    '';

  # Back to the static settings of the running generation, without a rebuild:
  # the manifest's `restoreStatic`.
  restoreStatic = { units, systemctl, shell ? "/bin/sh", groups ? [ ] }:
    apply {
      inherit systemctl shell groups;
      units = builtins.listToAttrs (map (u: { name = u; value = null; }) units);
    };

  # The activation snippet. On a static switch (and at boot, where /run is
  # empty anyway) dynix's drop-ins go, and the units that had one are handed
  # to switch-to-configuration through its restart list, so they come back on
  # their static settings even when their static unit file did not change.
  # The switch never restarts a socket unit (its handle_modified_unit leaves
  # them alone), so a socket that had a drop-in is not listed: its whole
  # group (socket first, then its service, one group per line) goes to
  # /run/dynix/socket-reset-list, and the unit `socketReset` names, which the
  # switch then starts (it was not running), restarts each group once the
  # switch has reloaded systemd: the socket listens where the static
  # configuration says, whether its service runs or idles.
  # Under dry-activate nothing is removed; the units are only reported.
  # The rebuild hook records the event; nothing here may fail activation.
  # groups: as for apply; rebuildHook: the command (`…/dynix rebuild-hook`),
  # or null for none; socketReset: the reset unit (socketResetUnit below).
  # One block per unit, not a `for` loop over the quoted names: for a single
  # unit that is a loop over one literal string (ShellCheck's SC2041). With
  # no units there is nothing to reset, and only the hook runs.
  activation = { units, groups ? [ ], rebuildHook ? null, socketReset ? "dynix-socket-reset.service" }:
    let
      isSocket = u: builtins.match ".*\\.socket" u != null;
      grouped = builtins.concatLists groups;
      allGroups = builtins.filter (g: g != [ ])
        (map (g: builtins.filter (u: builtins.elem u units) g) groups
          ++ map (u: [ u ]) (builtins.filter (u: !(builtins.elem u grouped)) units));
      had = unit: "dynix_had_" + builtins.substring 0 16 (builtins.hashString "sha256" unit);
      # Removes the unit's drop-in (not under dry-activate) and notes that it had one.
      remove = unit: ''
        ${had unit}=
        dynix_dropin="$dynix_runtime_dir"/${quote "${unit}.d/${dropInName}"}
        if [ -e "$dynix_dropin" ]; then
          if [ "''${NIXOS_ACTION:-}" != dry-activate ]; then
            rm -f "$dynix_dropin" || true
          fi
          ${had unit}=1
        fi
      '';
      restartListed = unit: ''
        if [ -n "''$${had unit}" ]; then
          mkdir -p "$(dirname "$dynix_restart_list")" || true
          echo ${quote unit} >> "$dynix_restart_list" || true
        fi
      '';
      # A group with a socket that had a drop-in is restarted whole by the
      # reset unit, socket first; else its units that had one go to the
      # switch's restart list.
      group = g:
        let
          sockets = builtins.filter isSocket g;
          others = builtins.filter (u: !isSocket u) g;
        in
        builtins.concatStringsSep "" (map remove g)
        + (if sockets == [ ] then builtins.concatStringsSep "" (map restartListed g) else ''
          if ${builtins.concatStringsSep " || " (map (u: "[ -n \"\$${had u}\" ]") sockets)}; then
            if [ "''${NIXOS_ACTION:-}" != dry-activate ]; then
              mkdir -p "$(dirname "$dynix_socket_reset_list")" || true
              echo ${quote (builtins.concatStringsSep " " (sockets ++ others))} >> "$dynix_socket_reset_list" || true
            fi
            dynix_socket_reset=1
          '' + (if others == [ ] then "" else "else\n" + builtins.concatStringsSep "" (map restartListed others)) + ''
          fi
        '');
      # A drop-in of a unit this configuration does not declare dynamic (its
      # service was taken out of dynamicism while a generation was live) is
      # reset the same way, by its name; a socket with the service of the same
      # name, as the switch pairs them. A unit the new system no longer has is
      # only cleaned up: the switch stops it.
      leftovers = ''
        for dynix_dropin in "$dynix_runtime_dir"/*.d/${dropInName}; do
          [ -e "$dynix_dropin" ] || continue
          dynix_unit=''${dynix_dropin%/*}
          dynix_unit=''${dynix_unit##*/}
          dynix_unit=''${dynix_unit%.d}
      '' + (if units == [ ] then "" else ''
        case $dynix_unit in
          ${builtins.concatStringsSep "|" (map quote units)}) continue ;;
        esac
      '') + ''
        if [ "''${NIXOS_ACTION:-}" != dry-activate ]; then
          rm -f "$dynix_dropin" || true
        fi
        [ -e "''${systemConfig:-/nonexistent}/etc/systemd/system/$dynix_unit" ] || continue
        mkdir -p "$(dirname "$dynix_restart_list")" || true
        case $dynix_unit in
          *.socket)
            if [ "''${NIXOS_ACTION:-}" != dry-activate ]; then
              mkdir -p "$(dirname "$dynix_socket_reset_list")" || true
              echo "$dynix_unit ''${dynix_unit%.socket}.service" >> "$dynix_socket_reset_list" || true
            fi
            dynix_socket_reset=1
            ;;
          *) echo "$dynix_unit" >> "$dynix_restart_list" || true ;;
        esac
        done
      '';
    in
    ''
      # dynix: a static switch resets the dynamic settings.
      dynix_runtime_dir=''${DYNIX_SYSTEMD_RUNTIME_DIR:-/run/systemd/system}
      dynix_nixos_run_dir=''${DYNIX_NIXOS_RUN_DIR:-/run/nixos}
      dynix_restart_list=$dynix_nixos_run_dir/activation-restart-list
      if [ "''${NIXOS_ACTION:-}" = dry-activate ]; then
        dynix_restart_list=$dynix_nixos_run_dir/dry-activation-restart-list
      fi
      dynix_socket_reset_list=''${DYNIX_RUN_DIR:-/run/dynix}/socket-reset-list
      dynix_socket_reset=
    '' + builtins.concatStringsSep "" (map group allGroups)
    + leftovers
    + ''
      if [ -n "$dynix_socket_reset" ]; then
        mkdir -p "$(dirname "$dynix_restart_list")" || true
        echo ${quote socketReset} >> "$dynix_restart_list" || true
      fi
    ''
    + (if rebuildHook == null then "" else ''
      if [ "''${NIXOS_ACTION:-}" != dry-activate ]; then
        ${rebuildHook} --system "$systemConfig" || true
      fi
    '');

  # The program of the socket reset unit (a oneshot the switch starts when
  # the activation snippet lists it): restarts each group of
  # /run/dynix/socket-reset-list, after the switch reloaded systemd, then
  # removes the list. A group that fails to restart fails the unit, and so
  # the switch, naming it.
  socketReset = { systemctl, shell ? "/bin/sh" }: ''
    #!${shell}
    set -eu
    systemctl=''${DYNIX_SYSTEMCTL:-${systemctl}}
    list=''${DYNIX_RUN_DIR:-/run/dynix}/socket-reset-list
    [ -e "$list" ] || exit 0
    status=0
    set -f
    while IFS= read -r group; do
      [ -n "$group" ] || continue
      # shellcheck disable=SC2086 # one word per unit: unit names hold no blanks
      set -- $group
      echo "dynix: restarting $* on their static settings"
      "$systemctl" restart "$@" || status=1
    done < "$list"
    rm -f "$list"
    exit "$status"
  '';

  # The socket reset unit, as a unit file's text (for systems that render
  # units themselves; the NixOS module declares it as a service).
  socketResetUnit = { program }: ''
    [Unit]
    Description=dynix: restart the socket units a static switch reset

    [Service]
    Type=oneshot
    ExecStart=${program}
    TimeoutStartSec=120
  '';

  # The manifest's default `check`, run by dynix after each activation: each
  # dynamic unit on its own (`systemctl is-active A B` succeeds when ANY of
  # them is active), after settleSeconds, because `is-active` alone passes
  # for a Type=simple service that crashes a moment after it was started.
  # A service in `lazy` is socket-activated: it may be inactive (not yet
  # started, or stopped while idle) as long as it has not failed and its
  # socket is active. Every unit that is not healthy is named, with its state.
  check = { units, systemctl, settleSeconds, shell ? "/bin/sh", lazy ? { } }:
    let
      one = unit: if lazy ? ${unit} then ''
        state=$("$systemctl" is-active ${quote unit} 2>/dev/null) || true
        socket=$("$systemctl" is-active ${quote lazy.${unit}} 2>/dev/null) || true
        if [ "$state" != active ] && { [ "$state" != inactive ] || [ "$socket" != active ]; }; then
          echo ${quote unit}" is $state (its socket ${lazy.${unit}} is $socket)" >&2
          status=1
        fi
      '' else ''
        state=$("$systemctl" is-active ${quote unit} 2>/dev/null) || true
        if [ "$state" != active ]; then
          echo ${quote unit}" is $state" >&2
          status=1
        fi
      '';
    in
    ''
      #!${shell}
      set -u
    '' + (if units == [ ] then "" else ''
      systemctl=''${DYNIX_SYSTEMCTL:-${systemctl}}
    '') + ''
      sleep ${toString settleSeconds}
      status=0
      ${builtins.concatStringsSep "" (map one units)}
      exit "$status"
    '';

  # The manifest's `build`: evaluate the system with the dynamic file given
  # as $1 layered over it, build the activation program, print the static
  # system it was evaluated against and, last, the program's path.
  build = { nixBuild, configExpression, shell ? "/bin/sh" }:
    ''
      #!${shell}
      set -eu
      if [ "$#" -ne 1 ]; then
        echo "usage: dynix-build DYNAMIC-FILE" >&2
        exit 64
      fi
      out=$(${nixBuild} --no-out-link --argstr dynamicFile "$1" --expr ${quote ''
        { dynamicFile }:
        (${configExpression}).dynamicism.applyDynamicConfiguration { inherit dynamicFile; }
      ''})
      echo "static-system: $(cat "$out/static-system")"
      echo "$out/bin/apply"
    '';
in
{
  inherit dropInName quote apply restoreStatic activation socketReset socketResetUnit check build;
}
