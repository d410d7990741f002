# shellcheck shell=bash
# README.md's "Make any service dynamic": its two declarations, copied word
# for word from the blocks after the `Tests/nixos/eval/guide.sh` markers,
# evaluated under nixpkgs' real module system with stand-ins of the two
# nixpkgs modules they declare (Tests/nixos/eval/modules/guide.nix). Needs
# NIXPKGS_LIB; the blocks are checked to parse without it.
guide_dir=$(mktemp -d /tmp/dynix-guide.XXXXXX)
if python3 - "$guide_dir" <<'PY'
import re, sys
out = sys.argv[1]
text = open("README.md").read()
section = text.split("\n## Make any service dynamic\n", 1)[1].split("\n## ", 1)[0]
blocks = [re.findall(r"```nix\n(.*?)```", section[m.end():], re.S)[0]
          for m in re.finditer(r"<!-- Tests/nixos/eval/guide\.sh evaluates this block, word for word -->", section)]
if len(blocks) != 2:
    sys.exit(f"README: expected two marked declarations in \"Make any service dynamic\", found {len(blocks)}")
for name, body in zip(["iperf3-dynamic.nix", "ntfy-sh-dynamic.nix"], blocks):
    open(f"{out}/{name}", "w").write(body)
PY
then
  for f in iperf3-dynamic.nix ntfy-sh-dynamic.nix; do
    if out=$(nix-instantiate --parse "$guide_dir/$f" 2>&1 >/dev/null); then pass "guide: $f parses"
    else fail "guide: $f parses" "$out"; fi
  done
  if [ -n "${NIXPKGS_LIB:-}" ] && [ -f "$NIXPKGS_LIB/lib/default.nix" ]; then
    printf '%s\n' '[' '  { services.iperf3.verbose = true; }' '  { services.ntfy-sh.settings.behind-proxy = true; }' \
      '  { services.ntfy-sh.settings.visitor-request-limit-burst = 120; }' ']' > "$guide_dir/dynamic.nix"
    expect_json "guide: the declarations evaluate as README says: types from the options, by hand for the freeform keys; the drop-ins" \
      '{"assertions":true,
        "iperf3":"# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n[Service]\nExecStart=\nExecStart=/nix/store/0000-iperf3/bin/iperf --server --port 5201 --verbose\n",
        "manifest":{"services.iperf3.debug":{"static":false,"type":"bool"},"services.iperf3.verbose":{"static":false,"type":"bool"},
          "services.ntfy-sh.settings.behind-proxy":{"type":"bool"},"services.ntfy-sh.settings.visitor-request-limit-burst":{"min":1,"type":"int"}},
        "ntfyExecStartChanges":true,
        "ntfySettings":{"behind-proxy":true,"listen-http":"127.0.0.1:2586","visitor-request-limit-burst":120}}' \
      "import ./Tests/nixos/eval/modules/guide.nix { nixpkgsLib = $NIXPKGS_LIB; dir = $guide_dir; file = $guide_dir/dynamic.nix; }"
  else
    echo "skip  guide: NIXPKGS_LIB is not set; README's \"Make any service dynamic\" not evaluated under the module system"
  fi
else
  fail "guide: README's declarations found" "see above"
fi
rm -rf "$guide_dir"
