# Why a dynamic entry's value is not the value at its path in the dynamic
# evaluation (shadow.nix's `causeOf`): an option that stores single values as
# lists (the value is [ v ] for an entry v: the declared type is the wrong
# one), a read-only option, a static
# definition with a stronger priority than dynamicism.priority, a static
# force on an enclosing option (which replaces its whole value, entry
# included), an `apply` function, or, failing those, another definition or
# module.
#
#   causeOf { lib; lookup; priority; declared; } OPTIONS VALUE-AT ENTRY => "<why>"
#
# lookup: option-lookup.nix; priority: dynamicism.priority; declared:
# dynamic-options.nix's; OPTIONS: the dynamic evaluation's `options`;
# VALUE-AT: path -> the value there (as shadow.check's valueAt); ENTRY:
# { key; path; value; } (layer.nix's matched). Needs nixpkgs' lib.
{ lib, lookup, priority, declared }:

options: valueAt: entry:
let
  types = import ./types.nix;
  actual = valueAt entry.path;
  found = lookup options entry.path;
  o = found.option;
  prio = o.highestPrio or 100;
in
if builtins.isList actual && actual == [ entry.value ] then
  types.storedAsList declared.${entry.key}.type "[ ${builtins.toJSON entry.value} ]"
else if found.kind == "option" && (o.readOnly or false) then
  "${lib.showOption o.loc} is read-only"
else if found.kind == "option" && prio < priority then
  "a static definition of ${lib.showOption o.loc} with priority ${toString prio} beats dynamicism.priority (${toString priority})"
else if found.kind == "inside" && prio < 100 then
  "a static definition of the enclosing option ${lib.showOption o.loc} with priority ${toString prio} (${if prio == 50 then "lib.mkForce" else "lib.mkOverride ${toString prio}"}) replaces its whole value, and with it the entry (dynamicism.priority applies at the entry's own path only)"
else if (o.apply or null) != null then
  "the option ${lib.showOption o.loc} has an apply function that changes the value"
else
  "another definition or module computes the value at that path"
