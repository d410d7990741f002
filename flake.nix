{
  description = "dynix: change selected NixOS service settings at run time, with a git-backed history";

  # No flake.lock is committed yet: the first `nix build` writes one.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems
        (system: f (import ./default.nix { pkgs = nixpkgs.legacyPackages.${system}; }));
    in
    {
      # nix build .#default.tests.gotosocial   (as the prototype)
      # nix build .#default.allTests
      packages = forAllSystems (d: { default = d.default; dynix = d.dynix; });
      checks = forAllSystems (d: d.tests);

      nixosModules.default = ./modules/dynix.nix;
      nixosModules.dynamicism = ./modules/dynamicism;
    };
}
