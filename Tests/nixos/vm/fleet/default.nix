# The fleet test: two VMs. The host is make-test.nix's `machine` (dynix and
# the static configuration an apply needs) with programs.dynix.central;
# `central` runs programs.dynix.fleet behind sshd.
{ pkgs, dynix }:

let
  # make-test.nix builds the one node every other test has; the central
  # node joins it where make-test.nix hands the test to runNixOSTest.
  withCentral = pkgs // {
    testers = pkgs.testers // {
      runNixOSTest = test: pkgs.testers.runNixOSTest (test // {
        nodes = test.nodes // {
          central = { ... }: {
            imports = [ ../../../../modules/dynix.nix ./central.nix ];
            programs.dynix.package = dynix;
          };
        };
      });
    };
  };
in
import ../lib/make-test.nix { pkgs = withCentral; inherit dynix; } (import ./test.nix)
