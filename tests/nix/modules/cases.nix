# Module-system tests. Each case is { actual; expected; }; run.sh evaluates
# this file with nixpkgs' lib (NIXPKGS_LIB) and compares them.
#
# "Forced" systems are the reference: the same static configuration with the
# entries written by hand as lib.mkForce definitions, i.e. what a full rebuild
# with those settings would run. applyDynamicConfiguration must produce the
# same settings and the same unit command lines / config files.
{ lib }:

let
  system = args: import ./system.nix ({ inherit lib; } // args);
  fixture = name: toString ../fixtures + "/${name}.nix";

  static = {
    services.harmonia = { enable = true; settings = { workers = 4; max_connection_rate = 256; }; };
    services.distccd = { enable = true; maxJobs = 2; jobTimeout = 900; logLevel = "warning"; };
    services.gotosocial = { enable = true; settings.application-name = "gotosocial-for-machine"; settings.host = "gotosocial-machine.local"; };
  };

  base = (system { inherit static; }).config;

  apply = name: base.dynamicism.applyDynamicConfiguration { dynamicFile = fixture name; };

  forced = definitions: (system { inherit static; extra = [ { config = definitions; } ]; }).config;

  dropInHeader = "# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n";

  harmoniaForced = forced {
    services.harmonia.settings.workers = lib.mkForce 20;
    services.harmonia.settings.max_connection_rate = lib.mkForce 100;
  };
  distccdForced = forced {
    services.distccd.maxJobs = lib.mkForce 6;
    services.distccd.logLevel = lib.mkForce "error";
  };
  gotosocialForced = forced {
    services.gotosocial.settings.application-name = lib.mkForce "yay!";
  };

  harmoniaApply = apply "harmonia-two";
  distccdApply = apply "distccd-override";
  gotosocialApply = apply "gotosocial-name";
in
{
  manifest-options = {
    actual = lib.mapAttrs (_: o: o) base.dynamicism.manifest.options;
    expected = {
      "services.distccd.jobTimeout" = { type = { nullOr = "int"; }; static = 900; };
      "services.distccd.logLevel" = { type = { nullOr = { enum = [ "critical" "error" "warning" "notice" "info" "debug" ]; }; }; static = "warning"; };
      "services.distccd.maxJobs" = { type = { nullOr = "int"; }; static = 2; };
      "services.distccd.nice" = { type = { nullOr = "int"; }; static = null; };
      "services.gotosocial.settings.accounts-registration-open" = { type = "bool"; };
      "services.gotosocial.settings.application-name" = { type = "str"; static = "gotosocial-for-machine"; };
      "services.gotosocial.settings.log-level" = { type = { enum = [ "trace" "debug" "info" "warn" "error" "fatal" ]; }; static = "info"; };
      "services.harmonia.settings.bind" = { type = "str"; };
      "services.harmonia.settings.max_connection_rate" = { type = "int"; static = 256; };
      "services.harmonia.settings.priority" = { type = "int"; };
      "services.harmonia.settings.workers" = { type = "int"; static = 4; };
    };
  };

  manifest-programs = {
    actual = {
      version = base.dynamicism.manifest.version;
      buildEndsWithFile = lib.last base.dynamicism.manifest.build == "{file}";
      buildLength = lib.length base.dynamicism.manifest.build;
      restoreStaticIsStorePath = lib.hasPrefix "/nix/store/" (lib.head base.dynamicism.manifest.restoreStatic);
      hasCheck = base.dynamicism.manifest ? check;
      units = base.dynamicism.units;
      # The file NixOS would write is the JSON of the same value.
      etcIsJson = builtins.fromJSON base.environment.etc."dynix/manifest.json".text == base.dynamicism.manifest;
    };
    expected = {
      version = 1; buildEndsWithFile = true; buildLength = 2; restoreStaticIsStorePath = true; hasCheck = true;
      units = [ "distccd.service" "gotosocial.service" "harmonia.service" ];
      etcIsJson = true;
    };
  };

  # The settings the dynamic evaluation sees are those of a full evaluation
  # with the entries forced in.
  harmonia-settings = {
    actual = harmoniaApply.dynamicConfig.services.harmonia.settings;
    expected = harmoniaForced.services.harmonia.settings;
  };
  harmonia-drop-ins = {
    actual = harmoniaApply.dropIns;
    expected = {
      "harmonia.service" = dropInHeader + "[Service]\nEnvironment=CONFIG_FILE=${toString harmoniaForced.systemd.services.harmonia.environment.CONFIG_FILE}\n";
      "distccd.service" = null;
      "gotosocial.service" = null;
    };
  };
  harmonia-config-file-differs-from-static = {
    actual = toString harmoniaForced.systemd.services.harmonia.environment.CONFIG_FILE
      != toString base.systemd.services.harmonia.environment.CONFIG_FILE;
    expected = true;
  };

  distccd-settings = {
    actual = { inherit (distccdApply.dynamicConfig.services.distccd) maxJobs logLevel jobTimeout; };
    expected = { maxJobs = 6; logLevel = "error"; jobTimeout = 900; };
  };
  distccd-drop-ins = {
    actual = distccdApply.dropIns;
    expected = {
      "distccd.service" = dropInHeader + "[Service]\nExecStart=\nExecStart=${toString distccdForced.systemd.services.distccd.serviceConfig.ExecStart}\n";
      "harmonia.service" = null;
      "gotosocial.service" = null;
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

  # The apply program restarts exactly the units with a drop-in (and removes
  # stale ones); its text carries the forced system's ExecStart.
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
    expected = { "harmonia.service" = null; "distccd.service" = null; "gotosocial.service" = null; };
  };

  empty-file = {
    actual = (apply "empty").dropIns;
    expected = { "harmonia.service" = null; "distccd.service" = null; "gotosocial.service" = null; };
  };

  missing-file = {
    actual = (base.dynamicism.applyDynamicConfiguration { dynamicFile = "/nonexistent/dynamic.nix"; }).dropIns;
    expected = { "harmonia.service" = null; "distccd.service" = null; "gotosocial.service" = null; };
  };

  # The dynamic evaluation changes nothing but the dynamic options.
  other-options-untouched = {
    actual = {
      allowedClients = distccdApply.dynamicConfig.services.distccd.allowedClients;
      host = gotosocialApply.dynamicConfig.services.gotosocial.settings.host;
      harmoniaEnv = harmoniaApply.dynamicConfig.systemd.services.distccd.serviceConfig.ExecStart.outPath;
    };
    expected = {
      allowedClients = [ "127.0.0.1" ];
      host = "gotosocial-machine.local";
      harmoniaEnv = base.systemd.services.distccd.serviceConfig.ExecStart.outPath;
    };
  };

  # Dynamic values beat a static mkForce (priority 10 < 50).
  beats-mkforce = {
    actual = ((system {
      static = lib.recursiveUpdate static { services.harmonia.settings.workers = lib.mkForce 8; };
    }).config.dynamicism.applyDynamicConfiguration { dynamicFile = fixture "harmonia-two"; }).dynamicConfig.services.harmonia.settings.workers;
    expected = 20;
  };

  # A disabled service declares nothing.
  disabled-service = {
    actual = builtins.attrNames ((system {
      static = lib.recursiveUpdate static { services.gotosocial.enable = false; };
    }).config.dynamicism.manifest.options);
    expected = [
      "services.distccd.jobTimeout" "services.distccd.logLevel" "services.distccd.maxJobs" "services.distccd.nice"
      "services.harmonia.settings.bind" "services.harmonia.settings.max_connection_rate"
      "services.harmonia.settings.priority" "services.harmonia.settings.workers"
    ];
  };

  activation = {
    actual = {
      dry = base.system.activationScripts.dynamicism.supportsDryActivation;
      hook = lib.hasInfix "--system \"$systemConfig\" || true" base.system.activationScripts.dynamicism.text;
      units = lib.hasInfix "'distccd.service' 'gotosocial.service' 'harmonia.service'" base.system.activationScripts.dynamicism.text;
      tmpfiles = base.systemd.tmpfiles.rules;
    };
    expected = { dry = true; hook = true; units = true; tmpfiles = [ "d /var/lib/dynix 0755 root root - -" ]; };
  };
}
