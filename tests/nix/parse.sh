# shellcheck shell=bash
# Every .nix file in the repository parses with this (stable, old) Nix, so
# nothing experimental such as the pipe operator slipped in.
while IFS= read -r file; do
  if output=$(nix-instantiate "${NIX_FLAGS[@]}" --parse "$file" 2>&1 >/dev/null); then
    pass "parses: $file"
  else
    fail "parses: $file" "$output"
  fi
done < <(find . -name '*.nix' -not -path './.git/*' -not -path './.build/*' -not -path '*/node_modules/*' | sort)
