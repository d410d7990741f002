# Render a systemd drop-in from sections:
#
#   { Service = { ExecStart = [ "" "/nix/store/…/bin/x --jobs 4" ];
#                 Environment = "CONFIG_FILE=/nix/store/…-harmonia.toml"; }; }
#
# A list value becomes one line per element, in order; that is how a drop-in
# resets a list setting (an empty `ExecStart=` clears the earlier ones before
# the new one is added). Booleans become yes/no, as systemd writes them.
# Builtins only.
sections:

let
  value = v:
    if builtins.isBool v then (if v then "yes" else "no")
    else toString v;

  lines = name: v:
    map (x: "${name}=${value x}") (if builtins.isList v then v else [ v ]);

  section = name:
    let settings = sections.${name}; in
    "[${name}]\n"
    + builtins.concatStringsSep "" (map (l: l + "\n")
      (builtins.concatLists (map (k: lines k settings.${k}) (builtins.attrNames settings))));
in
"# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n"
+ builtins.concatStringsSep "\n" (map section (builtins.attrNames sections))
