# The configurations README.md shows ("Installing on NixOS"), word for word,
# under nixpkgs' real module system: Tests/nixos/eval/readme.sh copies the blocks
# into DIR (flake.nix, configuration.nix, configuration-without-flakes.nix,
# and dynix/, a link to this repository, where the README clones it).
# nixpkgs.lib.nixosSystem evaluates the modules in the stand-in NixOS of
# these tests (nixos.nix); dynix's own flake.nix supplies the input.
{ nixpkgsLib, dir }:

let
  lib = import (nixpkgsLib + "/lib");
  nixos = import ./nixos.nix { inherit lib; };
  nixpkgs = {
    lib = lib // {
      nixosSystem = { system, modules }: lib.evalModules { modules = nixos ++ modules; };
    };
  };
  dynix = (import ../../../../flake.nix).outputs { self = dynix; inherit nixpkgs; };
  flake = import (dir + "/flake.nix");
  outputs = flake.outputs { self = outputs; inherit nixpkgs dynix; };
  withoutFlakes = lib.evalModules { modules = nixos ++ [ (dir + "/configuration-without-flakes.nix") ]; };

  summary = config: {
    enable = config.programs.dynix.enable;
    installed = map (p: p.name or p.pname or "?") config.environment.systemPackages;
    manifest = lib.mapAttrs (_: o: o.static or null) config.dynamicism.manifest.options;
    etc = lib.hasAttr "dynix/manifest.json" config.environment.etc;
    assertions = lib.all (a: a.assertion) config.assertions;
    configExpression = config.dynamicism.configExpression;
  };
in
{
  inputs = {
    names = builtins.attrNames flake.inputs;
    follows = flake.inputs.dynix.inputs.nixpkgs.follows;
  };
  hosts = builtins.attrNames outputs.nixosConfigurations;
  withFlakes = summary outputs.nixosConfigurations.cache1.config;
  withoutFlakes = summary withoutFlakes.config;
}
