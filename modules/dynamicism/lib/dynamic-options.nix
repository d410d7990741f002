# The dynamic options of this system: what the enabled services declare
# (`dynamicism.services.<name>.options`), each under its canonical key
# (declared.nix, the one place that canonicalises keys) with its manifest
# declaration:
#
#   dynamicOptions { lib; options; lookup; services; }
#   => { declared = { "<canonical key>" = { type; min; max; description; service; path; }; ... };
#        twice = [ "<canonical key> (<service>: <as written>; ...)" ... ]; }
#
# A declared option's manifest type and bounds come from the option's own
# type (option-type.nix); only a key inside a freeform option is typed by
# hand, and anything else (a hand-written type for a declared option, a type
# the manifest cannot state, a path no option declares) stops the
# evaluation naming the option.
#
# `twice`: options declared more than once, by two services or twice by one
# under two spellings (`services.x."a"`, `services.x.a`). Which unit
# restarts and which type holds would be ambiguous, so it stops both the
# static system (an assertion) and the build program
# (apply-dynamic-configuration.nix's errors), which checks no assertion.
#
# options: the evaluation's `options`; lookup: option-lookup.nix; services:
# the enabled `dynamicism.services`. Needs nixpkgs' lib.
{ lib, options, lookup, services }:

let
  declaredKeys = import ./declared.nix;
  optionTypes = import ./option-type.nix;

  # The manifest declaration of one dynamic option: { type; min; max; }.
  declaration = key: path: option:
    let
      found = lookup options path;
      derived = optionTypes.derive found.option.type;
    in
    if found.kind == "option" then
      (if option.type != null then
        throw "dynix: dynamic option ${key} is a declared option: its manifest type comes from its option type (${found.option.type.description or "?"}); remove the `type` given by hand"
      else if derived ? unsupported && builtins.elem (found.option.type.name or null) [ "submodule" "attrsOf" "lazyAttrsOf" "listOf" ]
        && (found.option.type.nestedTypes.elemType.name or found.option.type.name or null) == "submodule" then
        throw ("dynix: ${key} cannot be dynamic: it holds submodules (${derived.unsupported}), whose values the manifest cannot state as one; "
          + (if (found.option.type.name or null) == "listOf" then "make the option dynamic that the list is built from, or give the service a setting of its own"
          else "make their options dynamic one by one instead (as ${key}${if (found.option.type.name or null) == "submodule" then "" else ".\"<name>\""}.<option>), each typed by its own option"))
      else if derived ? unsupported then
        throw "dynix: ${key} cannot be dynamic: its type (${derived.unsupported}) has values the manifest cannot state exactly, so dynix could not refuse what the option refuses"
      else derived)
    else if found.kind == "inside" then
      (if option.type == null then
        throw "dynix: dynamic option ${key} is a key inside ${lib.showOption found.option.loc}, which does not declare it: give its manifest type (`type`)"
      else { inherit (option) type min max; })
    else throw "dynix: dynamic option ${key} is not an option of this system";

  declarations = declaredKeys (lib.mapAttrs (_: service: service.options) services);
in
{
  declared = lib.mapAttrs
    (key: d: declaration d.written d.path d // { inherit (d) description service path; })
    declarations.byKey;

  inherit (declarations) twice;
}
