# shellcheck shell=bash
# Every .nix file in the repository parses with this (stable, old) Nix, so
# nothing experimental such as the pipe operator slipped in, and with URL
# literals (`http://…` unquoted, deprecated by RFC 45) refused. Nix binds
# variables while parsing, so an undefined variable fails here too (unless a
# `with` is in scope: its names are known only at evaluation).
while IFS= read -r file; do
  if output=$(nix-instantiate "${NIX_FLAGS[@]}" --extra-experimental-features no-url-literals --parse "$file" 2>&1 >/dev/null); then
    pass "parses: $file"
  else
    fail "parses: $file" "$output"
  fi
done < <(find . -name '*.nix' -not -path './.git/*' -not -path './.build/*' -not -path '*/node_modules/*' | sort)
