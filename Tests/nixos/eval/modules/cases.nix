# Module-system tests. Each case is { actual; expected; }; run.nix evaluates
# this file with nixpkgs' lib (NIXPKGS_LIB) and compares them.
#
# "Forced" systems are the reference: the same static configuration with the
# entries written by hand as lib.mkForce definitions, i.e. what a full rebuild
# with those settings would run. applyDynamicConfiguration must produce the
# same settings, and drop-ins that turn the static units into the forced
# system's units.
{ lib }:

let
  system = args: import ./system.nix ({ inherit lib; } // args);
  fixture = name: toString ../fixtures + "/${name}.nix";

  static = {
    services.harmonia.cache = { enable = true; settings = { workers = 4; max_connection_rate = 256; }; };
    services.distccd = { enable = true; maxJobs = 2; jobTimeout = 900; logLevel = "warning"; };
    services.gotosocial = { enable = true; settings.application-name = "gotosocial-for-machine"; settings.host = "gotosocial-machine.local"; };
    services.memcached.enable = true;
  };

  baseSystem = system { inherit static; };
  base = baseSystem.config;

  apply = name: base.dynamicism.applyDynamicConfiguration { dynamicFile = fixture name; };

  forced = definitions: (system { inherit static; extra = [ { config = definitions; } ]; }).config;

  dropInHeader = "# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n";
  noDropIns = { "harmonia.service" = null; "harmonia.socket" = null; "distccd.service" = null; "gotosocial.service" = null; "memcached.service" = null; };

  harmoniaForced = forced {
    services.harmonia.cache.settings.workers = lib.mkForce 20;
    services.harmonia.cache.settings.max_connection_rate = lib.mkForce 100;
  };
  bindForced = forced { services.harmonia.cache.settings.bind = lib.mkForce "127.0.0.1:5001"; };
  distccdForced = forced {
    services.distccd.maxJobs = lib.mkForce 6;
    services.distccd.logLevel = lib.mkForce "error";
  };
  gotosocialForced = forced {
    services.gotosocial.settings.application-name = lib.mkForce "yay!";
  };
  memcachedForced = forced {
    services.memcached.maxMemory = lib.mkForce 128;
    services.memcached.maxConnections = lib.mkForce 64;
  };

  harmoniaApply = apply "harmonia-cache-two";
  distccdApply = apply "distccd-override";
  gotosocialApply = apply "gotosocial-name";

  # Whether the manifest admits a value: its type (types.nix's check) and,
  # written out here again as an independent reading of the manifest
  # format, its min/max on every integer.
  manifestTypes = import ../../../../modules/dynamicism/lib/types.nix;
  withinBounds = decl: v:
    if builtins.isInt v then (decl.min or null == null || v >= decl.min) && (decl.max or null == null || v <= decl.max)
    else if builtins.isList v then lib.all (withinBounds decl) v
    else true;
  manifestAdmits = decl: v: manifestTypes.check decl.type v && withinBounds decl v;
  samplesOf = t:
    if t == "int" then [ 0 1 (-1) 19 20 (-20) (-21) 100 65535 65536 4294967296 (-4294967296) ]
    else if t == "bool" then [ true false ]
    else if t == "float" then [ 0.5 (-1.5) ]
    else if t == "str" then [ "" "x" "a\nb" "\${x}" ]
    else if t == "attrs" then [ { } { a = 1; } ]
    else if t ? enum then t.enum ++ [ "not-a-member" ]
    else if t ? nullOr then [ null ] ++ samplesOf t.nullOr
    else if t ? listOf then [ [ ] ] ++ map (x: [ x ]) (samplesOf t.listOf)
    else [ ];
  # The real option type that judges a value at a dynamic path: the option
  # itself, or, for a key inside a freeform option, that option's type on
  # the value nested at the key.
  realCheck = key:
    let
      path = (import ../../../../modules/dynamicism/lib/attrpath.nix).parse key;
      walk = node: rest:
        if lib.isOption node then
          (v: node.type.check (if rest == [ ] then v else lib.setAttrByPath rest v))
        else walk node.${lib.head rest} (lib.tail rest);
    in
    walk baseSystem.options path;
in
{
  manifest-options = {
    actual = base.dynamicism.manifest.options;
    expected = {
      "services.distccd.jobTimeout" = { type = { nullOr = "int"; }; static = 900; };
      "services.distccd.logLevel" = { type = { nullOr = { enum = [ "critical" "error" "warning" "notice" "info" "debug" ]; }; }; static = "warning"; };
      "services.distccd.maxJobs" = { type = { nullOr = "int"; }; static = 2; };
      # nullOr (ints.between (-20) 19): the bounds reach the manifest.
      "services.distccd.nice" = { type = { nullOr = "int"; }; min = -20; max = 19; static = null; };
      "services.gotosocial.settings.accounts-registration-open" = { type = "bool"; };
      "services.gotosocial.settings.application-name" = { type = "str"; static = "gotosocial-for-machine"; };
      "services.gotosocial.settings.log-level" = { type = { enum = [ "trace" "debug" "info" "warn" "error" "fatal" ]; }; static = "info"; };
      "services.harmonia.cache.settings.bind" = { type = "str"; static = "[::]:5000"; };
      "services.harmonia.cache.settings.max_connection_rate" = { type = "int"; static = 256; };
      "services.harmonia.cache.settings.priority" = { type = "int"; static = 50; };
      "services.harmonia.cache.settings.workers" = { type = "int"; static = 4; };
      "services.memcached.maxConnections" = { type = "int"; min = 0; static = 1024; };
      "services.memcached.maxMemory" = { type = "int"; min = 0; static = 64; };
    };
  };

  # Issue 8, failure 3: every sample value the manifest admits, the real
  # option type admits too (no dynamic option is looser in the manifest).
  manifest-admits-only-what-the-option-admits = {
    actual = lib.concatLists (lib.mapAttrsToList
      (key: decl:
        map (v: "${key} = ${builtins.toJSON v}")
          (lib.filter (v: manifestAdmits decl v && !(realCheck key v)) (samplesOf decl.type)))
      base.dynamicism.manifest.options);
    expected = [ ];
  };

  manifest-programs = {
    actual = {
      version = base.dynamicism.manifest.version;
      buildEndsWithFile = lib.last base.dynamicism.manifest.build == "{file}";
      buildLength = lib.length base.dynamicism.manifest.build;
      restoreStaticIsStorePath = lib.hasPrefix "/nix/store/" (lib.head base.dynamicism.manifest.restoreStatic);
      hasCheck = base.dynamicism.manifest ? check;
      # Issue 10: the program build prints is lib/scripts.nix's apply, which
      # takes --dry-run.
      activationDryRun = base.dynamicism.manifest.activationDryRun or null;
      units = base.dynamicism.units;
    };
    expected = {
      version = 1; buildEndsWithFile = true; buildLength = 2; restoreStaticIsStorePath = true; hasCheck = true;
      activationDryRun = true;
      units = [ "distccd.service" "gotosocial.service" "harmonia.socket" "harmonia.service" "memcached.service" ];
    };
  };

  # Issue 11, item 10, and issue 21, item 7: the file NixOS writes is the
  # JSON of the same value, the very text builtins.toJSON writes (not through
  # pkgs.formats.json's `jq .`, which makes integers above 2^53 floats before
  # jq 1.7).
  manifest-file = let file = base.environment.etc."dynix/manifest.json".source; in {
    actual = {
      inherit (file) name text;
      sameValue = builtins.fromJSON file.text == base.dynamicism.manifest;
      etcText = base.environment.etc."dynix/manifest.json".text;
    };
    expected = {
      name = "dynix-manifest.json";
      text = builtins.toJSON base.dynamicism.manifest;
      sameValue = true;
      etcText = null;
    };
  };

  # Issue 11, item 10: manifest and applyDynamicConfiguration are internal
  # (not in the manual), still readable: Tests/nixos/vm/lib/apply-builders.nix
  # calls applyDynamicConfiguration { dynamicFile; } and takes the
  # derivation it returns.
  internal-options = {
    actual = {
      manifest = { inherit (baseSystem.options.dynamicism.manifest) internal visible readOnly; };
      apply = { inherit (baseSystem.options.dynamicism.applyDynamicConfiguration) internal visible readOnly; };
      # (builtins.toFile writes nothing under `nix-instantiate --eval`, so
      # its empty dynamic file is the fixture of the same content.)
      applyBuilders = map (d: d.name) (scopedImport
        { builtins = builtins // { toFile = _: _: fixture "empty"; }; }
        ../../vm/lib/apply-builders.nix {
        inherit lib;
        system = baseSystem // { pkgs = (import ./stubs.nix { inherit lib; }).pkgs; };
      });
    };
    expected = {
      manifest = { internal = true; visible = false; readOnly = true; };
      apply = { internal = true; visible = false; readOnly = true; };
      applyBuilders = [ "harmonia.toml" "config.yml" "start-distccd" "dynix-apply" ];
    };
  };

  # Issue 8, failure 2: no evaluation reads an alias of the old flat shape.
  no-warnings = {
    actual = base.warnings;
    expected = [ ];
  };

  # The settings the dynamic evaluation sees are those of a full evaluation
  # with the entries forced in.
  harmonia-settings = {
    actual = harmoniaApply.dynamicConfig.services.harmonia.cache.settings;
    expected = harmoniaForced.services.harmonia.cache.settings;
  };
  # Derived drop-in: the environment reset, then the forced system's.
  harmonia-drop-ins = {
    actual = harmoniaApply.dropIns;
    expected = noDropIns // {
      "harmonia.service" = dropInHeader + "[Service]\nEnvironment=\nEnvironment=\"CONFIG_FILE=${toString harmoniaForced.systemd.services.harmonia.environment.CONFIG_FILE}\"\n";
    };
  };
  harmonia-config-file-differs-from-static = {
    actual = toString harmoniaForced.systemd.services.harmonia.environment.CONFIG_FILE
      != toString base.systemd.services.harmonia.environment.CONFIG_FILE;
    expected = true;
  };

  # A dynamic bind moves the socket too (what a full evaluation does).
  harmonia-bind-drop-ins = {
    actual = (apply "harmonia-bind").dropIns;
    expected = noDropIns // {
      "harmonia.socket" = dropInHeader + "[Socket]\nListenStream=\nListenStream=127.0.0.1:5001\n";
      "harmonia.service" = dropInHeader + "[Service]\nEnvironment=\nEnvironment=\"CONFIG_FILE=${toString bindForced.systemd.services.harmonia.environment.CONFIG_FILE}\"\n";
    };
  };
  harmonia-bind-forced-socket = {
    actual = bindForced.systemd.sockets.harmonia.socketConfig.ListenStream;
    expected = "127.0.0.1:5001";
  };
  # A change of the socket's settings restarts socket and service together
  # (the service may idle); the group is the socket first, then the service.
  harmonia-apply-restarts-socket-with-service = {
    actual = lib.hasInfix "set -- 'harmonia.socket' 'harmonia.service'" (apply "harmonia-bind").env.applyText;
    expected = true;
  };

  distccd-settings = {
    actual = { inherit (distccdApply.dynamicConfig.services.distccd) maxJobs logLevel jobTimeout; };
    expected = { maxJobs = 6; logLevel = "error"; jobTimeout = 900; };
  };
  distccd-drop-ins = {
    actual = distccdApply.dropIns;
    expected = noDropIns // {
      "distccd.service" = dropInHeader + "[Service]\nExecStart=\nExecStart=${toString distccdForced.systemd.services.distccd.serviceConfig.ExecStart}\n";
    };
  };
  distccd-start-script-has-new-flags = {
    actual = map (flag: lib.hasInfix flag distccdForced.systemd.services.distccd.serviceConfig.ExecStart.text)
      [ "--jobs 6" "--log-level error" "--job-lifetime 900" ];
    expected = [ true true true ];
  };

  gotosocial-settings = {
    actual = gotosocialApply.dynamicConfig.services.gotosocial.settings;
    expected = gotosocialForced.services.gotosocial.settings;
  };
  gotosocial-drop-ins = {
    actual = gotosocialApply.dropIns."gotosocial.service";
    expected = dropInHeader + "[Service]\nExecStart=\nExecStart=${gotosocialForced.systemd.services.gotosocial.serviceConfig.ExecStart}\n";
  };

  # The fourth service: nothing in its module but the option names.
  memcached-drop-ins = {
    actual = (apply "memcached").dropIns;
    expected = noDropIns // {
      # (systemd reads a setting without its trailing blanks; so does the diff)
      "memcached.service" = dropInHeader + "[Service]\nExecStart=\nExecStart=${lib.removeSuffix " " memcachedForced.systemd.services.memcached.serviceConfig.ExecStart}\n";
    };
  };

  # The apply program restarts exactly the units with a drop-in (and removes
  # stale ones); its text carries the forced system's config file.
  apply-program = {
    actual = {
      name = harmoniaApply.name;
      mentionsConfigFile = lib.hasInfix (toString harmoniaForced.systemd.services.harmonia.environment.CONFIG_FILE) harmoniaApply.env.applyText;
      staticSystem = harmoniaApply.env.staticSystem;
    };
    expected = {
      name = "dynix-apply";
      mentionsConfigFile = true;
      staticSystem = toString base.system.build.toplevel;
    };
  };

  # Entries equal to the static values: nothing to restart.
  same-as-static = {
    actual = (apply "same-as-static").dropIns;
    expected = noDropIns;
  };

  empty-file = {
    actual = (apply "empty").dropIns;
    expected = noDropIns;
  };

  missing-file = {
    actual = (base.dynamicism.applyDynamicConfiguration { dynamicFile = "/nonexistent/dynamic.nix"; }).dropIns;
    expected = noDropIns;
  };

  # The dynamic evaluation changes nothing but the dynamic options.
  other-options-untouched = {
    actual = {
      allowedClients = distccdApply.dynamicConfig.services.distccd.allowedClients;
      host = gotosocialApply.dynamicConfig.services.gotosocial.settings.host;
      distccdStart = harmoniaApply.dynamicConfig.systemd.services.distccd.serviceConfig.ExecStart.outPath;
    };
    expected = {
      allowedClients = [ "127.0.0.1" ];
      host = "gotosocial-machine.local";
      distccdStart = base.systemd.services.distccd.serviceConfig.ExecStart.outPath;
    };
  };

  # Dynamic values beat a static mkForce on the option itself (10 < 50).
  beats-mkforce = {
    actual = ((system {
      static = lib.recursiveUpdate static { services.harmonia.cache.settings.workers = lib.mkForce 8; };
    }).config.dynamicism.applyDynamicConfiguration { dynamicFile = fixture "harmonia-cache-two"; }).dynamicConfig.services.harmonia.cache.settings.workers;
    expected = 20;
  };

  # A disabled service declares nothing.
  disabled-service = {
    actual = builtins.attrNames ((system {
      static = lib.recursiveUpdate static { services.gotosocial.enable = false; services.memcached.enable = false; };
    }).config.dynamicism.manifest.options);
    expected = [
      "services.distccd.jobTimeout" "services.distccd.logLevel" "services.distccd.maxJobs" "services.distccd.nice"
      "services.harmonia.cache.settings.bind" "services.harmonia.cache.settings.max_connection_rate"
      "services.harmonia.cache.settings.priority" "services.harmonia.cache.settings.workers"
    ];
  };

  activation = {
    actual = {
      dry = base.system.activationScripts.dynamicism.supportsDryActivation;
      hook = lib.hasInfix "--system \"$systemConfig\" || true" base.system.activationScripts.dynamicism.text;
      # Each unit's drop-in is removed and the unit listed for a restart,
      # but for harmonia, whose socket the switch would not restart: its group
      # goes to the socket reset list, socket first, and the reset unit,
      # which the system has, to the restart list.
      units = lib.all
        (u: lib.hasInfix "dynix_dropin=\"$dynix_runtime_dir\"/'${u}.d/zz-dynix.conf'" base.system.activationScripts.dynamicism.text)
        [ "distccd.service" "gotosocial.service" "harmonia.socket" "harmonia.service" "memcached.service" ]
      && lib.all
        (u: lib.hasInfix "echo '${u}' >> \"$dynix_restart_list\"" base.system.activationScripts.dynamicism.text)
        [ "distccd.service" "gotosocial.service" "harmonia.service" "memcached.service" "dynix-socket-reset.service" ];
      socketGroup = lib.hasInfix "echo 'harmonia.socket harmonia.service' >> \"$dynix_socket_reset_list\"" base.system.activationScripts.dynamicism.text;
      # The module's reset unit: a oneshot running scripts.nix's socketReset.
      resetUnit = base.systemd.services.dynix-socket-reset.serviceConfig.Type == "oneshot"
        && lib.hasInfix "socket-reset-list" base.systemd.services.dynix-socket-reset.serviceConfig.ExecStart.text;
      tmpfiles = base.systemd.tmpfiles.rules;
    };
    expected = {
      dry = true; hook = true; units = true; socketGroup = true; resetUnit = true;
      tmpfiles = [ "d /var/lib/dynix 0755 root root - -" ];
    };
  };

  # The health check knows the socket-activated service may idle.
  check-program = {
    actual = let t = (lib.elemAt (lib.filter (x: lib.hasInfix "dynix-check" x) base.dynamicism.manifest.check) 0); in
      builtins.isString t;
    expected = true;
  };
}
