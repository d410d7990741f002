# shellcheck shell=bash
# Both sides of a fleet, as modules/dynix.nix imports them: modules/central.nix
# (a host's /etc/dynix/central.json and its push units) and modules/fleet.nix
# (the central repository's user, authorized_keys and set-up unit), under
# nixpkgs' real lib.evalModules in the stand-in NixOS of the module tests
# (Tests/nixos/eval/modules/system.nix), and the set-up program they render,
# run against a stand-in dynix. Needs NIXPKGS_LIB.
if [ -z "${NIXPKGS_LIB:-}" ]; then
  echo "skip  fleet: NIXPKGS_LIB is not set (a nixpkgs or nixpkgs.lib checkout); the fleet modules not evaluated"
elif [ ! -f "$NIXPKGS_LIB/lib/default.nix" ]; then
  fail "fleet: NIXPKGS_LIB=$NIXPKGS_LIB has no lib/default.nix"
else
  fleet_work=$(mktemp -d /tmp/dynix-fleet.XXXXXX)

  # What these units use of NixOS beyond the shared stand-ins: a service's
  # wants, before, path and unitConfig, and the packages they name.
  # shellcheck disable=SC2016 # ${…} is Nix's interpolation
  fleet_standins='({ lib, ... }:
    let
      strings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
      stubs = import ./Tests/nixos/eval/modules/stubs.nix { inherit lib; };
      fake = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
    in {
      options.systemd.services = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule {
          options = {
            wants = strings; before = strings;
            path = lib.mkOption { type = lib.types.listOf lib.types.anything; default = [ ]; };
            unitConfig = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
          };
        });
      };
      config._module.args.pkgs = lib.mkForce (stubs.pkgs // {
        git = fake "git"; openssh = fake "openssh";
        bashInteractive = fake "bash-interactive" // { shellPath = "/bin/bash"; };
      });
    })'
  # fleet_system STATIC: the test system with STATIC, a module.
  fleet_system() {
    printf '(import ./Tests/nixos/eval/modules/system.nix { lib = import %s/lib; static = %s; extra = [ %s ]; })' \
      "$NIXPKGS_LIB" "$1" "$fleet_standins"
  }
  # The messages of the assertions that fail, of the system with STATIC.
  fleet_failing() {
    printf 'map (a: a.message) (builtins.filter (a: !a.assertion) %s.config.assertions)' "$(fleet_system "$1")"
  }

  fleet_dynix='programs.dynix.package = { type = "derivation"; name = "dynix"; outPath = "/nix/store/00000000000000000000000000000000-dynix"; };'
  central_key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'
  h1_key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKfOmDqSU6ZpX4k2e3aGZcvzLh2Bqt4H8nCZmJ9q8Wzk'
  h2_key='ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDd3ZmVhc2UgZm9yIHRlc3RzIG9ubHk'
  # central DEFINITIONS: a module, a host pushing to the central side with
  # settings that hold, and DEFINITIONS (with `lib` in scope) beside them.
  central() {
    printf '{ lib, ... }: { imports = [ { %s programs.dynix.central = { enable = true;
      url = "ssh://dynix-fleet@central.example.org:2222/var/lib/dynix-fleet";
      identityFile = "/etc/ssh/dynix_central_ed25519_key";
      knownHosts = [ "[central.example.org]:2222 %s" "central-2.example.org %s" ]; }; } ]; %s }' \
      "$fleet_dynix" "$central_key" "$central_key" "${1:-}"
  }
  # fleet DEFINITIONS: the central side with two hosts (one key with a
  # comment and a newline, as a .pub file holds it), and DEFINITIONS.
  fleet() {
    printf '{ lib, ... }: { imports = [ { %s programs.dynix.fleet = { enable = true;
      hosts.h1.key = "%s root@h1\n"; hosts."cache-2.example".key = "%s"; }; } ]; %s }' \
      "$fleet_dynix" "$h1_key" "$h2_key" "${1:-}"
  }
  # expect_assertion NAME PATTERN STATIC: exactly one assertion fails, and
  # its message matches the (grep -E) pattern.
  expect_assertion() {
    local name=$1 pattern=$2 output
    if ! output=$(nix_eval -E "$(fleet_failing "$3")" 2>&1); then
      fail "$name" "evaluation failed: $output"
    elif [ "$(printf '%s' "$output" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" != 1 ]; then
      fail "$name" "expected one failing assertion, got: $output"
    elif printf '%s' "$output" | grep -Eq -- "$pattern"; then
      pass "$name"
    else
      fail "$name" "message did not match /$pattern/: $output"
    fi
  }

  # Host side.
  expect_json "fleet: central: every assertion holds for a correct host" '[]' "$(fleet_failing "$(central)")"
  expect_json "fleet: central: /etc/dynix/central.json is spec.md's shape, builtins.toJSON's text" \
    '"{\"connectTimeout\":5,\"identityFile\":\"/etc/ssh/dynix_central_ed25519_key\",\"knownHostsFile\":\"/etc/dynix/central-known-hosts\",\"url\":\"ssh://dynix-fleet@central.example.org:2222/var/lib/dynix-fleet\",\"version\":1}"' \
    "$(fleet_system "$(central)").config.environment.etc.\"dynix/central.json\".source.text"
  expect_json "fleet: central: connectTimeout and metricsFile reach central.json" \
    '{"connectTimeout":9,"identityFile":"/etc/ssh/dynix_central_ed25519_key","knownHostsFile":"/etc/dynix/central-known-hosts",
      "metricsFile":"/var/lib/node-exporter/dynix.prom","url":"ssh://dynix-fleet@central.example.org:2222/var/lib/dynix-fleet","version":1}' \
    "builtins.fromJSON $(fleet_system "$(central 'programs.dynix.central.connectTimeout = 9; programs.dynix.central.metricsFile = "/var/lib/node-exporter/dynix.prom";')").config.environment.etc.\"dynix/central.json\".source.text"
  expect_json "fleet: central: the known-hosts file, one line each" \
    "\"[central.example.org]:2222 $central_key\\ncentral-2.example.org $central_key\\n\"" \
    "$(fleet_system "$(central)").config.environment.etc.\"dynix/central-known-hosts\".text"
  expect_json "fleet: central: dynix-push.service: a oneshot dynix push after the network, started by no target" \
    '{"ExecStart":"/nix/store/00000000000000000000000000000000-dynix/bin/dynix push","Type":"oneshot",
      "after":["network-online.target"],"condition":"/var/lib/dynix/history.git","path":["git","openssh"],
      "wantedBy":[],"wants":["network-online.target"]}' \
    "let s = $(fleet_system "$(central)").config.systemd.services.dynix-push; in {
       inherit (s.serviceConfig) ExecStart Type; inherit (s) after wants wantedBy; path = map (p: p.name) s.path;
       condition = s.unitConfig.ConditionPathExists; }"
  expect_json "fleet: central: dynix-push.service is bounded in time, 120 s at most" 'true' \
    "let t = $(fleet_system "$(central)").config.systemd.services.dynix-push.serviceConfig.TimeoutStartSec;
     in builtins.isInt t && t > 0 && t <= 120"
  expect_json "fleet: central: dynix-push.path watches the history's branch, generation tags and packed refs" \
    '{"pathConfig":{"PathChanged":["/var/lib/dynix/history.git/refs/heads","/var/lib/dynix/history.git/refs/tags/gen","/var/lib/dynix/history.git/packed-refs"]},
      "wantedBy":["paths.target"]}' \
    "let p = $(fleet_system "$(central)").config.systemd.paths.dynix-push; in { inherit (p) pathConfig wantedBy; }"
  expect_json "fleet: central: dynix-push.timer every 15 minutes and after boot" \
    '{"timerConfig":{"OnBootSec":"1min","OnUnitActiveSec":"15min","RandomizedDelaySec":"1min"},"wantedBy":["timers.target"]}' \
    "let t = $(fleet_system "$(central)").config.systemd.timers.dynix-push; in { inherit (t) timerConfig wantedBy; }"
  # Never from apply: the programs apply and activation run do not name it.
  expect_json "fleet: central: neither the apply program nor the activation snippet starts dynix-push" '[false,false]' \
    "let c = $(fleet_system "{ imports = [ ($(central)) ]; services.distccd.enable = true; }").config;
     in map (t: builtins.match \".*dynix-push.*\" t != null) [
       (c.dynamicism.applyDynamicConfiguration { dynamicFile = ./Tests/nixos/eval/fixtures/distccd-override.nix; }).env.applyText
       c.system.activationScripts.dynamicism.text ]"
  expect_json "fleet: central: disabled, no central.json and no push units" '[false,false,false,false]' \
    "let c = $(fleet_system '{ }').config; in [ (c.environment.etc ? \"dynix/central.json\") (c.systemd.services ? dynix-push)
       (c.systemd.paths ? dynix-push) (c.systemd.timers ? dynix-push) ]"

  expect_assertion "fleet: central: an http:// url is refused" \
    '^\["programs\.dynix\.central\.url must be an ssh:// URL .*got \\"https://central\.example\.org/fleet\\"' \
    "$(central 'programs.dynix.central.url = lib.mkForce "https://central.example.org/fleet";')"
  expect_assertion "fleet: central: an ssh url with a space is refused" 'programs\.dynix\.central\.url must be an ssh:// URL' \
    "$(central 'programs.dynix.central.url = lib.mkForce "ssh://-oProxyCommand=x central";')"
  expect_assertion "fleet: central: a relative identityFile is refused" \
    'programs\.dynix\.central\.identityFile must be an absolute path; got \\"keys/id\\"' \
    "$(central 'programs.dynix.central.identityFile = lib.mkForce "keys/id";')"
  # shellcheck disable=SC2016 # ${builtins.storeDir} is Nix's interpolation
  expect_assertion "fleet: central: an identityFile in the store is refused, a private key never goes there" \
    'programs\.dynix\.central\.identityFile is in the Nix store \(\\"/nix/store/[^"]*-id_ed25519\\"\).*a private key must never be there' \
    "$(central 'programs.dynix.central.identityFile = lib.mkForce "${builtins.storeDir}/00000000000000000000000000000000-id_ed25519";')"
  expect_error "fleet: central: an identityFile given as a Nix path is refused by its type (never copied)" \
    'programs\.dynix\.central\.identityFile.*is not of type .string' \
    "builtins.deepSeq $(fleet_system "$(central 'programs.dynix.central.identityFile = lib.mkForce ./Tests/nixos/eval/fleet.sh;')").config.environment.etc.\"dynix/central.json\".source.text 1"
  expect_assertion "fleet: central: no known host is refused" 'programs\.dynix\.central\.knownHosts must hold' \
    "$(central 'programs.dynix.central.knownHosts = lib.mkForce [ ];')"
  expect_assertion "fleet: central: a known-hosts entry of two lines is refused" 'programs\.dynix\.central\.knownHosts must hold' \
    "$(central "programs.dynix.central.knownHosts = lib.mkForce [ \"a $central_key\\nb $central_key\" ];")"
  expect_assertion "fleet: central: a relative metricsFile is refused" 'programs\.dynix\.central\.metricsFile must be an absolute path' \
    "$(central 'programs.dynix.central.metricsFile = "dynix.prom";')"
  expect_assertion "fleet: central: without programs.dynix.enable it is refused" 'needs programs\.dynix\.enable = true' \
    "$(central 'programs.dynix.enable = lib.mkForce false;')"
  expect_error "fleet: central: a connectTimeout above 60 s is refused by its type" \
    'programs\.dynix\.central\.connectTimeout.*is not of type .integer between 1 and 60' \
    "$(fleet_system "$(central 'programs.dynix.central.connectTimeout = 600;')").config.environment.etc.\"dynix/central.json\".source.text"

  # Central side.
  fleet_line() {
    printf 'restrict,command=\\"/nix/store/00000000000000000000000000000000-dynix/bin/dynix fleet receive --central %s %s\\" %s' "$1" "$2" "$3"
  }
  expect_json "fleet: fleet: every assertion holds for a correct central side" '[]' "$(fleet_failing "$(fleet)")"
  expect_json "fleet: fleet: authorized_keys holds, per host, the line fleet add-host prints (the key's comment left out)" \
    "[\"$(fleet_line /var/lib/dynix-fleet cache-2.example "$h2_key")\",\"$(fleet_line /var/lib/dynix-fleet h1 "$h1_key")\"]" \
    "$(fleet_system "$(fleet)").config.users.users.dynix-fleet.openssh.authorizedKeys.keys"
  expect_json "fleet: fleet: another directory and user" \
    "[\"$(fleet_line /srv/fleet cache-2.example "$h2_key")\",\"$(fleet_line /srv/fleet h1 "$h1_key")\"]" \
    "let c = $(fleet_system "$(fleet 'programs.dynix.fleet.directory = "/srv/fleet"; programs.dynix.fleet.user = "fleet";')").config;
     in assert c.users.users.fleet.home == \"/srv/fleet\" && !(c.users.users ? dynix-fleet); c.users.users.fleet.openssh.authorizedKeys.keys"
  expect_json "fleet: fleet: a system user and group, home in the directory, a real shell for sshd's forced command" \
    '{"createHome":true,"group":"dynix-fleet","groups":["dynix-fleet"],"home":"/var/lib/dynix-fleet","isSystemUser":true,"shell":"/bin/bash"}' \
    "let c = $(fleet_system "$(fleet)").config; u = c.users.users.dynix-fleet;
     in { inherit (u) createHome group home isSystemUser; shell = u.shell.shellPath; groups = builtins.attrNames c.users.groups; }"
  expect_json "fleet: fleet: dynix-fleet-setup.service: a oneshot that stays active, as the user, before sshd" \
    '{"RemainAfterExit":true,"Type":"oneshot","User":"dynix-fleet","before":["sshd.service"],"wantedBy":["multi-user.target"]}' \
    "let s = $(fleet_system "$(fleet)").config.systemd.services.dynix-fleet-setup;
     in { inherit (s.serviceConfig) RemainAfterExit Type User; inherit (s) before wantedBy; }"
  expect_json "fleet: fleet: disabled, no user, no set-up unit" '[false,false]' \
    "let c = $(fleet_system '{ }').config; in [ (c.users.users ? dynix-fleet) (c.systemd.services ? dynix-fleet-setup) ]"

  for bad in "-h:it must begin with a letter or a digit" "a..b:it holds '..'" "a.lock:ending in '.' or '.lock'" "a.:ending in '.' or '.lock'" \
    "a/b:only letters, digits" "a b:only letters, digits" "$(printf 'h%.0s' $(seq 64)):longer than 63 characters"; do
    host=${bad%%:*} why=${bad#*:}
    expect_assertion "fleet: fleet: host name ${host:0:12}… is refused, naming the host" \
      "programs\\.dynix\\.fleet\\.hosts\\.[^:]*: \\\\\"$(printf '%s' "$host" | sed 's/[.]/\\./g')\\\\\" is not a host name: .*$why" \
      "$(fleet "programs.dynix.fleet.hosts.\"$host\".key = \"$h1_key\";")"
  done
  expect_assertion "fleet: fleet: a malformed key is refused, naming the host" \
    'programs\.dynix\.fleet\.hosts\.h3\.key must be one ssh public key' "$(fleet 'programs.dynix.fleet.hosts.h3.key = "AAAAC3NzaC1lZDI1NTE5AAAAIKfOmDqSU6ZpX4k2e3aGZcvzLh2Bqt4H8nCZmJ9q8Wzk";')"
  expect_assertion "fleet: fleet: two keys for one host are refused, naming the host" \
    'programs\.dynix\.fleet\.hosts\.h3\.key must be one ssh public key' "$(fleet "programs.dynix.fleet.hosts.h3.key = \"$h1_key\\n$h2_key\";")"
  expect_assertion "fleet: fleet: a directory sshd's command would split is refused" \
    'programs\.dynix\.fleet\.directory must be an absolute path' "$(fleet 'programs.dynix.fleet.directory = "/var/lib/dynix fleet";')"
  expect_assertion "fleet: fleet: a directory with a trailing / is refused" \
    'programs\.dynix\.fleet\.directory must be an absolute path' "$(fleet 'programs.dynix.fleet.directory = "/var/lib/dynix-fleet/";')"

  # The set-up program, rendered for a central directory in $fleet_work and
  # a stand-in dynix that does on disk what spec.md says init and add-host
  # do, and logs its calls.
  mkdir -p "$fleet_work/dynix/bin"
  cat > "$fleet_work/dynix/bin/dynix" <<'SH'
