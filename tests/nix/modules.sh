# The modules under nixpkgs' real lib.evalModules, with stub pkgs and stub
# NixOS options (tests/nix/modules/). Needs NIXPKGS_LIB: a checkout of
# nixpkgs or of nix-community/nixpkgs.lib (the directory holding lib/).
if [ -z "${NIXPKGS_LIB:-}" ]; then
  echo "skip  modules: NIXPKGS_LIB is not set (a nixpkgs or nixpkgs.lib checkout); module-system tests skipped"
elif [ ! -f "$NIXPKGS_LIB/lib/default.nix" ]; then
  fail "modules: NIXPKGS_LIB=$NIXPKGS_LIB has no lib/default.nix"
else
  if results=$(nix_eval ./tests/nix/modules/run.nix --arg nixpkgsLib "$NIXPKGS_LIB" 2>&1); then
    while IFS=$'\t' read -r status name detail; do
      if [ "$status" = ok ]; then pass "modules: $name"; else fail "modules: $name" "$detail"; fi
    done < <(python3 -c '
import json, sys
for name, r in sorted(json.loads(sys.argv[1]).items()):
    if r["ok"]:
        print("ok\t" + name + "\t")
    else:
        print("fail\t" + name + "\texpected " + json.dumps(r["expected"]) + " actual " + json.dumps(r["actual"]))
' "$results")
  else
    fail "modules: evaluation" "$results"
  fi

  system="import ./tests/nix/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.harmonia.enable = true; services.distccd.enable = true; }; }"
  expect_error "modules: entries for undeclared options are an error naming them" \
    'not dynamic on this system: imports, services\.harmonia\.settings\.wrokers, services\.openssh\.enable\. Dynamic options: services\.distccd\.jobTimeout' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/undeclared.nix; }).dropIns"
  expect_error "modules: a mistyped entry is an error naming option and type" \
    'services\.distccd\.logLevel: expected null or one of .*got "loud"' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/mistyped.nix; }).dropIns"
  expect_error "modules: an entry for a disabled service is an error" \
    'not dynamic on this system: services\.gotosocial\.settings\.application-name' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/gotosocial-name.nix; }).dropIns"
  expect_json "modules: assertions hold" '[true,true]' \
    "map (a: a.assertion) ($system).config.assertions"
fi
# packaging: tests/nix/packaging.sh
