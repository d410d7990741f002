# shellcheck shell=bash
# The modules under nixpkgs' real lib.evalModules, with stub pkgs and stub
# NixOS options (Tests/nixos/eval/modules/). Needs NIXPKGS_LIB: a checkout of
# nixpkgs or of nix-community/nixpkgs.lib (the directory holding lib/).
if [ -z "${NIXPKGS_LIB:-}" ]; then
  echo "skip  modules: NIXPKGS_LIB is not set (a nixpkgs or nixpkgs.lib checkout); module-system tests skipped"
elif [ ! -f "$NIXPKGS_LIB/lib/default.nix" ]; then
  fail "modules: NIXPKGS_LIB=$NIXPKGS_LIB has no lib/default.nix"
else
  if results=$(nix_eval ./Tests/nixos/eval/modules/run.nix --arg nixpkgsLib "$NIXPKGS_LIB" 2>&1); then
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

  system="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.harmonia.cache.enable = true; services.distccd.enable = true; }; }"
  expect_error "modules: entries for undeclared options are an error naming them" \
    'not dynamic on this system: imports, services\.harmonia\.cache\.settings\.wrokers, services\.openssh\.enable\. Dynamic options: services\.distccd\.jobTimeout' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/undeclared.nix; }).dropIns"
  expect_error "modules: a mistyped entry is an error naming option and type" \
    'services\.distccd\.logLevel: expected null or one of .*got "loud"' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/mistyped.nix; }).dropIns"
  expect_error "modules: an entry for a disabled service is an error" \
    'not dynamic on this system: services\.gotosocial\.settings\.application-name' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/gotosocial-name.nix; }).dropIns"
  expect_json "modules: assertions hold" '[true,true,true]' \
    "map (a: a.assertion) ($system).config.assertions"

  # Issue 8, failure 3: a value the option's type refuses (nice is
  # nullOr (ints.between (-20) 19)) is refused naming the bounds.
  expect_error "modules: a value outside the option's bounds is an error naming them" \
    'services\.distccd\.nice: expected null or int \(integers between -20 and 19\), got 100' \
    "(($system).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-nice-100.nix; }).dropIns"

  # Issue 8, failure 4: a static force on the enclosing option shadows the
  # entry; the build fails naming option, values and cause.
  forced="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { lib, ... }: { services.harmonia.cache.enable = true; services.harmonia.cache.settings = lib.mkForce { workers = 4; bind = \"[::]:5000\"; }; }; }"
  expect_error "modules: an entry shadowed by a static mkForce on its parent is an error naming option and cause" \
    'services\.harmonia\.cache\.settings\.workers = 20 would not take effect: the evaluated configuration has 4, because a static definition of the enclosing option services\.harmonia\.cache\.settings with priority 50 \(lib\.mkForce\)' \
    "(($forced).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/harmonia-cache-two.nix; }).dropIns"
  readonly_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { lib, ... }: { services.distccd.enable = true; services.distccd.maxJobs = lib.mkOverride 5 2; }; }"
  expect_error "modules: an entry beaten by a stronger static priority is an error naming it" \
    'services\.distccd\.maxJobs = 6 would not take effect: the evaluated configuration has 2, because a static definition of services\.distccd\.maxJobs with priority 5 beats dynamicism\.priority \(10\)' \
    "(($readonly_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).dropIns"

  # Issue 11, item 10: one option declared dynamic twice under two
  # spellings (by two services, or twice by one) is reported, never merged
  # by `//` with the later service silently owning it; also where no
  # assertion is checked (the build program evaluates
  # applyDynamicConfiguration alone).
  twice_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; };
    extra = [ { dynamicism.services.other = { units = [ \"other.service\" ];
      options.\"services.distccd.\\\"maxJobs\\\"\" = { }; }; } ]; }"
  expect_json "modules: one option declared by two services under two spellings fails the assertion" \
    '[false,"dynamicism: options declared dynamic more than once: services.distccd.maxJobs (distccd: services.distccd.maxJobs; other: services.distccd.\"maxJobs\")"]' \
    "let a = builtins.head ($twice_sys).config.assertions; in [ a.assertion a.message ]"
  expect_error "modules: one option declared by two services under two spellings stops the build" \
    'options declared dynamic more than once: services\.distccd\.maxJobs \(distccd: services\.distccd\.maxJobs; other: services\.distccd\."maxJobs"\)' \
    "(($twice_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).dropIns"
  # Issue 21, items 1 and 2: a unit a static switch would not restart
  # (restartIfChanged = false: skipped) or would only reload (reloadIfChanged
  # = true) keeps its dynamic settings through the switch, while the history
  # would say the static ones are live: refused, with the reason and the
  # remedy, by the static system and by the build.
  for shape in "restartIfChanged = false:does not restart it \\(restartIfChanged = false\\)" \
    "reloadIfChanged = true:reloads it instead of restarting it \\(reloadIfChanged = true\\)"; do
    setting=${shape%%:*} why=${shape#*:}
    shape_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
      static = { services.distccd.enable = true; systemd.services.distccd.$setting; }; }"
    expect_error "modules: a unit with $setting fails the assertion" \
      "distccd\\.service cannot be dynamic: a static switch $why, so its dynamic settings would stay live after a static switch while dynix's history says the static ones are; let the switch restart it" \
      "let a = builtins.elemAt ($shape_sys).config.assertions 2; in if a.assertion then true else throw a.message"
    expect_error "modules: a unit with $setting stops the build" \
      "distccd\\.service cannot be dynamic: a static switch $why" \
      "(($shape_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).dropIns"
  done

  # Issue 21, item 7: two services sharing one unit stops the build too (it
  # checks no assertion), naming the unit and the services.
  shared_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; };
    extra = [ { dynamicism.services.other = { units = [ \"distccd.service\" ]; options = { }; }; } ]; }"
  expect_json "modules: two services sharing one unit fail the assertion, naming both" \
    '[false,"dynamicism: two dynamicism services share one systemd unit: distccd.service (distccd, other)"]' \
    "let a = builtins.elemAt ($shared_sys).config.assertions 1; in [ a.assertion a.message ]"
  expect_error "modules: two services sharing one unit stop the build" \
    'two dynamicism services share one systemd unit: distccd\.service \(distccd, other\)' \
    "(($shared_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).dropIns"

  once_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; };
    extra = [ { dynamicism.services.distccd.options.\"\\\"services\\\".distccd.maxJobs\".description = \"again\"; } ]; }"
  expect_json "modules: one option declared twice by one service under two spellings fails the assertion" 'false' \
    "(builtins.head ($once_sys).config.assertions).assertion"
  expect_error "modules: one option declared twice by one service under two spellings stops the build" \
    'options declared dynamic more than once: services\.distccd\.maxJobs \(distccd: "services"\.distccd\.maxJobs; distccd: services\.distccd\.maxJobs\)' \
    "(($once_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).dropIns"

  # An option inside an attribute set of submodules (virtualHosts."name".port):
  # lib.types' getSubOptions skips the attribute's name, so the lookup must
  # consume it; the type is then derived from the real option, not asked for.
  hosts_option='({ lib, ... }: { options.services.hosts.hosts = lib.mkOption { default = { };
    type = lib.types.attrsOf (lib.types.submodule { options.port = lib.mkOption { type = lib.types.port; }; }); }; })'
  hosts_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; services.hosts.hosts.\"a.example\".port = 80; };
    extra = [ $hosts_option
      { dynamicism.services.hosts.options.\"services.hosts.hosts.\\\"a.example\\\".port\" = { }; } ]; }"
  expect_json "modules: an option inside attrsOf (submodule) gets its type from the option" \
    '{"max":65535,"min":0,"static":80,"type":"int"}' \
    "($hosts_sys).config.dynamicism.manifest.options.\"services.hosts.hosts.\\\"a.example\\\".port\""

  # Issue 21, item 7: an option that holds submodules, declared dynamic as a
  # whole, is refused saying what to declare instead.
  whole_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; };
    extra = [ $hosts_option { dynamicism.services.hosts.options.\"services.hosts.hosts\" = { }; } ]; }"
  expect_error "modules: an option of submodules declared whole is refused naming the way" \
    'services\.hosts\.hosts cannot be dynamic: it holds submodules .*make their options dynamic one by one instead \(as services\.hosts\.hosts\."<name>"\.<option>' \
    "($whole_sys).config.dynamicism.manifest.options.\"services.hosts.hosts\""

  # Issue 21, item 7: the manifest file is builtins.toJSON's text, exactly: an
  # integer above 2^53 stays an integer (jq before 1.7 made it a float).
  big_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; services.distccd.jobTimeout = 9007199254740993; }; }"
  expect_json "modules: the manifest file holds an integer above 2^53 exactly" 'true' \
    "let t = ($big_sys).config.environment.etc.\"dynix/manifest.json\".source.text; in
      builtins.match \".*\\\"static\\\":9007199254740993[,}].*\" t != null"

  # Issue 21, item 5: a freeform settings key whose type coerces a single
  # value to a list (pkgs.formats.keyValue { listsAsDuplicateKeys = true; }'s
  # type, as NixOS/nixpkgs 001740f03dbdff478182996703602232e7ca5fc0's
  # pkgs/pkgs-lib/formats.nix builds it). Declared `int`: the evaluated static
  # value is [ 1000 ], and the evaluation says so and what to declare. Declared
  # { listOf = "int"; }: the static value is [ 1000 ] and an entry [ 2000 ]
  # is the value the option holds (no shadowing refusal).
  kv_option='({ lib, ... }: let singleAtom = lib.types.nullOr (lib.types.oneOf [ lib.types.bool lib.types.int lib.types.float lib.types.str ]); in {
      options.services.kv.settings = lib.mkOption { default = { };
        type = lib.types.attrsOf (lib.types.coercedTo singleAtom lib.singleton (lib.types.listOf singleAtom)); }; })'
  kv_module="$kv_option { services.kv.settings.limit = 1000; }"
  for declared in '"int"' '{ listOf = "int"; }'; do
    kv_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
      static = { services.distccd.enable = true; };
      extra = [ $kv_module { dynamicism.services.kv = { units = [ ]; options.\"services.kv.settings.limit\".type = $declared; }; } ]; }"
    if [ "$declared" = '"int"' ]; then
      expect_error "modules: a coercing freeform key declared int is refused, naming the coercion and the remedy" \
        'services\.kv\.settings\.limit: its value in this configuration, \[1000\], is a list, because its option stores single values as lists.*declare its type as \{ listOf = "int"; \} and append lists' \
        "builtins.deepSeq ($kv_sys).config.dynamicism.manifest 1"
    else
      expect_json "modules: a coercing freeform key declared as a list: its static value, and an entry taken as it is" \
        '{"entry":[2000],"static":[1000]}' \
        "let s = $kv_sys; in { static = s.config.dynamicism.manifest.options.\"services.kv.settings.limit\".static;
           entry = (s.config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/kv-limit.nix; }).dynamicConfig.services.kv.settings.limit; }"
    fi
  done

  # The same key with no static value, declared int: nothing to check at
  # evaluation, and the apply names the coercion as the cause (not "another
  # definition or module") with the type to declare.
  kv_sys="import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
    static = { services.distccd.enable = true; };
    extra = [ $kv_option { dynamicism.services.kv = { units = [ ]; options.\"services.kv.settings.limit\".type = \"int\"; }; } ]; }"
  expect_error "modules: a coercing freeform key without a static value: the apply names the coercion and the type to declare" \
    'services\.kv\.settings\.limit = 2000 would not take effect: the evaluated configuration has \[2000\], because its option stores single values as lists .*declare its type as \{ listOf = "int"; \} and append lists, such as .\[ 2000 \].' \
    "(($kv_sys).config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/kv-limit-single.nix; }).dropIns"

  # Issue 8, failure 2: no evaluation prints a trace or warning, harmonia
  # on or off (the flat names are aliases in today's nixpkgs).
  for on in true false; do
    name="modules: no trace or warning in an evaluation (harmonia enable = $on)"
    expr="let s = import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
      static = { services.harmonia.cache.enable = $on; services.distccd.enable = true; }; };
      in [ s.config.warnings s.config.dynamicism.manifest (s.config.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).dropIns ]"
    if out=$(nix_eval -E "$expr" 2>&1 >/dev/null) && [ -z "$out" ]; then
      warnings=$(nix_eval -E "builtins.head ($expr)" 2>/dev/null)
      if [ "$warnings" = "[]" ]; then pass "$name"; else fail "$name" "warnings: $warnings"; fi
    else
      fail "$name" "$out"
    fi
  done
fi
# packaging: Tests/nixos/eval/packaging.sh
