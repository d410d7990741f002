# README's "Make any service dynamic", word for word: Tests/nixos/eval/guide.sh
# copies its two declarations into DIR (iperf3-dynamic.nix,
# ntfy-sh-dynamic.nix); this evaluates them in the stand-in NixOS with the
# two services (guide-services.nix) and applies FILE, a dynamic file.
{ nixpkgsLib, dir, file }:

let
  lib = import (nixpkgsLib + "/lib");
  stubs = import ./stubs.nix { inherit lib; };
  guideServices = import ./guide-services.nix { inherit lib; inherit (stubs) pkgs; };
  system = lib.evalModules {
    modules = import ./nixos.nix { inherit lib; } ++ [
      guideServices.iperf3
      guideServices.ntfy-sh
      ../../../../modules/dynix.nix
      { programs.dynix.enable = true; }
      {
        services.iperf3.enable = true;
        services.ntfy-sh.enable = true;
        services.ntfy-sh.settings.base-url = "https://ntfy.example";
      }
      (dir + "/iperf3-dynamic.nix")
      (dir + "/ntfy-sh-dynamic.nix")
    ];
  };
  inherit (system) config;
  applied = config.dynamicism.applyDynamicConfiguration { dynamicFile = file; };
in
{
  assertions = lib.all (a: a.assertion) config.assertions;
  manifest = lib.mapAttrs (_: o: removeAttrs o [ "description" ]) config.dynamicism.manifest.options;
  iperf3 = applied.dropIns."iperf3.service";
  # The rendered server.yml differs, so ExecStart names another file.
  ntfyExecStartChanges = lib.hasInfix "ExecStart=\nExecStart=/nix/store/0000-ntfy-sh/bin/ntfy serve -c /nix/store/" (applied.dropIns."ntfy-sh.service" or "");
  ntfySettings = { inherit (applied.dynamicConfig.services.ntfy-sh.settings) behind-proxy visitor-request-limit-burst listen-http; };
}
