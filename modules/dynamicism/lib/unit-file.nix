# systemd unit files as NixOS renders them (`systemd.units.<name>.text`), and
# the runtime drop-in that turns one rendering into another.
#
#   parse TEXT => [ { section; key; value; } ... ]     in file order
#   dropIn { unit; static; dynamic; }                   two unit texts
#     => { sections = [ { name; lines = [ "Key=" "Key=value" ... ]; } ... ];
#          refused = [ "<why a drop-in cannot express a difference>" ... ]; }
#   render SECTIONS => the drop-in's text (without the header)
#
# A setting that differs is written with the dynamic rendering's values. A
# setting that may be given more than once (ExecStart, Environment,
# ListenStream, …, or any setting either rendering repeats) is reset first
# with an empty assignment, so the drop-in replaces the list instead of
# appending to it; a setting the dynamic rendering no longer has is reset
# alone. Differences in [Unit] and [Install] are refused: dependencies cannot
# be reset by a drop-in and installation is not a run-time matter. `X-`
# settings (NixOS's X-Restart-Triggers, …) are for other programs than
# systemd and are neither written nor refused.
# Builtins only.
let
  lines = text: builtins.filter builtins.isString (builtins.split "\n" text);

  trim = s:
    let m = builtins.match "[ \t]*(.*[^ \t])[ \t]*" s; in
    if m == null then "" else builtins.head m;

  # Join continuation lines (a trailing backslash), as systemd reads them.
  joined = ls: (builtins.foldl'
    (acc: l:
      let
        line = if acc.pending == null then l else acc.pending + " " + trim l;
        continues = builtins.match "(.*)\\\\" line;
      in
      if continues != null then acc // { pending = builtins.head continues; }
      else { pending = null; out = acc.out ++ [ line ]; })
    { pending = null; out = [ ]; }
    ls).out;

  parse = text: (builtins.foldl'
    (acc: raw:
      let
        line = trim raw;
        header = builtins.match "[[]([A-Za-z0-9_-]+)[]]" line;
        kv = builtins.match "([A-Za-z0-9_-]+)[ \t]*=(.*)" line;
      in
      if line == "" || builtins.substring 0 1 line == "#" || builtins.substring 0 1 line == ";" then acc
      else if header != null then acc // { section = builtins.head header; }
      else if kv != null && acc.section != null then acc // {
        entries = acc.entries ++ [{
          inherit (acc) section;
          key = builtins.head kv;
          value = trim (builtins.elemAt kv 1);
        }];
      }
      else acc // { bad = acc.bad ++ [ line ]; })
    { section = null; entries = [ ]; bad = [ ]; }
    (joined (lines text))).entries;

  # Settings that systemd reads as lists: an empty assignment resets them.
  listSettings = [
    "ExecStart" "ExecStartPre" "ExecStartPost" "ExecStop" "ExecStopPost" "ExecReload" "ExecCondition"
    "Environment" "EnvironmentFile" "UnsetEnvironment" "PassEnvironment"
    "ListenStream" "ListenDatagram" "ListenSequentialPacket" "ListenFIFO" "ListenSpecial"
    "ListenNetlink" "ListenMessageQueue" "ListenUSBFunction" "Symlinks"
    "ReadWritePaths" "ReadOnlyPaths" "InaccessiblePaths" "ExecPaths" "NoExecPaths"
    "BindPaths" "BindReadOnlyPaths" "TemporaryFileSystem"
    "LoadCredential" "LoadCredentialEncrypted" "SetCredential" "SetCredentialEncrypted"
    "SystemCallFilter" "SystemCallLog" "RestrictAddressFamilies" "RestrictFileSystems"
    "SupplementaryGroups" "DeviceAllow" "IPAddressAllow" "IPAddressDeny"
    "CapabilityBoundingSet" "AmbientCapabilities" "RestartPreventExitStatus"
    "RestartForceExitStatus" "SuccessExitStatus"
  ];

  # { "<section>\n<key>" = [ values ... ]; } and the order of first appearance.
  index = entries: builtins.foldl'
    (acc: e:
      let k = "${e.section}\n${e.key}"; in
      if acc.values ? ${k}
      then acc // { values = acc.values // { ${k} = acc.values.${k} ++ [ e.value ]; }; }
      else { order = acc.order ++ [{ inherit k; inherit (e) section key; }]; values = acc.values // { ${k} = [ e.value ]; }; })
    { order = [ ]; values = { }; }
    entries;

  unique = builtins.foldl' (acc: x: if builtins.elem x acc then acc else acc ++ [ x ]) [ ];

  dropIn = { unit, static, dynamic }:
    let
      s = index (parse static);
      d = index (parse dynamic);
      keys = unique (d.order ++ s.order);
      changed = builtins.filter
        (o: (s.values.${o.k} or null) != (d.values.${o.k} or null) && builtins.substring 0 2 o.key != "X-")
        keys;
      refusedSections = [ "Unit" "Install" ];
      refused = map
        (o: "${unit}: [${o.section}] ${o.key} would change (${builtins.toJSON (s.values.${o.k} or [ ])} -> ${builtins.toJSON (d.values.${o.k} or [ ])}); a run-time drop-in cannot change [${o.section}]")
        (builtins.filter (o: builtins.elem o.section refusedSections) changed);
      settingLines = o:
        let
          new = d.values.${o.k} or [ ];
          old = s.values.${o.k} or [ ];
          isList = builtins.elem o.key listSettings || builtins.length new > 1 || builtins.length old > 1;
        in
        (if isList || new == [ ] then [ "${o.key}=" ] else [ ])
        ++ map (v: "${o.key}=${v}") new;
      sectionNames = unique (map (o: o.section) changed);
      sections = map
        (name: {
          inherit name;
          lines = builtins.concatLists (map settingLines (builtins.filter (o: o.section == name) changed));
        })
        sectionNames;
    in
    { inherit sections refused; };

  render = sections: builtins.concatStringsSep "\n" (map
    (sec: "[${sec.name}]\n" + builtins.concatStringsSep "" (map (l: l + "\n") sec.lines))
    sections);
in
{
  inherit parse dropIn render listSettings;
}
