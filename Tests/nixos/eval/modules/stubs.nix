# Stand-ins for nixpkgs and for the handful of NixOS options the dynamicism
# modules touch, so the modules can be evaluated under nixpkgs' real
# lib.evalModules on a machine without nixpkgs or NixOS.
#
# Store paths are fake but content-addressed (a hash of the content), so two
# evaluations that would build different files get different paths, exactly
# the property the tests compare.
{ lib }:

let
  fakePath = name: content:
    "/nix/store/${builtins.substring 0 32 (builtins.hashString "sha256" content)}-${name}";

  fakeDerivation = name: content: extra: {
    type = "derivation";
    inherit name;
    outPath = fakePath name content;
    drvPath = fakePath "${name}.drv" content;
  } // extra;

  pkgs = {
    runtimeShell = "/nix/store/00000000000000000000000000000000-bash/bin/bash";
    coreutils = fakeDerivation "coreutils" "coreutils" { };
    nix = fakeDerivation "nix" "nix" { };
    jq = fakeDerivation "jq" "jq" { };
    systemd = fakeDerivation "systemd" "systemd" { };

    writeScript = name: text: fakeDerivation name text { inherit text; };
    writeShellScript = name: text: fakeDerivation name text { inherit text; };
    writeText = name: text: fakeDerivation name text { inherit text; };

    runCommand = name: env: command:
      fakeDerivation name (builtins.toJSON (removeAttrs env [ "passthru" ]) + command)
        ({ inherit env command; } // (env.passthru or { }));

    # Like pkgs.formats.*: a type for `settings` and a generator whose file
    # path depends on the value.
    formats = let
      format = ext: _: {
        type = lib.types.attrsOf lib.types.anything;
        generate = name: value: fakeDerivation name "${ext}:${builtins.toJSON value}" { inherit value; };
      };
    in {
      toml = format "toml";
      yaml = format "yaml";
      # As nixpkgs' pkgs/pkgs-lib/formats.nix at
      # 001740f03dbdff478182996703602232e7ca5fc0 writes it: the value's
      # builtins.toJSON passed as a file to `jq .` (so the file is the same
      # JSON value, pretty-printed); the type a JSON value.
      json = { }: {
        type =
          let
            valueType = lib.types.nullOr (lib.types.oneOf [
              lib.types.bool lib.types.int lib.types.float lib.types.str lib.types.path
              (lib.types.attrsOf valueType) (lib.types.listOf valueType)
            ]) // { description = "JSON value"; };
          in
          valueType;
        generate = name: value: pkgs.callPackage
          ({ runCommand, jq }: runCommand name
            {
              nativeBuildInputs = [ jq ];
              value = builtins.toJSON value;
              passAsFile = [ "value" ];
              preferLocalBuild = true;
            }
            ''
              jq . "$valuePath"> $out
            '')
          { };
      };
    };

    # A function is called with the stub packages it asks for (as
    # formats.json does); a file (package.nix) is the stand-in package.
    callPackage = fn: args:
      if builtins.isFunction fn
      then fn (builtins.intersectAttrs (builtins.functionArgs fn) pkgs // args)
      else fakeDerivation "dynix" "dynix" { };
  };

  anyAttrs = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
  strings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  description = lib.mkOption { type = lib.types.str; default = ""; };

  # Unit texts the way NixOS's systemd-lib renders them (serviceToUnit,
  # socketToUnit; nixos/lib/systemd-lib.nix at NixOS/nixpkgs
  # 013635633ffe11f70df1d639f563f21c42c1f778): [Unit] from description and
  # dependencies, then the environment as quoted Environment= lines, then
  # X-ReloadIfChanged=true (reloadIfChanged) or else X-RestartIfChanged=false
  # (restartIfChanged = false), then the settings in name order, a list one
  # line per element, booleans true/false.
  unitValue = v: if builtins.isBool v then lib.boolToString v else toString v;
  section = attrs: lib.concatStrings (lib.mapAttrsToList
    (k: v: lib.concatMapStrings (x: "${k}=${unitValue x}\n") (lib.toList v))
    (lib.filterAttrs (_: v: v != null) attrs));
  unitSection = s: "[Unit]\n" + section ({ Description = s.description; }
    // lib.optionalAttrs (s.after != [ ]) { After = toString s.after; }
    // lib.optionalAttrs (s.requires != [ ]) { Requires = toString s.requires; });
  serviceText = s: unitSection s + "\n[Service]\n"
    + lib.concatMapStrings (n: "Environment=${builtins.toJSON "${n}=${toString s.environment.${n}}"}\n") (builtins.attrNames s.environment)
    + (if s.reloadIfChanged then "X-ReloadIfChanged=true\n" else if !s.restartIfChanged then "X-RestartIfChanged=false\n" else "")
    + section s.serviceConfig;
  socketText = s: unitSection s + "\n[Socket]\n"
    + lib.concatMapStrings (l: "ListenStream=${l}\n") s.listenStreams
    + section s.socketConfig;
in
{
  inherit pkgs;

  # The NixOS options the modules define or read, loosely typed.
  module = {
    options = {
      assertions = lib.mkOption { type = lib.types.listOf lib.types.anything; default = [ ]; };
      warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
      # As NixOS: a file's `source` (a path), or its `text`, which becomes
      # the source.
      environment.etc = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule ({ name, config, ... }: {
          options.text = lib.mkOption { type = lib.types.nullOr lib.types.lines; default = null; };
          options.source = lib.mkOption { type = lib.types.path; };
          config.source = lib.mkIf (config.text != null) (lib.mkDefault (pkgs.writeText "etc-${baseNameOf name}" config.text));
        }));
        default = { };
      };
      environment.systemPackages = lib.mkOption { type = lib.types.listOf lib.types.anything; default = [ ]; };
      nix.package = lib.mkOption { type = lib.types.anything; default = pkgs.nix; };
      systemd.package = lib.mkOption { type = lib.types.anything; default = pkgs.systemd; };
      systemd.tmpfiles.rules = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
      # Defined by modules/central.nix and modules/fleet.nix: under a false
      # mkIf too, a definition of an option nobody declares fails the
      # evaluation. Tests/nixos/eval/fleet.sh reads what they hold.
      systemd.paths = anyAttrs;
      systemd.timers = anyAttrs;
      users.users = anyAttrs;
      users.groups = anyAttrs;
      systemd.services = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule {
          options = {
            environment = anyAttrs;
            serviceConfig = anyAttrs;
            restartIfChanged = lib.mkOption { type = lib.types.bool; default = true; };
            reloadIfChanged = lib.mkOption { type = lib.types.bool; default = false; };
            inherit description;
            after = strings; requires = strings; wantedBy = strings;
          };
        });
        default = { };
      };
      systemd.sockets = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule {
          options = {
            socketConfig = anyAttrs;
            listenStreams = strings;
            inherit description;
            after = strings; requires = strings; wantedBy = strings;
          };
        });
        default = { };
      };
      # What NixOS writes to /etc/systemd/system: the rendered unit texts.
      systemd.units = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule { options.text = lib.mkOption { type = lib.types.nullOr lib.types.str; default = null; }; });
        default = { };
      };
      system.activationScripts = lib.mkOption {
        type = lib.types.attrsOf (lib.types.submodule {
          options = {
            text = lib.mkOption { type = lib.types.lines; default = ""; };
            deps = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
            supportsDryActivation = lib.mkOption { type = lib.types.bool; default = false; };
          };
        });
        default = { };
      };
      # The static system: a fake path that depends on every unit, as the
      # real toplevel does.
      system.build.toplevel = lib.mkOption { type = lib.types.anything; };
    };
  };

  toplevel = { config, ... }: {
    systemd.units =
      lib.mapAttrs' (n: s: lib.nameValuePair "${n}.service" { text = serviceText s; }) config.systemd.services
      // lib.mapAttrs' (n: s: lib.nameValuePair "${n}.socket" { text = socketText s; }) config.systemd.sockets;
    system.build.toplevel = fakeDerivation "nixos-system"
      (builtins.toJSON (lib.mapAttrs (_: u: u.text) config.systemd.units))
      { };
  };
}
