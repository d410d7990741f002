# shellcheck shell=bash
# README.md's "Installing on NixOS": its configurations, copied word for word
# from the blocks after the `Tests/nixos/eval/readme.sh` markers, evaluated under
# nixpkgs' real module system (Tests/nixos/eval/modules/readme.nix). Needs
# NIXPKGS_LIB; the blocks are checked to parse without it.
readme_dir=$(mktemp -d /tmp/dynix-readme.XXXXXX)
if python3 - "$readme_dir" <<'PY'
import re, sys
out = sys.argv[1]
text = open("README.md").read()
section = text.split("## Installing on NixOS", 1)[1].split("\n## ", 1)[0]
blocks = []
for marker in re.finditer(r"<!-- Tests/nixos/eval/readme\.sh evaluates this block( and the next one)?, word for word -->", section):
    rest = section[marker.end():]
    found = re.findall(r"```nix\n(.*?)```", rest, re.S)
    blocks.append(found[:2] if marker.group(1) else found[:1])
if [len(b) for b in blocks] != [2, 1]:
    sys.exit(f"README: expected a marked flake.nix + configuration.nix and a marked configuration without flakes, found {[len(b) for b in blocks]}")
for name, body in zip(["flake.nix", "configuration.nix", "configuration-without-flakes.nix"], blocks[0] + blocks[1]):
    open(f"{out}/{name}", "w").write(body)
PY
then
  ln -s "$PWD" "$readme_dir/dynix"
  for f in flake.nix configuration.nix configuration-without-flakes.nix; do
    if out=$(nix-instantiate --parse "$readme_dir/$f" 2>&1 >/dev/null); then pass "readme: $f parses"
    else fail "readme: $f parses" "$out"; fi
  done
  if [ -n "${NIXPKGS_LIB:-}" ] && [ -f "$NIXPKGS_LIB/lib/default.nix" ]; then
    expect_json "readme: the NixOS configurations evaluate, dynix installed, distccd's options dynamic with their static values" \
      '{"hosts":["cache1"],"inputs":{"follows":"nixpkgs","names":["dynix","nixpkgs"]},
        "withFlakes":{"assertions":true,"configExpression":"(builtins.getFlake \"/etc/nixos\").nixosConfigurations.cache1.config",
          "enable":true,"etc":true,"installed":["dynix"],
          "manifest":{"services.distccd.jobTimeout":null,"services.distccd.logLevel":"warning","services.distccd.maxJobs":12,"services.distccd.nice":null}},
        "withoutFlakes":{"assertions":true,"configExpression":"(import <nixpkgs/nixos> { }).config",
          "enable":true,"etc":true,"installed":["dynix"],
          "manifest":{"services.distccd.jobTimeout":null,"services.distccd.logLevel":"warning","services.distccd.maxJobs":12,"services.distccd.nice":null}}}' \
      "import ./Tests/nixos/eval/modules/readme.nix { nixpkgsLib = $NIXPKGS_LIB; dir = $readme_dir; }"
  else
    echo "skip  readme: NIXPKGS_LIB is not set; README's NixOS configurations not evaluated under the module system"
  fi
else
  fail "readme: the marked NixOS configurations are in README.md"
fi
rm -rf "$readme_dir"
