# shellcheck shell=bash
# The other builtins-only pieces under plain nix-instantiate.
lib=./modules/dynamicism/lib

# attrpath.nix: what `dynix append` accepts as an option path.
expect_json "attrpath: parse a quoted name" '["services","nginx","virtualHosts","example.com","root"]' \
  "(import $lib/attrpath.nix).parse ''services.nginx.virtualHosts.\"example.com\".root''"
# shellcheck disable=SC2016 # the $ is in the data (the JSON and a Nix string), not an expansion
expect_json "attrpath: parse escapes" '["a","x\"y$z","b"]' \
  '(import ./modules/dynamicism/lib/attrpath.nix).parse "a.\"x\\\"y\\$z\".b"'
expect_json "attrpath: hyphens and quotes are identifier characters" '["services","gotosocial","settings","application-name","it'"'"'s"]' \
  "(import $lib/attrpath.nix).parse \"services.gotosocial.settings.application-name.it's\""
# shellcheck disable=SC2016 # the ${ is in the expected JSON, not an expansion
expect_json "attrpath: render quotes only what needs it" \
  '"services.nginx.virtualHosts.\"example.com\".\"in\".\"x\\\"y\\${\".application-name.\"a b\""' \
  "(import $lib/attrpath.nix).render [ \"services\" \"nginx\" \"virtualHosts\" \"example.com\" \"in\" \"x\\\"y\\\${\" \"application-name\" \"a b\" ]"
expect_json "attrpath: render . parse is canonical" '"services.harmonia.settings.workers"' \
  "let p = import $lib/attrpath.nix; in p.render (p.parse ''\"services\".harmonia.\"settings\".workers'')"
expect_error "attrpath: an empty component is refused" 'is not an attribute path' \
  "(import $lib/attrpath.nix).parse \"a..b\""

expect_json "attrpath: canonical, isCanonical" '["services.x.a","services.x.\"a b\"",true,false]' \
  "let p = import $lib/attrpath.nix; in [ (p.canonical ''services.\"x\".\"a\"'') (p.canonical ''services.x.\"a b\"'') (p.isCanonical \"services.x.a\") (p.isCanonical ''services.x.\"a\"'') ]"

