# The derivations, of the static system, that build the kind of file a
# dynix apply builds again with other values inside the VM: each service's
# rendered configuration or start script, and the apply program itself.
# make-test.nix puts their inputDerivation (everything needed to build
# them: stdenv, the TOML/YAML renderers, …) into the VM's store.
{ lib, system }:

let
  cfg = system.config;
  service = name: cfg.systemd.services.${name};
  isDrv = lib.isDerivation;
in
lib.filter isDrv (
  lib.optional cfg.services.harmonia.cache.enable (service "harmonia").environment.CONFIG_FILE
  ++ lib.optionals cfg.services.gotosocial.enable [
    ((system.pkgs.formats.yaml { }).generate "config.yml" { })
  ]
  ++ lib.optionals cfg.services.distccd.enable [
    (system.pkgs.writeShellScript "start-distccd" "")
  ]
  ++ [
    # The apply program for an empty dynamic file: its builder and the
    # drop-in writer are the same for any file.
    (cfg.dynamicism.applyDynamicConfiguration { dynamicFile = builtins.toFile "dynamic.nix" "[ ]"; })
  ]
)
