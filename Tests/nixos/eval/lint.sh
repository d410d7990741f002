# shellcheck shell=bash
# Lint of the Nix side's own files: its Nix, its shell, and the shell
# programs its Nix generates.
#
# Nix: no formatter in RFC 166 style (nixfmt), nor nixpkgs-fmt or alejandra,
# is packaged for Debian 12 or on PyPI, so no formatter runs here. What is
# checked instead: every .nix file parses with URL literals refused
# (parse.sh; Nix binds variables while parsing, so an undefined variable
# fails there too), and the layout rules below, which code nixfmt formats
# keeps too (here they hold for strings' text as well). Nix cannot find an
# unused binding, and nothing here pretends to.
#
# Shell: ShellCheck, as scripts/lint runs it (-x -P SCRIPTDIR), on
# scripts/test-nix and Tests/nixos/eval/*.sh, and on the programs
# modules/dynamicism/lib/scripts.nix renders, written to temporary files.
# Fix a finding in the file, or in the Nix that generates the program; a
# finding that is right as written gets a `# shellcheck disable=SCxxxx` with
# the reason.

# Every Nix file of the repository.
nix_owned=(default.nix flake.nix package.nix package-recipe.nix modules demo Tests/nixos)

# nix_layout FILE...: one `FILE:LINE: what` line per finding.
#   - LF line ends (no CR), no tab, no trailing blank;
#   - the file ends in one newline, no blank line before it, and never two
#     blank lines in a row;
#   - indentation in steps of two spaces, and one step deeper at most from
#     one line to the next (strings' text included).
nix_layout() {
  python3 - "$@" <<'PY'
import sys
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    def say(line, what):
        print(f"{path}:{line}: {what}")
    if b"\r" in data:
        say(data[: data.index(b"\r")].count(b"\n") + 1, "carriage return (CRLF line end?)")
    if not data.endswith(b"\n"):
        say(data.count(b"\n") + 1, "no newline at the end of the file")
    elif data.endswith(b"\n\n"):
        say(data.rstrip(b"\n").count(b"\n") + 2, "blank line at the end of the file")
    previous = 0
    blank = False
    for number, raw in enumerate(data.decode("utf-8").split("\n")[:-1], 1):
        if "\t" in raw:
            say(number, "tab")
        if raw != raw.rstrip():
            say(number, "trailing whitespace")
        if raw.strip() == "":
            if blank:
                say(number, "two blank lines in a row")
            blank = True
            continue
        blank = False
        indent = len(raw) - len(raw.lstrip(" "))
        if indent % 2:
            say(number, f"indented by {indent} spaces, not a multiple of 2")
        elif indent > previous + 2:
            say(number, f"indented by {indent} spaces, more than one step (2) deeper than the line before ({previous})")
        previous = indent
PY
}

while IFS= read -r file; do
  if output=$(nix_layout "$file" 2>&1) && [ -z "$output" ]; then
    pass "nix layout: $file"
  else
    fail "nix layout: $file" "$output"
  fi
done < <(find "${nix_owned[@]}" -name '*.nix' | sort)

if ! command -v shellcheck >/dev/null; then
  fail "shellcheck" "not installed (Debian: apt-get install shellcheck); the shell is not linted"
