# Build one dynix VM test (nixpkgs' runNixOSTest): a NixOS machine running
# `service` with dynix installed, driven by helpers.py + the test's script.
#
# The stories switch the VM to a static configuration it rebuilds itself
# (lib/static-configuration.nix, /etc/nixos/configuration.nix in the VM).
# That rebuild must find everything in the VM's store, offline: the host
# evaluates the same configuration with the same nixpkgs, and the node
# carries the resulting system plus the builders of the few small files an
# apply writes (the services' config files and start scripts, the apply
# program). Nothing else: no includeBuildDependencies, so no compiler
# toolchain (Swift, Rust, Go) is copied into the VM.
{ pkgs, dynix }:

{ name, service, script, packages ? [ ] }:

let
  inherit (pkgs) lib;

  # What the in-VM configuration imports from this repository, by store
  # path: the modules, and what package.nix builds from (the module's
  # default dynix package is `callPackage ../../../../package.nix { }`).
  dynixSource = builtins.path {
    name = "dynix-source";
    path = ../../../..;
    filter = path: type:
      let rel = lib.removePrefix (toString ../../../.. + "/") (toString path); in
      lib.elem rel [ "modules" "Sources" "package.nix" "package-recipe.nix" "Package.swift" "Package.resolved" ]
      || lib.hasPrefix "modules/" rel || lib.hasPrefix "Sources/" rel;
  };

  staticConfiguration = stateVersion: builtins.toFile "configuration.nix"
    (import ./static-configuration.nix {
      nixpkgs = "${pkgs.path}";
      inherit dynixSource packages stateVersion;
      service = "${service}";
      vmModule = "${./vm.nix}";
    });

  # The host's evaluation of that file, as `nixos-rebuild` in the VM does it
  # (<nixpkgs/nixos> with <nixos-config>).
  staticSystem = stateVersion: import "${pkgs.path}/nixos" {
    configuration = staticConfiguration stateVersion;
    system = pkgs.stdenv.hostPlatform.system;
  };
in
pkgs.testers.runNixOSTest {
  name = "dynix-${name}";

  nodes.machine = { config, ... }:
    let static = staticSystem config.system.stateVersion; in
    {
      imports = [ ./machine.nix ./vm.nix service ];
      _module.args.dynixPackage = dynix;

      environment.systemPackages = map (attr: pkgs.${attr}) packages;
      environment.etc."dynix-test/configuration.nix".source = staticConfiguration config.system.stateVersion;

      system.extraDependencies = [
        static.config.system.build.toplevel
      ]
      # What an apply builds in the VM, by the derivations that build the
      # same kind of file for the static system.
      ++ map (drv: drv.inputDerivation) (import ./apply-builders.nix { inherit lib; system = static; });
    };

  # Shared helpers first, then the story; both are plain Python files, and
  # scripts/test-nix lints their concatenation as the driver does.
  testScript = builtins.readFile ./helpers.py + "\n" + builtins.readFile script;
}