#!/usr/bin/env bash
set -eu
echo "$*" >> "$FLEET_TEST_LOG"
case "$1 $2" in
  "fleet init")
    mkdir -p "$4/fleet"
    touch "$4/fleet/allowed-signers" ;;
  "fleet add-host")
    if grep -q "^$5 " "$4/fleet/allowed-signers"; then echo "dynix: error: host $5 is already registered" >&2; exit 1; fi
    echo "$5 namespaces=\"git,dynix-bundle\" $7" >> "$4/fleet/allowed-signers"
    echo "restrict,command=\"$0 fleet receive --central $4 $5\" $7" ;;
  *) exit 2 ;;
esac
SH
  chmod +x "$fleet_work/dynix/bin/dynix"
  export FLEET_TEST_LOG=$fleet_work/log
  # fleet_setup NAME SETTINGS: the set-up program of that central side, in
  # $fleet_work/NAME.
  fleet_setup() {
    nix_eval -E "$(fleet_system "{ lib, ... }: { imports = [ ($(fleet "programs.dynix.fleet.directory = \"$fleet_work/central\"; $2")) ];
        programs.dynix.package = lib.mkForce { type = \"derivation\"; name = \"dynix\"; outPath = \"$fleet_work/dynix\"; }; }").config.systemd.services.dynix-fleet-setup.serviceConfig.ExecStart.text" |
      python3 -c 'import json,sys; sys.stdout.write("#!/nix/store/00000000000000000000000000000000-bash/bin/bash\n" + json.load(sys.stdin))' > "$fleet_work/$1"
  }
  # fleet_run NAME EXPECTED-STATUS EXPECTED-CALLS EXPECTED-SIGNERS [STDERR-PATTERN]
  fleet_run() {
    local status=0 output calls signers
    : > "$FLEET_TEST_LOG"
    output=$(bash "$fleet_work/$1" 2>&1) || status=$?
    calls=$(cat "$FLEET_TEST_LOG")
    signers=$(cat "$fleet_work/central/fleet/allowed-signers" 2>&1)
    if [ "$status" = "$2" ] && [ "$calls" = "$3" ] && [ "$signers" = "$4" ] && { [ -z "${5:-}" ] || printf '%s' "$output" | grep -Eq -- "$5"; }; then
      pass "fleet: set-up program: $1"
    else
      fail "fleet: set-up program: $1" "status $status (expected $2); output: $output
calls: [$calls]
expected [$3]
allowed-signers: [$signers]
expected [$4]"
    fi
  }
  init_call="fleet init --central $fleet_work/central"
  h1_signer="h1 namespaces=\"git,dynix-bundle\" $h1_key"
  h2_signer="cache-2.example namespaces=\"git,dynix-bundle\" $h2_key"
  h3_signer="h3 namespaces=\"git,dynix-bundle\" $central_key"
  if fleet_setup first '' && fleet_setup more "programs.dynix.fleet.hosts.h3.key = \"$central_key\";" &&
    fleet_setup rekeyed "programs.dynix.fleet.hosts.h1.key = lib.mkForce \"$h2_key\";"; then
    for name in first more rekeyed; do declare -F lint_shell >/dev/null && lint_shell "generated program: dynix-fleet-setup ($name)" "$fleet_work/$name"; done
    fleet_run first 0 "$init_call
fleet add-host --central $fleet_work/central cache-2.example --key $h2_key
fleet add-host --central $fleet_work/central h1 --key $h1_key" "$h2_signer
$h1_signer"
    cp "$fleet_work/first" "$fleet_work/again"
    fleet_run again 0 "$init_call" "$h2_signer
$h1_signer"
    fleet_run more 0 "$init_call
fleet add-host --central $fleet_work/central h3 --key $central_key" "$h2_signer
$h1_signer
$h3_signer"
    fleet_run rekeyed 1 "$init_call" "$h2_signer
$h1_signer
$h3_signer" "host h1 is registered in .*/allowed-signers with another key than programs\\.dynix\\.fleet\\.hosts\\.h1\\.key"
  else
    fail "fleet: set-up program renders"
  fi
  unset FLEET_TEST_LOG
  rm -rf "$fleet_work"
fi
