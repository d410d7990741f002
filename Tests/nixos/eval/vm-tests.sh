# shellcheck shell=bash
# The VM tests as far as they can be checked without NixOS (they run only on
# a NixOS host with KVM: `nix-build -A tests.<name>`, see README):
#   - default.nix's attributes under plain Nix with stand-ins for nixpkgs;
#   - each test script assembled exactly as make-test.nix builds testScript,
#     then linted as the NixOS test driver does before it runs a test:
#     pyflakes with the driver's builtins, mypy with declarations of the
#     driver's API (Tests/nixos/vm/lib/driver-types, see its README);
#   - what the in-VM rebuild needs: the static configuration keeps the
#     test's tools, the VM's size, no build toolchain copied in;
#   - today's nixpkgs shapes the scripts depend on (harmonia socket-activated,
#     no process match that matches the driver's own shell).
vmwork=$(mktemp -d)
drv_types=Tests/nixos/vm/lib/driver-types

# Stand-ins for the parts of nixpkgs default.nix and make-test.nix touch
# when only the test layout and scripts are read (builtins only).
# shellcheck disable=SC2016 # ${n} is Nix's interpolation, not the shell's
standin_pkgs='let lib = {
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    mapAttrsToList = f: s: map (n: f n s.${n}) (builtins.attrNames s);
    elem = builtins.elem;
    hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
    removePrefix = p: s: if builtins.substring 0 (builtins.stringLength p) s == p
      then builtins.substring (builtins.stringLength p) (-1) s else s;
  }; in {
    inherit lib;
    path = "/nix/store/00000000000000000000000000000000-nixpkgs";
    git = "git-standin"; "yq-go" = "yq-go-standin";
    callPackage = fn: args: { standIn = "dynix"; };
    testers.runNixOSTest = test: test;
    linkFarm = name: entries: { inherit name entries; };
  }'
top="import ./default.nix { pkgs = $standin_pkgs; }"

expect_json "default.nix: tests.<name>, allTests, nixosModules (stand-in pkgs)" \
  '{"tests":["distccd","fleet","gotosocial","harmonia","history"],"names":["dynix-distccd","dynix-fleet","dynix-gotosocial","dynix-harmonia","dynix-history"],
    "allTests":["distccd","fleet","gotosocial","harmonia","history"],"modules":["default","dynamicism"],"modulesExist":true}' \
  "let t = $top; in { tests = builtins.attrNames t.tests; names = map (n: t.tests.\${n}.name) (builtins.attrNames t.tests);
     allTests = map (e: e.name) t.allTests.entries; modules = builtins.attrNames t.nixosModules;
     modulesExist = builtins.pathExists t.nixosModules.default && builtins.pathExists t.nixosModules.dynamicism; }"

