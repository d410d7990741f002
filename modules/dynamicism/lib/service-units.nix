# The systemd units of the enabled dynamicism services, as this system has
# them:
#
#   serviceUnits { lib; services; systemdUnits; }
#   => { byService = { <service> = [ "<unit>" ... ]; ... };  # units the system has
#        groups    = [ [ "<unit>" ... ] ... ];               # one per service, restarted together
#        units     = [ "<unit>" ... ];                       # all of them, once each
#        declared  = [ "<unit>" ... ];                       # as declared, had or not, repeats kept
#        lazy      = { "<N>.service" = "<N>.socket"; ... }; }
#
# A unit a service lists but the system does not have (systemdUnits, i.e.
# `systemd.units`) is left out. `lazy` names the socket-activated services
# (a `N.service` listed with `N.socket`): such a service may be idle while
# its socket listens. services: the enabled `dynamicism.services`. Needs
# nixpkgs' lib.
{ lib, services, systemdUnits }:

let
  unitsOf = service: builtins.filter (u: systemdUnits ? ${u}) service.units;
  groups = lib.mapAttrsToList (_: unitsOf) services;
in
{
  inherit groups;

  byService = lib.mapAttrs (_: unitsOf) services;

  units = lib.unique (lib.concatLists groups);

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