# declared.nix: the one place declared keys are canonicalised.
expect_json "declared: canonical keys, path and service; one option under two spellings is declared twice" \
  '{"byKey":{"services.x.a":{"key":"services.x.a","path":["services","x","a"],"service":"one","type":"int","written":"services.x.\"a\""},
             "services.x.b":{"key":"services.x.b","path":["services","x","b"],"service":"one","type":"str","written":"services.x.b"},
             "services.y.c":{"key":"services.y.c","path":["services","y","c"],"service":"two","type":"str","written":"services.y.\"c\""}},
    "twice":["services.x.a (one: services.x.\"a\"; two: services.x.a)","services.y.c (two: services.y.\"c\"; two: services.y.c)"]}' \
  "import $lib/declared.nix {
     one = { \"services.x.\\\"a\\\"\".type = \"int\"; \"services.x.b\".type = \"str\"; };
     two = { \"services.x.a\".type = \"int\"; \"services.y.c\".type = \"str\"; \"services.y.\\\"c\\\"\".type = \"str\"; }; }"
expect_json "declared: nothing twice when every option is declared once" '[]' \
  "(import $lib/declared.nix { one.\"a.b\" = { }; two.\"a.c\" = { }; }).twice"

# types.nix: the manifest's type language.
expect_json "types: check" '[true,false,true,false,true,true,false,true,false,true,false,true]' \
  "let t = import $lib/types.nix; in [
     (t.check \"int\" 3) (t.check \"int\" 3.0) (t.check \"float\" 3.0) (t.check \"float\" 3)
     (t.check \"bool\" false) (t.check \"str\" \"x\") (t.check \"str\" 1)
     (t.check { nullOr = \"int\"; } null) (t.check { nullOr = \"int\"; } \"x\")
     (t.check { enum = [ \"error\" \"warning\" ]; } \"error\") (t.check { enum = [ \"error\" ]; } \"loud\")
     (t.check { listOf = { nullOr = \"str\"; }; } [ \"a\" null ]) ]"
expect_json "types: describe" '"null or one of [\"a\",\"b\"]"' \
  "(import $lib/types.nix).describe { nullOr = { enum = [ \"a\" \"b\" ]; }; }"
expect_json "types: valid" '[true,true,false,false]' \
  "let t = import $lib/types.nix; in [ (t.valid \"attrs\") (t.valid { listOf = { nullOr = \"float\"; }; }) (t.valid \"integer\") (t.valid { nullOr = \"int\"; listOf = \"int\"; }) ]"

# layer.nix: entries matched against the declared options.
declared='{ "services.harmonia.settings.workers".type = "int";
            "services.distccd.logLevel".type = { nullOr = { enum = [ "error" "warning" ]; }; };
            "services.nginx.virtualHosts.\"example.com\".root".type = "str";
            "services.x.settings".type = "attrs"; }'
expect_json "layer: matches, undeclared by full path, mistyped" \
  '{"matched":[{"key":"services.distccd.logLevel","path":["services","distccd","logLevel"],"value":"loud"},
               {"key":"services.harmonia.settings.workers","path":["services","harmonia","settings","workers"],"value":20},
               {"key":"services.nginx.virtualHosts.\"example.com\".root","path":["services","nginx","virtualHosts","example.com","root"],"value":"/srv"}],
    "mistyped":["services.distccd.logLevel: expected null or one of [\"error\",\"warning\"], got \"loud\""],
    "undeclared":["imports","services.harmonia.settings.wrokers","services.openssh.enable"]}' \
  "import $lib/layer.nix { declared = $declared; folded = import ./modules/dynamicism/fold.nix [
     { services.harmonia.settings.workers = 20; } { services.harmonia.settings.wrokers = 1; imports = [ ]; }
     { services.openssh.enable = false; } { services.distccd.logLevel = \"loud\"; }
     { services.nginx.virtualHosts.\"example.com\".root = \"/srv\"; } ]; }"
expect_json "layer: an attrs option takes its whole (folded) value" \
  '{"matched":[{"key":"services.x.settings","path":["services","x","settings"],"value":{"a":1,"b":{"c":2}}}],"mistyped":[],"undeclared":[]}' \
  "import $lib/layer.nix { declared = $declared; folded = import ./modules/dynamicism/fold.nix [
     { services.x.settings = { a = 1; }; } { services.x.settings.b.c = 2; } ]; }"
expect_json "layer: module-system names never match" '["_module.args.pkgs","config.services.harmonia.settings.workers","options"]' \
  "(import $lib/layer.nix { declared = $declared; folded = {
     config.services.harmonia.settings.workers = 1; options = { }; _module.args.pkgs = null; }; }).undeclared"

expect_error "layer: a declared key that is not canonical is refused, not merged" 'declared key services\.x\."a" is not canonical \(services\.x\.a\)' \
  "(import $lib/layer.nix { declared = { \"services.x.\\\"a\\\"\".type = \"int\"; }; folded = { services.x.a = 1; }; }).matched"

# manifest.nix: declarations to the manifest.
expect_json "manifest: the format of ARCHITECTURE.md §5" \
  '{"version":1,
    "options":{"services.distccd.maxJobs":{"type":{"nullOr":"int"},"static":12},
               "services.nginx.virtualHosts.\"example.com\".root":{"type":"str"},
               "services.x.path":{"type":"str","static":"/etc/x"},
               "services.x.pkg":{"type":"str","static":"/nix/store/aaa-x"}},
    "build":["/nix/store/b-dynix-build","{file}"],"restoreStatic":["/nix/store/r"],"check":["/nix/store/c"],
    "activationDryRun":true}' \
  "import $lib/manifest.nix {
     options = { \"services.distccd.maxJobs\" = { type = { nullOr = \"int\"; }; static = 12; };
                 \"services.nginx.virtualHosts.\\\"example.com\\\".root\".type = \"str\";
                 \"services.x.path\" = { type = \"str\"; static = /etc/x; };
                 \"services.x.pkg\" = { type = \"str\"; static = { type = \"derivation\"; outPath = \"/nix/store/aaa-x\"; }; }; };
     build = [ \"/nix/store/b-dynix-build\" \"{file}\" ]; restoreStatic = [ \"/nix/store/r\" ]; check = [ \"/nix/store/c\" ];
     activationDryRun = true; }"
expect_json "manifest: no check when none" 'false' \
  "(import $lib/manifest.nix { options = { }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ \"r\" ]; }) ? check"
expect_json "manifest: no activationDryRun unless the build's program is said to accept --dry-run" '[false,false]' \
  "map (d: (import $lib/manifest.nix ({ options = { }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ \"r\" ]; } // d)) ? activationDryRun)
     [ { } { activationDryRun = false; } ]"
expect_error "manifest: activationDryRun that is not a boolean is refused" 'activationDryRun must be true or false' \
  "import $lib/manifest.nix { options = { }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ \"r\" ]; activationDryRun = \"yes\"; }"
expect_error "manifest: build without {file} is refused" 'must contain the argument \{file\}' \
  "import $lib/manifest.nix { options = { }; build = [ \"b\" ]; restoreStatic = [ \"r\" ]; }"
expect_error "manifest: a key that is not canonical is refused" 'manifest keys that are not canonical .*: services\.x\."a" \(services\.x\.a\)' \
  "builtins.attrNames (import $lib/manifest.nix { options = { \"services.x.\\\"a\\\"\".type = \"int\"; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }).options"
expect_error "manifest: an unknown type is refused" 'unknown manifest type' \
  "import $lib/manifest.nix { options = { a.type = \"integer\"; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }"

# Issue 21, item 5: a static value outside the option's own manifest type
# fails the build, and a list where a single value is declared says why and
# what to declare.
expect_error "manifest: a static list for a declared int names the coercion and the remedy" \
  'services\.kv\.settings\.limit: its value in this configuration, \[1000\], is a list, because its option stores single values as lists .*declare its type as \{ listOf = "int"; \} and append lists, such as .\[ 2000 \].' \
  "builtins.deepSeq (import $lib/manifest.nix { options = { \"services.kv.settings.limit\" = { type = \"int\"; static = [ 1000 ]; }; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }) 1"
expect_error "manifest: a static value outside the bounds fails too" \
  'its value in this configuration, 30, is outside its bounds \(int \(integers <= 20\)\); the manifest would contradict itself' \
  "builtins.deepSeq (import $lib/manifest.nix { options = { a.type = \"int\"; a.max = 20; a.static = 30; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }) 1"
expect_error "manifest: a static value of another type names the type to declare, in Nix" \
  'its value in this configuration, "x", does not have its manifest type, null or list of one of .*as \{ nullOr = \{ listOf = \{ enum = \[ "a" "b" \]; \}; \}; \} does not' \
  "builtins.deepSeq (import $lib/manifest.nix { options = { a.type.nullOr.listOf.enum = [ \"a\" \"b\" ]; a.static = \"x\"; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }) 1"
expect_json "manifest: a freeform key declared float may hold an integer (file formats write both)" '1' \
  "(import $lib/manifest.nix { options = { a.type = \"float\"; a.static = 1; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }).options.a.static"
expect_json "manifest: a static list for a declared list is fine" '[1000]' \
  "(import $lib/manifest.nix { options = { \"services.kv.settings.limit\" = { type.listOf = \"int\"; static = [ 1000 ]; }; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }).options.\"services.kv.settings.limit\".static"

# unit-file.nix: drop-ins derived from two renderings of a unit.
unit_static='[Unit]\nDescription=d\nAfter=network.target\nX-Restart-Triggers=/nix/store/a\n\n[Service]\nEnvironment=\"A=1\"\nEnvironment=\"B=2\"\nExecStart=/bin/x --jobs 4 \\\n  --nice 3\nUser=distcc\nNice=3\n'
unit_dynamic='[Unit]\nDescription=d\nAfter=network.target\nX-Restart-Triggers=/nix/store/b\n\n[Service]\nEnvironment=\"A=1\"\nEnvironment=\"B=3\"\nExecStart=/bin/x --jobs 5\nUser=distcc\nRestartSec=2\n'
expect_json "unit-file: lists reset first, removed settings reset, X- settings ignored, continuations joined" \
  '{"refused":[],"sections":[{"name":"Service","lines":["Environment=","Environment=\"A=1\"","Environment=\"B=3\"","ExecStart=","ExecStart=/bin/x --jobs 5","RestartSec=2","Nice="]}]}' \
  "(import $lib/unit-file.nix).dropIn { unit = \"a.service\"; static = \"$unit_static\"; dynamic = \"$unit_dynamic\"; }"
expect_json "unit-file: a socket's ListenStream" '"[Socket]\nListenStream=\nListenStream=127.0.0.1:5001\n"' \
  "let u = import $lib/unit-file.nix; in u.render (u.dropIn { unit = \"h.socket\"; static = \"[Socket]\nListenStream=[::]:5000\n\"; dynamic = \"[Socket]\nListenStream=127.0.0.1:5001\n\"; }).sections"
expect_json "unit-file: [Unit] and [Install] changes are refused, naming unit and setting" \
  '["a.service: [Unit] After would change ([\"x\"] -> [\"y\"]); a run-time drop-in cannot change [Unit]"]' \
  "((import $lib/unit-file.nix).dropIn { unit = \"a.service\"; static = \"[Unit]\nAfter=x\n\"; dynamic = \"[Unit]\nAfter=y\n\"; }).refused"
expect_json "unit-file: the same text is no drop-in" '[]' \
  "((import $lib/unit-file.nix).dropIn { unit = \"a.service\"; static = \"$unit_static\"; dynamic = \"$unit_static\"; }).sections"

# Issue 21, item 7: keys with `-` parse (X-RestartIfChanged, …), so the `X-`
# rule holds for them: a difference in X-Restart-Triggers is neither written
# nor refused, even in [Unit].
expect_json "unit-file: keys with - parse" '[{"key":"X-RestartIfChanged","section":"Service","value":"false"},{"key":"Nice","section":"Service","value":"3"}]' \
  "(import $lib/unit-file.nix).parse \"[Service]\nX-RestartIfChanged=false\nNice=3\n\""
expect_json "unit-file: an X- difference in [Unit] is neither written nor refused" '{"refused":[],"sections":[]}' \
  "(import $lib/unit-file.nix).dropIn { unit = \"a.service\"; static = \"[Unit]\nX-Restart-Triggers=/nix/store/a\n\"; dynamic = \"[Unit]\nX-Restart-Triggers=/nix/store/b\n\"; }"

# switch-treatment.nix: what a static switch does to a unit, by the rules of
# switch-to-configuration's handle_modified_unit.
expect_json "switch-treatment: restart, reload, skip (three ways), socket; systemd's booleans" \
  '["restart","reload","skip","skip","skip","socket","restart","skip"]' \
  "let t = (import $lib/switch-treatment.nix).treatment; in map (x: (t (builtins.elemAt x 0) (builtins.elemAt x 1)).kind) [
     [ \"a.service\" \"[Service]\nExecStart=/bin/a\n\" ]
     [ \"a.service\" \"[Service]\nX-ReloadIfChanged=true\n\" ]
     [ \"a.service\" \"[Service]\nX-RestartIfChanged=false\n\" ]
     [ \"a.service\" \"[Unit]\nRefuseManualStop=yes\n\" ]
     [ \"a.service\" \"[Unit]\nX-OnlyManualStart=1\n\" ]
     [ \"a.socket\" \"[Socket]\nListenStream=1\n\" ]
     [ \"a.service\" \"[Service]\nX-RestartIfChanged=true\n\" ]
     [ \"a.service\" \"[Service]\nX-RestartIfChanged=off\n\" ] ]"
expect_json "switch-treatment: the switch's other rules: targets and D-Bus skipped, / remounted, paths and slices reloaded, RefuseManualStart" \
  '["skip","skip","reload","reloaded","reloaded","skip","restart"]' \
  "let t = (import $lib/switch-treatment.nix).treatment; in map (x: (t (builtins.elemAt x 0) (builtins.elemAt x 1)).kind) [
     [ \"multi-user.target\" \"\" ] [ \"dbus.service\" \"\" ] [ \"-.mount\" \"\" ] [ \"a.path\" \"\" ] [ \"a.slice\" \"\" ]
     [ \"a.service\" \"[Unit]\nRefuseManualStart=true\n\" ] [ \"data.mount\" \"[Mount]\nWhat=/dev/x\n\" ] ]"
expect_json "switch-treatment: a unit the switch restarts is not refused" 'null' \
  "(import $lib/switch-treatment.nix).refusal \"a.service\" \"[Service]\nX-StopIfChanged=false\n\""

# option-type.nix on the shapes lib.types builds (name, description,
# nestedTypes, functor.payload); the real lib.types are in Tests/nixos/eval/modules.
expect_json "option-type: bounded, unsigned, port, nullOr/listOf/enum, unsupported" \
  '[{"max":19,"min":-20,"type":{"nullOr":"int"}},{"max":null,"min":0,"type":"int"},{"max":65535,"min":0,"type":"int"},
    {"max":null,"min":null,"type":{"listOf":{"enum":["a","b"]}}},{"unsupported":"strings concatenated with \"\\n\""},{"unsupported":"one of 1, 2"}]' \
  "let d = (import $lib/option-type.nix).derive; in map d [
     { name = \"nullOr\"; nestedTypes.elemType = { name = \"intBetween\"; description = \"integer between -20 and 19 (both inclusive)\"; }; }
     { name = \"unsignedInt\"; description = \"unsigned integer, meaning >=0\"; }
     { name = \"unsignedInt16\"; description = \"16 bit unsigned integer; between 0 and 65535 (both inclusive)\"; }
     { name = \"listOf\"; nestedTypes.elemType = { name = \"enum\"; functor.payload.values = [ \"a\" \"b\" ]; }; }
     { name = \"separatedString\"; description = \"strings concatenated with \\\"\\\\n\\\"\"; }
     { name = \"enum\"; description = \"one of 1, 2\"; functor.payload.values = [ 1 2 ]; } ]"

# types.nix bounds.
expect_json "types: bounds on every integer" '[true,false,true,false,true,false]' \
  "let t = import $lib/types.nix; d = { type = { nullOr = \"int\"; }; min = -20; max = 19; }; l = { type = { listOf = \"int\"; }; min = 0; }; in
   [ (t.checkDecl d null) (t.checkDecl d 100) (t.checkDecl d (-20)) (t.checkDecl d (-21)) (t.checkDecl l [ 0 5 ]) (t.checkDecl l [ 1 (-1) ]) ]"
expect_json "types: describeDecl" '"null or int (integers between -20 and 19)"' \
  "(import $lib/types.nix).describeDecl { type = { nullOr = \"int\"; }; min = -20; max = 19; }"
expect_json "manifest: bounds written only when present" \
  '{"a":{"type":{"nullOr":"int"},"min":-20,"max":19},"b":{"type":"int","min":0},"c":{"type":"str"}}' \
  "(import $lib/manifest.nix { options = { a = { type = { nullOr = \"int\"; }; min = -20; max = 19; }; b = { type = \"int\"; min = 0; max = null; }; c.type = \"str\"; };
     build = [ \"b\" \"{file}\" ]; restoreStatic = [ \"r\" ]; }).options"
expect_json "layer: a value outside the bounds is mistyped" \
  '["services.distccd.nice: expected null or int (integers between -20 and 19), got 100"]' \
  "(import $lib/layer.nix { declared = { \"services.distccd.nice\" = { type = { nullOr = \"int\"; }; min = -20; max = 19; }; };
     folded = { services.distccd.nice = 100; }; }).mistyped"

# shadow.nix: an entry whose value is not the evaluated one.
expect_json "shadow: names option, both values and the cause" \
  '["a.b = 20 would not take effect: the evaluated configuration has 4, because forced","a.c = 1 would not take effect: the evaluated configuration has nothing (the option is not set), because forced"]' \
  "let s = import $lib/shadow.nix; config = { a.b = 4; a.d = 2; }; in s.check {
     entries = [ { key = \"a.b\"; path = [ \"a\" \"b\" ]; value = 20; } { key = \"a.d\"; path = [ \"a\" \"d\" ]; value = 2; } { key = \"a.c\"; path = [ \"a\" \"c\" ]; value = 1; } ];
     valueAt = p: s.attrAt p config; causeOf = _: \"forced\"; }"