# Each test's data file names what default.nix builds from.
for dir in Tests/nixos/vm/*/; do
  name=$(basename "$dir")
  [ "$name" = lib ] && continue
  [ -f "Tests/nixos/vm/$name/test.nix" ] || { fail "Tests/nixos/vm: $name has no test.nix"; continue; }
  expect_json "Tests/nixos/vm: $name: test.nix names its files, which exist" '[true,true,true]' \
    "let t = import ./Tests/nixos/vm/$name/test.nix; in [ (t.name == \"$name\") (builtins.pathExists t.service) (builtins.pathExists t.script) ]"
done

# The driver lints the script exactly as testScript is: assemble it from
# default.nix (the concatenation make-test.nix makes), not by hand.
# Debian's pyflakes3 (scripts/test installs it), else a pyflakes module.
if command -v pyflakes3 >/dev/null; then pyflakes=(pyflakes3)
elif python3 -c 'import pyflakes' 2>/dev/null; then pyflakes=(python3 -m pyflakes)
else pyflakes=(); fi
if command -v mypy >/dev/null; then have_mypy=1; else have_mypy=; fi
for name in $(nix_eval -E "builtins.attrNames ($top).tests" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))'); do
  script=$vmwork/$name/test-script
  mkdir -p "$vmwork/$name"
  if ! nix_eval -E "($top).tests.$name.testScript" 2>"$vmwork/err" \
      | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' > "$script" || [ ! -s "$script" ]; then
    fail "Tests/nixos/vm: $name: testScript evaluates" "$(cat "$vmwork/err")"
    continue
  fi
  if output=$(PYTHONPYCACHEPREFIX=$vmwork/pycache python3 -m py_compile "$script" 2>&1); then
    pass "Tests/nixos/vm: $name: testScript compiles"
  else fail "Tests/nixos/vm: $name: testScript compiles" "$output"; fi

  # The test's nodes, comma-separated: `machine`, and the fleet test's `central`.
  nodes=$(nix_eval -E "builtins.concatStringsSep \",\" (builtins.attrNames ($top).tests.$name.nodes)" | python3 -c 'import json,sys; print(json.load(sys.stdin))')
  # pyflakes, as driver.nix: PYFLAKES_BUILTINS="<nodes>,<driver-symbols>",
  # any output fails the build.
  if [ ${#pyflakes[@]} -gt 0 ]; then
    if output=$(PYFLAKES_BUILTINS="$nodes,$(cat "$drv_types/driver-symbols")" "${pyflakes[@]}" "$script" 2>&1); then
      pass "Tests/nixos/vm: $name: pyflakes as the driver runs it"
    else fail "Tests/nixos/vm: $name: pyflakes as the driver runs it" "$output"; fi
  else fail "Tests/nixos/vm: $name: pyflakes" "pyflakes is not installed (Debian: apt-get install pyflakes3)"; fi

  # mypy, as driver.nix: the declarations, the nodes' types on one line, the
  # (empty) container and vlan hints, then the script.
  if [ -n "$have_mypy" ]; then
    { cat "$drv_types/prepend.py"; echo "${nodes//,/: QemuMachine; }: QemuMachine;"; echo ""; echo ""; cat "$script"; } > "$vmwork/$name/testScriptWithTypes"
    if output=$(cd "$vmwork/$name" && MYPYPATH=$OLDPWD/$drv_types mypy --no-implicit-optional --pretty --no-color-output \
                  --cache-dir "$vmwork/mypy-cache" testScriptWithTypes 2>&1); then
      pass "Tests/nixos/vm: $name: mypy with the driver's declarations"
    else fail "Tests/nixos/vm: $name: mypy with the driver's declarations" "$output"; fi
  else fail "Tests/nixos/vm: $name: mypy" "mypy is not installed (Debian: apt-get install mypy)"; fi
done

# The declarations catch what they should: a script that rebinds a driver
# global or calls a machine method wrongly fails mypy.
if [ -n "$have_mypy" ]; then
  printf 'log = "text"\nmachine.succeed(1)\n' > "$vmwork/bad.py"
  { cat "$drv_types/prepend.py"; echo "machine: QemuMachine;"; echo ""; echo ""; cat "$vmwork/bad.py"; } > "$vmwork/badWithTypes"
  if output=$(cd "$vmwork" && MYPYPATH=$OLDPWD/$drv_types mypy --no-implicit-optional --cache-dir "$vmwork/mypy-cache" badWithTypes 2>&1); then
    fail "Tests/nixos/vm: mypy declarations refuse a rebound driver global and a wrong argument" "$output"
  elif printf '%s' "$output" | grep -q 'Incompatible types in assignment' && printf '%s' "$output" | grep -q 'succeed'; then
    pass "Tests/nixos/vm: mypy declarations refuse a rebound driver global and a wrong argument"
  else fail "Tests/nixos/vm: mypy declarations refuse a rebound driver global and a wrong argument" "$output"; fi
fi

# Command strings the scripts run in the VM: no process match on command
# lines (`pgrep -f`, `pkill -f`): the driver runs each command as
# `timeout … bash -c '<command>'`, whose own command line matches.
if output=$(python3 - Tests/nixos/vm/*/test-script.py Tests/nixos/vm/lib/helpers.py <<'PY'
import ast, re, sys
bad = []
def strings(arg):
    # the literal parts of a call argument: a string, or an f-string
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        yield arg.value
    elif isinstance(arg, ast.JoinedStr):
        yield "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
for path in sys.argv[1:]:
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Call):
            for arg in node.args:
                for text in strings(arg):
                    if re.search(r"\bp(grep|kill)\b[^|;&]*\s-[a-zA-Z]*f", text):
                        bad.append(f"{path}:{node.lineno}: {text!r}")
print("\n".join(bad)); sys.exit(1 if bad else 0)
PY
); then pass "Tests/nixos/vm: no pgrep/pkill -f in the scripts (it matches the driver's shell)"
else fail "Tests/nixos/vm: no pgrep/pkill -f in the scripts (it matches the driver's shell)" "$output"; fi

