# shellcheck shell=bash
# fold.nix on real entry lists (the fixtures are in the format dynix writes).
fold=./modules/dynamicism/fold.nix

expect_json "fold: empty list" '{}' "import $fold []"
expect_json "fold: empty dynamic file" '{}' "import $fold (import ./Tests/nixos/eval/fixtures/empty.nix)"
expect_json "fold: later entries win" \
  '{"services":{"distccd":{"maxJobs":6,"logLevel":"error"}}}' \
  "import $fold (import ./Tests/nixos/eval/fixtures/distccd-override.nix)"
expect_json "fold: siblings merge" \
  '{"services":{"harmonia":{"settings":{"workers":20,"max_connection_rate":100}}}}' \
  "import $fold (import ./Tests/nixos/eval/fixtures/harmonia-two.nix)"
# shellcheck disable=SC2016 # the ${ in the expected JSON is a name in the data, not an expansion
expect_json "fold: nested merges, quoted names, lists replace, null, \${ in names" \
  '{"services":{"harmonia":{"settings":{"extra":{"a":1,"b":[3],"c":null},"workers":2}},
    "nginx":{"virtualHosts":{"example.com":{"locations":{"/":{"proxyPass":"http://[::1]:8080"}},"root":"/srv/new"},
                             "example.org":{"root":"/srv/org"}}}},
    "weird name":{"${x}":"dollar ${not} interpolated"}}' \
  "import $fold (import ./Tests/nixos/eval/fixtures/nested.nix)"
expect_json "fold: a set replaces a scalar and a scalar replaces a set" \
  '{"a":{"b":1},"c":5}' \
  "import $fold [ { a = 1; c = { d = 2; }; } { a.b = 1; c = 5; } ]"
expect_json "fold: a list is not concatenated" '{"l":["z"]}' \
  "import $fold [ { l = [ \"x\" \"y\" ]; } { l = [ \"z\" ]; } ]"
expect_json "fold: strings, floats, bools" '{"s":"a\"b\\\\c\n","f":1.5,"t":false}' \
  "import $fold [ { s = \"old\"; t = true; } { s = \"a\\\"b\\\\\\\\c\\n\"; f = 1.5; t = false; } ]"
expect_json "fold: deep merge keeps untouched branches" \
  '{"x":{"y":{"z":1,"w":2},"v":3}}' \
  "import $fold [ { x.y.z = 1; x.v = 3; } { x.y.w = 2; } ]"
expect_error "fold: an entry that is not a set is refused" 'entry 2 of the dynamic file is a list' \
  "import $fold [ { a = 1; } [ 1 ] ]"
expect_error "fold: a file that is not a list is refused" 'must be a list of attribute sets' \
  "import $fold { a = 1; }"
