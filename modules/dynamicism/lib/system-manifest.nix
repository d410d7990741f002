# This system's manifest (/etc/dynix/manifest.json, as a Nix value) and the
# programs it names: `build` (dynix-build: evaluate the system with a
# dynamic file layered over it and build its apply program),
# `restoreStatic` (dynix-restore-static) and the default `check`
# (dynix-check), each a store script rendered by scripts.nix. manifest.nix
# assembles the value; each option's `static` is its value in this
# (static) evaluation, where it has one.
#
#   systemManifest { lib; pkgs; config; cfg; declared; serviceUnits; systemctl; shell; }
#   => the manifest value
#
# config: the static evaluation's config; cfg: its `dynamicism`; declared:
# dynamic-options.nix's; serviceUnits: service-units.nix's; systemctl and
# shell: the programs' paths to them. Needs nixpkgs' lib and pkgs.
{ lib, pkgs, config, cfg, declared, serviceUnits, systemctl, shell }:

let
  buildManifest = import ./manifest.nix;
  scripts = import ./scripts.nix;
  inherit (import ./shadow.nix) missing;
  inherit (serviceUnits) units groups lazy;

  staticValue = key: lib.attrByPath declared.${key}.path missing config;

  restoreStaticProgram = pkgs.writeScript "dynix-restore-static"
    (scripts.restoreStatic { inherit units groups systemctl shell; });

  buildProgram = pkgs.writeScript "dynix-build" (scripts.build {
    inherit shell;
    nixBuild = "${config.nix.package}/bin/nix-build";
    inherit (cfg) configExpression;
  });

  checkProgram = pkgs.writeScript "dynix-check" (scripts.check {
    inherit units systemctl shell lazy;
    inherit (cfg) settleSeconds;
  });
in
buildManifest {
  options = lib.mapAttrs
    (key: decl:
      { inherit (decl) type min max; }
      // lib.optionalAttrs (staticValue key != missing) { static = staticValue key; })
    declared;
  build = [ "${buildProgram}" "{file}" ];
  restoreStatic = [ "${restoreStaticProgram}" ];
  check = if cfg.check != null then cfg.check else [ "${checkProgram}" ];
  # buildProgram prints applyDynamicConfiguration's bin/apply, which is
  # scripts.apply itself (copied, not wrapped): it takes --dry-run.
  activationDryRun = true;
}
