# The run-time drop-in of each dynamic unit: the difference between the unit
# as the static evaluation renders it and as the dynamic evaluation renders
# it (`systemd.units.<unit>.text`, unit-file.nix), under dynix's header.
#
#   dropIns { lib; units; changed; staticUnits; dynamicUnits; }
#   => { dropIns = { "<unit>" = "<drop-in text>" or null; ... };  # one per unit in `units`
#        refused = [ "<unit>: <why a drop-in cannot express a difference>" ... ]; }
#
# Only the units in `changed` (those of the services that have entries) are
# compared; every other unit stays static (null), as does a unit whose two
# renderings do not differ. A unit without rendered text in either
# evaluation is refused. staticUnits and dynamicUnits: the two evaluations'
# `systemd.units`. Needs nixpkgs' lib.
{ lib, units, changed, staticUnits, dynamicUnits }:

let
  unitFile = import ./unit-file.nix;

  header = "# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n";

  diffFor = unit:
    let
      static = staticUnits.${unit}.text or null;
      dynamic = dynamicUnits.${unit}.text or null;
    in
    if static == null || dynamic == null then
      { sections = [ ]; refused = [ "${unit}: the unit has no rendered text (systemd.units.\"${unit}\".text) in ${if static == null then "the static" else "the dynamic"} evaluation" ]; }
    else unitFile.dropIn { inherit unit static dynamic; };

  diffs = lib.listToAttrs (map (u: lib.nameValuePair u (diffFor u)) changed);
in
{
  dropIns = lib.genAttrs units (u:
    if !(diffs ? ${u}) || diffs.${u}.sections == [ ] then null
    else header + unitFile.render diffs.${u}.sections);

  refused = lib.concatMap (d: d.refused) (builtins.attrValues diffs);
}
