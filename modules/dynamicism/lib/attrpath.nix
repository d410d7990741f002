# Attribute paths as text, the way an administrator types them on the command
# line and the way they appear as keys in the manifest:
#
#   services.nginx.virtualHosts."example.com".root
#
# `parse` turns such a string into a list of names, `render` turns a list of
# names back into the canonical string (names quoted only when they are not
# plain Nix identifiers, or are keywords), and `canonical` is the two in one:
# the one function that makes a key as written (`services."x".a`) the key
# dynix compares (`services.x.a`). dynix (Swift) renders paths with the same
# rule, so a key in the manifest and a path in `dynix append` compare equal
# as strings. The framework canonicalises declared keys once, in
# declared.nix; layer.nix and manifest.nix take canonical keys only.
#
# Builtins only: evaluated by plain nix-instantiate in the tests.
let
  keywords = [ "if" "then" "else" "assert" "with" "let" "in" "rec" "inherit" "or" ];

  # Nix's lexer: ID = [a-zA-Z_][a-zA-Z0-9_'-]*
  isIdentifier = name:
    builtins.match "[a-zA-Z_][a-zA-Z0-9_'-]*" name != null
    && !(builtins.elem name keywords);

  # The escapes Nix needs inside a double-quoted string; `$` is escaped
  # everywhere so that no `${` can ever start an interpolation.
  escape = builtins.replaceStrings
    [ "\\" "\"" "$" "\n" "\r" "\t" ]
    [ "\\\\" "\\\"" "\\$" "\\n" "\\r" "\\t" ];

  unescape = s:
    let
      # Split on backslash escapes; the captured groups are the escaped chars.
      parts = builtins.split "\\\\(.)" s;
      decode = c:
        if c == "n" then "\n"
        else if c == "r" then "\r"
        else if c == "t" then "\t"
        else c;
    in
    builtins.concatStringsSep "" (map
      (p: if builtins.isList p then decode (builtins.head p) else p)
      parts);

  renderName = name: if isIdentifier name then name else "\"${escape name}\"";

  render = names: builtins.concatStringsSep "." (map renderName names);

  # One component: a quoted string (with escapes) or a bare run without dots
  # or quotes. The whole string must be such components joined by dots.
  component = "(\"([^\"\\\\]|\\\\.)*\"|[^.\"]+)";

  parse = text:
    let
      whole = builtins.match "${component}(\\.${component})*" text;
      pieces = builtins.filter builtins.isList (builtins.split component text);
      name = piece:
        let raw = builtins.head piece; in
        if builtins.substring 0 1 raw == "\""
        then unescape (builtins.substring 1 (builtins.stringLength raw - 2) raw)
        else raw;
    in
    if whole == null
    then throw "dynix: `${text}` is not an attribute path"
    else map name pieces;

  canonical = text: render (parse text);

  isCanonical = text: canonical text == text;
in
{
  inherit isIdentifier escape render renderName parse canonical isCanonical;
}
