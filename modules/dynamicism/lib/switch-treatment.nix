# What a static switch does to a unit whose settings it must reset, read from
# the unit as NixOS renders it (`systemd.units.<unit>.text`), by the rules of
# nixpkgs' switch-to-configuration (its handle_modified_unit; the Rust port
# switch-to-configuration-ng keeps them; nixos/doc/manual/development/
# unit-handling.section.md):
#
#   treatment UNIT TEXT => { kind = "restart" | "reload" | "skip" | "socket" | "reloaded"; why = "<…>"; }
#   refusal UNIT TEXT   => null, or why dynix cannot make such a unit dynamic
#
# - `reload`: X-ReloadIfChanged=true in [Service] (reloadIfChanged): the
#   switch reloads the unit, and a setting on its command line keeps its
#   dynamic value;
# - `skip`: X-RestartIfChanged=false in [Service] (restartIfChanged = false),
#   RefuseManualStop=true or X-OnlyManualStart=true in [Unit]: the switch
#   leaves the unit running as it is;
# - `socket`: a .socket unit, which the switch never restarts (dynix's reset
#   unit does: scripts.nix);
# - `reloaded`: a .path or .slice unit, whose properties systemd's reload applies;
# - `skip` also: the targets and D-Bus units the switch never restarts, and a
#   unit with RefuseManualStart=true, whose restart systemd refuses;
# - `reload` also: the -.mount and nix.mount units, which the switch remounts;
# - `restart`: anything else the switch restarts (or stops and starts).
#
# A reset that does not happen would leave dynix's history saying the static
# settings are live while the process runs the dynamic ones, so a unit that
# the switch reloads or skips is refused, with the reason and the remedy.
# Builtins only.
let
  unitFile = import ./unit-file.nix;

  # systemd's booleans, as the switch reads them (parse_systemd_bool).
  isTrue = v: builtins.elem v [ "1" "yes" "true" "on" ];

  # The last value of KEY in SECTION, or null.
  valueOf = entries: section: key:
    let found = builtins.filter (e: e.section == section && e.key == key) entries; in
    if found == [ ] then null else (builtins.elemAt found (builtins.length found - 1)).value;

  treatment = unit: text:
    let
      entries = unitFile.parse text;
      value = valueOf entries;
      flag = section: key: default:
        let v = value section key; in if v == null then default else isTrue v;
    in
    if builtins.elem unit [ "sysinit.target" "basic.target" "multi-user.target" "graphical.target" "dbus.service" "dbus-broker.service" ] then
      { kind = "skip"; why = "a static switch never restarts ${unit}"; }
    else if builtins.match ".*\\.(path|slice)" unit != null then
      { kind = "reloaded"; why = "a static switch leaves it to systemd's reload, which applies its properties"; }
    else if builtins.elem unit [ "-.mount" "nix.mount" ] then
      { kind = "reload"; why = "a static switch remounts it instead of restarting it"; }
    else if builtins.match ".*\\.socket" unit != null then
      { kind = "socket"; why = "a static switch does not restart socket units"; }
    else if flag "Service" "X-ReloadIfChanged" false then
      { kind = "reload"; why = "a static switch reloads it instead of restarting it (reloadIfChanged = true)"; }
    else if !(flag "Service" "X-RestartIfChanged" true) then
      { kind = "skip"; why = "a static switch does not restart it (restartIfChanged = false)"; }
    else if flag "Unit" "RefuseManualStop" false then
      { kind = "skip"; why = "a static switch does not restart it (RefuseManualStop = true)"; }
    else if flag "Unit" "X-OnlyManualStart" false then
      { kind = "skip"; why = "a static switch does not restart it (X-OnlyManualStart = true)"; }
    else if flag "Unit" "RefuseManualStart" false then
      { kind = "skip"; why = "systemd refuses the switch's restart of it (RefuseManualStart = true)"; }
    else { kind = "restart"; why = "a static switch restarts it"; };

  refusal = unit: text:
    let t = treatment unit text; in
    if t.kind == "reload" || t.kind == "skip" then
      "${unit} cannot be dynamic: ${t.why}, so its dynamic settings would stay live after a static switch while dynix's history says the static ones are; let the switch restart it (restartIfChanged = true, reloadIfChanged = false), or leave its service out of dynamicism"
    else null;
in
{
  inherit treatment refusal;
}
