# The other builtins-only pieces under plain nix-instantiate.
lib=./modules/dynamicism/lib

# attrpath.nix: what `dynix append` accepts as an option path.
expect_json "attrpath: parse a quoted name" '["services","nginx","virtualHosts","example.com","root"]' \
  "(import $lib/attrpath.nix).parse ''services.nginx.virtualHosts.\"example.com\".root''"
expect_json "attrpath: parse escapes" '["a","x\"y$z","b"]' \
  '(import ./modules/dynamicism/lib/attrpath.nix).parse "a.\"x\\\"y\\$z\".b"'
expect_json "attrpath: hyphens and quotes are identifier characters" '["services","gotosocial","settings","application-name","it'"'"'s"]' \
  "(import $lib/attrpath.nix).parse \"services.gotosocial.settings.application-name.it's\""
expect_json "attrpath: render quotes only what needs it" \
  '"services.nginx.virtualHosts.\"example.com\".\"in\".\"x\\\"y\\${\".application-name.\"a b\""' \
  "(import $lib/attrpath.nix).render [ \"services\" \"nginx\" \"virtualHosts\" \"example.com\" \"in\" \"x\\\"y\\\${\" \"application-name\" \"a b\" ]"
expect_json "attrpath: render . parse is canonical" '"services.harmonia.settings.workers"' \
  "let p = import $lib/attrpath.nix; in p.render (p.parse ''\"services\".harmonia.\"settings\".workers'')"
expect_error "attrpath: an empty component is refused" 'is not an attribute path' \
  "(import $lib/attrpath.nix).parse \"a..b\""

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

# manifest.nix: declarations to the manifest.
expect_json "manifest: the format of DESIGN.md" \
  '{"version":1,
    "options":{"services.distccd.maxJobs":{"type":{"nullOr":"int"},"static":12},
               "services.nginx.virtualHosts.\"example.com\".root":{"type":"str"},
               "services.x.path":{"type":"str","static":"/etc/x"},
               "services.x.pkg":{"type":"str","static":"/nix/store/aaa-x"}},
    "build":["/nix/store/b-dynix-build","{file}"],"restoreStatic":["/nix/store/r"],"check":["/nix/store/c"]}' \
  "import $lib/manifest.nix {
     options = { \"services.distccd.maxJobs\" = { type = { nullOr = \"int\"; }; static = 12; };
                 \"services.nginx.virtualHosts.\\\"example.com\\\".root\".type = \"str\";
                 \"services.x.path\" = { type = \"str\"; static = /etc/x; };
                 \"services.x.pkg\" = { type = \"str\"; static = { type = \"derivation\"; outPath = \"/nix/store/aaa-x\"; }; }; };
     build = [ \"/nix/store/b-dynix-build\" \"{file}\" ]; restoreStatic = [ \"/nix/store/r\" ]; check = [ \"/nix/store/c\" ]; }"
expect_json "manifest: no check when none" 'false' \
  "(import $lib/manifest.nix { options = { }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ \"r\" ]; }) ? check"
expect_error "manifest: build without {file} is refused" 'must contain the argument \{file\}' \
  "import $lib/manifest.nix { options = { }; build = [ \"b\" ]; restoreStatic = [ \"r\" ]; }"
expect_error "manifest: an unknown type is refused" 'unknown manifest type' \
  "import $lib/manifest.nix { options = { a.type = \"integer\"; }; build = [ \"b\" \"{file}\" ]; restoreStatic = [ ]; }"

# dropin.nix and exec-start.nix.
expect_json "dropin: sections, repeated keys, booleans" \
  '"# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n[Service]\nEnvironment=CONFIG_FILE=/a\nExecStart=\nExecStart=/x --jobs 4\nNoNewPrivileges=yes\n\n[Unit]\nX=1\n"' \
  "import $lib/dropin.nix { Service = { ExecStart = import $lib/exec-start.nix \"/x --jobs 4\"; Environment = \"CONFIG_FILE=/a\"; NoNewPrivileges = true; }; Unit.X = 1; }"
expect_json "exec-start: list and derivation" '["","/nix/store/a","b"]' \
  "import $lib/exec-start.nix [ { outPath = \"/nix/store/a\"; __toString = s: s.outPath; } \"b\" ]"
