# The systemd units of the enabled dynamicism services, as this system has
# them:
#
#   serviceUnits { lib; services; systemdUnits; }
#   => { byService = { <service> = [ "<unit>" ... ]; ... };  # units the system has
#        groups    = [ [ "<unit>" ... ] ... ];               # one per service, restarted together
#        units     = [ "<unit>" ... ];                       # all of them, once each
#        declared  = [ "<unit>" ... ];                       # as declared, had or not, repeats kept
#        lazy      = { "<N>.service" = "<N>.socket"; ... };
#        shared    = [ "<unit> (<service>, <service>)" ... ];     # units two services list
#        refused   = [ "<why a unit cannot be dynamic>" ... ]; } # switch-treatment.nix
#
# A unit a service lists but the system does not have (systemdUnits, i.e.
# `systemd.units`) is left out. `lazy` names the socket-activated services
# (a `N.service` listed with `N.socket`): such a service may be idle while
# its socket listens. services: the enabled `dynamicism.services`. Needs
# nixpkgs' lib.
{ lib, services, systemdUnits }:

let
  switchTreatment = import ./switch-treatment.nix;
  unitsOf = service: builtins.filter (u: systemdUnits ? ${u}) service.units;
  groups = lib.mapAttrsToList (_: unitsOf) services;
  allUnits = lib.unique (lib.concatLists groups);
  declaredBy = unit: builtins.attrNames (lib.filterAttrs (_: s: builtins.elem unit s.units) services);
in
{
  inherit groups;

  byService = lib.mapAttrs (_: unitsOf) services;

  units = allUnits;

  # Which service restarts a unit two services list, and whose entries its
  # drop-in holds, would be ambiguous.
  shared = map (u: "${u} (${lib.concatStringsSep ", " (declaredBy u)})")
    (builtins.filter (u: builtins.length (declaredBy u) > 1) (lib.unique (lib.concatMap (s: s.units) (builtins.attrValues services))));

  refused = builtins.filter (r: r != null)
    (map (u: switchTreatment.refusal u (if systemdUnits.${u}.text or null == null then "" else systemdUnits.${u}.text)) allUnits);

  declared = lib.concatLists (lib.mapAttrsToList (_: s: s.units) services);

  lazy = lib.listToAttrs (lib.concatMap
    (group: lib.concatMap
      (u:
        let base = lib.removeSuffix ".service" u; in
        lib.optional (lib.hasSuffix ".service" u && builtins.elem "${base}.socket" group)
          (lib.nameValuePair u "${base}.socket"))
      group)
    groups);
}
