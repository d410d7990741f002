# The drop-in value that replaces a unit's ExecStart: an empty assignment
# first (systemd would otherwise add a second command, which a non-oneshot
# service refuses), then the new command(s). Accepts what NixOS's
# serviceConfig.ExecStart holds after merging: a string, a derivation, or a
# list of them. Builtins only.
execStart:
[ "" ] ++ map toString (if builtins.isList execStart then execStart else [ execStart ])