else
  # lint_shell NAME FILE: ShellCheck on FILE, one pass or fail.
  lint_shell() {
    local output
    if output=$(shellcheck -x -P SCRIPTDIR -f gcc "$2" 2>&1); then
      pass "shellcheck: $1"
    else
      fail "shellcheck: $1" "$output"
    fi
  }

  for file in scripts/test-nix Tests/nixos/eval/*.sh; do
    lint_shell "$file" "$file"
  done

  # The generated programs, rendered from scripts.nix over unit names that
  # need quoting, a socket grouped with its service, a drop-in with `$` and
  # backquotes, and no units at all. They run under the shell given (the
  # module gives pkgs.runtimeShell, bash); the default, /bin/sh, is the
  # stricter check.
  lint_dir=$(mktemp -d)
  # render NAME EXPR: the text EXPR evaluates to (scripts.nix is `s`), into
  # $lint_dir/NAME.
  render() {
    nix_eval -E "let s = import ./modules/dynamicism/lib/scripts.nix; in $2" |
      python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin))' > "$lint_dir/$1"
  }
  # render_snippet NAME EXPR: the activation snippet EXPR evaluates to, as
  # NixOS's activation script (bash;
  # nixos/modules/system/activation/activation-script.nix) holds it: after
  # the line that assigns systemConfig, before one that reads it.
  render_snippet() {
    render "$1.snippet" "$2" && {
      echo '#!/nix/store/0000-bash/bin/bash'
      echo 'systemConfig=/nix/store/0000-nixos-system'
      cat "$lint_dir/$1.snippet"
      cat <<'SH'
ln -sfn "$(readlink -f "$systemConfig")" /run/current-system
SH
    } > "$lint_dir/$1"
  }

  # shellcheck disable=SC2016 # $HOME and `y` are a drop-in's text, which the program must write as it is
  units_nix='{ "a.service" = "[Service]\nExecStart=\nExecStart=/bin/a --x $HOME `y`"; "b b.service" = null;
    "h.socket" = "[Socket]\nListenStream=127.0.0.1:5001"; "h.service" = null; "it'"'"'s.service" = "[Service]\nNice=3"; }'
  hook='rebuildHook = "/d/bin/dynix rebuild-hook";'
  if render apply "s.apply { systemctl = \"/run/current-system/sw/bin/systemctl\"; units = $units_nix;
         groups = [ [ \"h.socket\" \"h.service\" ] ]; }" &&
    render apply-bash "s.apply { systemctl = \"/s\"; shell = \"/nix/store/0000-bash/bin/bash\"; units = $units_nix; }" &&
    render apply-none "s.apply { systemctl = \"/s\"; units = { }; }" &&
    render restore-static "s.restoreStatic { systemctl = \"/s\"; units = builtins.attrNames $units_nix;
         groups = [ [ \"h.socket\" \"h.service\" ] ]; }" &&
    render restore-static-none "s.restoreStatic { systemctl = \"/s\"; units = [ ]; }" &&
    render check "s.check { systemctl = \"/s\"; settleSeconds = 2; units = builtins.attrNames $units_nix;
         lazy = { \"h.service\" = \"h.socket\"; }; }" &&
    render check-none "s.check { systemctl = \"/s\"; settleSeconds = 0; units = [ ]; }" &&
    render build "s.build { nixBuild = \"/n/bin/nix-build\";
         configExpression = ''(builtins.getFlake \"/etc/nixos\").nixosConfigurations.\"it's\".config''; }" &&
    render_snippet activation "s.activation { units = builtins.attrNames $units_nix; $hook }" &&
    render_snippet activation-grouped "s.activation { units = builtins.attrNames $units_nix; groups = [ [ \"h.service\" \"h.socket\" ] ]; $hook }" &&
    render_snippet activation-socket-only "s.activation { units = [ \"h.socket\" ]; groups = [ [ \"h.socket\" ] ]; }" &&
    render socket-reset "s.socketReset { systemctl = \"/s\"; }" &&
    render_snippet activation-one "s.activation { units = [ \"a.service\" ]; }" &&
    render_snippet activation-none "s.activation { units = [ ]; $hook }"; then
    for name in apply apply-bash apply-none restore-static restore-static-none check check-none build \
      activation activation-grouped activation-socket-only activation-one activation-none socket-reset; do
      lint_shell "generated program: $name" "$lint_dir/$name"
    done
  else
    fail "shellcheck: generated programs" "rendering them from scripts.nix failed"
  fi

  # As the module renders them for a system (bash; harmonia's socket and
  # service, distccd), under the module system: the activation snippet, and
  # an apply program that changes units.
  if [ -n "${NIXPKGS_LIB:-}" ] && [ -f "$NIXPKGS_LIB/lib/default.nix" ]; then
    lint_system="(import ./Tests/nixos/eval/modules/system.nix { lib = import $NIXPKGS_LIB/lib;
      static = { services.harmonia.cache.enable = true; services.distccd.enable = true; }; }).config"
    if render module-apply "($lint_system.dynamicism.applyDynamicConfiguration {
           dynamicFile = ./Tests/nixos/eval/fixtures/harmonia-bind.nix; }).env.applyText" &&
      render_snippet module-activation "$lint_system.system.activationScripts.dynamicism.text"; then
      lint_shell "generated program: module-apply" "$lint_dir/module-apply"
      lint_shell "generated program: module-activation" "$lint_dir/module-activation"
    else
      fail "shellcheck: programs the module renders" "rendering them under $NIXPKGS_LIB failed"
    fi
  fi
  rm -rf "$lint_dir"
fi
