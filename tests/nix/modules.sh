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
    static = { services.harmonia.cache.enable = true; services.distccd.enable = true; }; }"
  expect_error "modules: entries for undeclared options are an error naming them" \
    'not dynamic on this system: imports, services\.harmonia\.cache\.settings\.wrokers, services\.openssh\.enable\. Dynamic options: services\.distccd\.jobTimeout' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/undeclared.nix; }).dropIns"
  expect_error "modules: a mistyped entry is an error naming option and type" \
    'services\.distccd\.logLevel: expected null or one of .*got "loud"' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/mistyped.nix; }).dropIns"
  expect_error "modules: an entry for a disabled service is an error" \
    'not dynamic on this system: services\.gotosocial\.settings\.application-name' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/gotosocial-name.nix; }).dropIns"
  expect_json "modules: assertions hold" '[true,true]' \
    "map (a: a.assertion) ($system).config.assertions"

  # Issue 8, failure 3: a value the option's type refuses (nice is
  # nullOr (ints.between (-20) 19)) is refused naming the bounds.
  expect_error "modules: a value outside the option's bounds is an error naming them" \
    'services\.distccd\.nice: expected null or int \(integers between -20 and 19\), got 100' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/distccd-nice-100.nix; }).dropIns"

  # Issue 8, failure 4: a static force on the enclosing option shadows the
  # entry; the build fails naming option, values and cause.
  forced="import ./tests/nix/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { lib, ... }: { services.harmonia.cache.enable = true; services.harmonia.cache.settings = lib.mkForce { workers = 4; bind = \"[::]:5000\"; }; }; }"
  expect_error "modules: an entry shadowed by a static mkForce on its parent is an error naming option and cause" \
    'services\.harmonia\.cache\.settings\.workers = 20 would not take effect: the evaluated configuration has 4, because a static definition of the enclosing option services\.harmonia\.cache\.settings with priority 50 \(lib\.mkForce\)' \
    "(($forced).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/harmonia-cache-two.nix; }).dropIns"
  readonly_sys="import ./tests/nix/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { lib, ... }: { services.distccd.enable = true; services.distccd.maxJobs = lib.mkOverride 5 2; }; }"
  expect_error "modules: an entry beaten by a stronger static priority is an error naming it" \
    'services\.distccd\.maxJobs = 6 would not take effect: the evaluated configuration has 2, because a static definition of services\.distccd\.maxJobs with priority 5 beats dynamicism\.priority \(10\)' \
    "(($readonly_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/distccd-override.nix; }).dropIns"

  # Issue 8, failure 2: no evaluation prints a trace or warning, harmonia
  # on or off (the flat names are aliases in today's nixpkgs).
  for on in true false; do
    name="modules: no trace or warning in an evaluation (harmonia enable = $on)"
    expr="let s = import ./tests/nix/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
      static = { services.harmonia.cache.enable = $on; services.distccd.enable = true; }; };
      in [ s.config.warnings s.config.dynamicism.manifest (s.config.dynamicism.applyDynamicConfiguration { dynamicFile = ./tests/nix/fixtures/distccd-override.nix; }).dropIns ]"
    if out=$(nix_eval -E "$expr" 2>&1 >/dev/null) && [ -z "$out" ]; then
      warnings=$(nix_eval -E "builtins.head ($expr)" 2>/dev/null)
      if [ "$warnings" = "[]" ]; then pass "$name"; else fail "$name" "warnings: $warnings"; fi
    else
      fail "$name" "$out"
    fi
  done
fi
# packaging: tests/nix/packaging.sh
