# default.nix and package.nix evaluated with a stub pkgs around nixpkgs' real
# lib: the attribute layout (tests.<name>, allTests, default.tests), the pin
# read from Package.resolved, and the Swift 6 guard. Nothing is built.
{ nixpkgsLib }:

let
  lib = import (nixpkgsLib + "/lib");

  pkgsWith = swiftVersion: lib.fix (pkgs: {
    inherit lib;
    path = "/nix/store/nixpkgs";
    swift = { name = "swift-${swiftVersion}"; version = swiftVersion; };
    swiftpm = { name = "swiftpm"; };
    pkg-config = { }; libgit2 = { }; git = { }; yq-go = { name = "yq-go"; };
    stdenv.mkDerivation = lib.fix (mk: attrs: attrs // (attrs.passthru or { }) // {
      overrideAttrs = f: mk (attrs // f attrs);
    });
    fetchFromGitHub = args: args // { outPath = "/nix/store/src"; };
    callPackage = fn: args: (import fn) ((builtins.intersectAttrs (builtins.functionArgs (import fn)) pkgs) // args);
    testers.runNixOSTest = test: test // { outPath = "/nix/store/test-${test.name}"; };
    linkFarm = name: entries: { inherit name entries; };
  });

  top = import ../../../default.nix { pkgs = pkgsWith "6.0.3"; };
in
{
  testNames = builtins.attrNames top.tests;
  testName = top.tests.history.name;
  scriptHasHelpers = lib.hasInfix "def history_events()" top.tests.history.testScript
    && lib.hasInfix "a reboot is a reset" top.tests.history.testScript;
  allTests = map (e: e.name) top.allTests.entries;
  defaultHasTests = builtins.attrNames top.default.tests;
  pin = top.dynix.pname + " " + (builtins.head (lib.filter (lib.hasPrefix "--") top.dynix.swiftpmFlags));
  workspaceStatePinned = lib.hasInfix "\"revision\":\"${(builtins.head (builtins.fromJSON (builtins.readFile ../../../Package.resolved)).pins).state.revision}\""
    top.dynix.configurePhase;
  oldSwiftRefused = (builtins.tryEval (import ../../../package.nix (
    builtins.intersectAttrs (builtins.functionArgs (import ../../../package.nix)) (pkgsWith "5.10.1")
  )).pname).success;
}