# harmonia is socket-activated on today's nixpkgs: a script reading the
# running harmonia starts it first; the static configurations use
# services.harmonia.cache.*; the failed apply uses a value harmonia refuses
# at start, not `bind` (the socket unit owns the address).
if output=$(python3 - Tests/nixos/vm/harmonia/test-script.py Tests/nixos/vm/history/test-script.py <<'PY'
import ast, sys
bad = []
for path in sys.argv[1:]:
    tree = ast.parse(open(path).read(), path)
    for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        calls = [c for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, (ast.Name, ast.Attribute))]
        names = [(c.func.id if isinstance(c.func, ast.Name) else c.func.attr, c) for c in calls]
        reads = [c for n, c in names if n in ("main_pid", "wait_for_unit") and c.args and getattr(c.args[0], "value", None) == "harmonia.service"]
        starts = [c for n, c in names if n == "start_unit" and c.args and getattr(c.args[0], "value", None) == "harmonia.service"]
        for r in reads:
            if not any(s.lineno <= r.lineno for s in starts):
                bad.append(f"{path}:{r.lineno}: reads harmonia.service in {fn.name}() without start_unit first")
    src = open(path).read()
    if ".bind" in src:
        bad.append(f"{path}: appends bind (moves nothing under socket activation)")
    if "services.harmonia.settings" in src:
        bad.append(f"{path}: uses services.harmonia.settings (today: services.harmonia.cache.settings)")
print("\n".join(bad)); sys.exit(1 if bad else 0)
PY
); then pass "Tests/nixos/vm: harmonia scripts start the socket-activated unit before reading it, no bind, cache.settings"
else fail "Tests/nixos/vm: harmonia scripts start the socket-activated unit before reading it, no bind, cache.settings" "$output"; fi
expect_json "Tests/nixos/vm: harmonia configurations use services.harmonia.cache" '[true,true]' \
  "map (n: let c = (import ./Tests/nixos/vm/\${n}/configuration.nix { }).services.harmonia; in c.cache.enable && !(c ? settings) && !(c ? enable)) [ \"harmonia\" \"history\" ]"

# What the in-VM rebuild needs. The static configuration (what
# nixos-rebuild builds in the VM) keeps the test's own tools, so a static
# switch does not remove them; the node wiring passes them to both.
expect_json "Tests/nixos/vm: static configuration keeps the test's packages (gotosocial: yq-go) and git" '[true,true,true]' \
  "let text = import ./Tests/nixos/vm/lib/static-configuration.nix { nixpkgs = \"/nix/store/n\"; dynixSource = \"/nix/store/d\";
     service = \"/nix/store/s.nix\"; vmModule = \"/nix/store/v.nix\"; stateVersion = \"26.05\";
     inherit (import ./Tests/nixos/vm/gotosocial/test.nix) packages; };
   in [ (builtins.match \".*environment.systemPackages = \\\\[ pkgs.\\\"git\\\" pkgs.\\\"yq-go\\\" ].*\" text != null)
        ((import ./Tests/nixos/vm/gotosocial/test.nix).packages == [ \"yq-go\" ])
        (builtins.match \".*hardware-configuration.*\" text == null) ]"
if [ "$(id -u)" = 0 ]; then
  # The node as make-test.nix builds it (stand-in pkgs; copies the service
  # file into the store, so only as root): the same packages on the node,
  # and /etc/dynix-test/configuration.nix is that static configuration.
  # --read-write-mode, for this check only: builtins.toFile really writes the
  # file to read it back.
  NIX_FLAGS+=(--read-write-mode)
  expect_json "Tests/nixos/vm: gotosocial node: tools on the node and in its static configuration" '[true,true]' \
    "let node = ($top).tests.gotosocial.nodes.machine { config.system.stateVersion = \"26.05\"; };
         text = builtins.readFile node.environment.etc.\"dynix-test/configuration.nix\".source;
     in [ (node.environment.systemPackages == [ \"yq-go-standin\" ])
          (builtins.match \".*pkgs.\\\"yq-go\\\".*\" text != null) ]"
  unset 'NIX_FLAGS[-1]'
else
  echo "skip  Tests/nixos/vm: gotosocial node wiring (copies into the store: run as root)"
fi
expect_json "Tests/nixos/vm: VM memory above 3072 MB, store writes on disk, no includeBuildDependencies" '[true,true,true,true]' \
  "let vm = import ./Tests/nixos/vm/lib/vm.nix { }; m = import ./Tests/nixos/vm/lib/machine.nix { lib = { mkForce = x: x; }; pkgs = { path = \"/p\"; git = \"git\"; }; dynixPackage = \"d\"; };
   in [ (vm.virtualisation.memorySize >= 4096) (vm.virtualisation.writableStoreUseTmpfs == false)
        (!(m ? system && m.system ? includeBuildDependencies))
        (builtins.match \".*includeBuildDependencies = true.*\" (builtins.readFile ./Tests/nixos/vm/lib/make-test.nix) == null) ]"

rm -rf "$vmwork"
