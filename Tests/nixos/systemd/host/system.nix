# The system inside the test container, as the framework sees a NixOS
# system, in builtins only (the container has Nix but no nixpkgs):
#
#   - options: distccd (maxJobs, logLevel, nice), memcached (maxMemory,
#     maxConnections), and `proxy`, a socket-activated service shaped like
#     today's harmonia (its `bind` is the socket's ListenStream); the
#     manifest types are those nixpkgs' option types derive to (see
#     modules/dynamicism/lib/option-type.nix and Tests/nixos/eval/modules);
#   - units: the texts NixOS would render for them (`systemd.units.<u>.text`):
#     distccd a full generated unit, memcached an overrides.conf over
#     Debian's packaged unit, proxy a socket plus its service;
#   - static: the static configuration (`static.force`: values a static
#     `lib.mkForce` on a parent would impose over any entry, to show the
#     framework's shadowing check).
#
# { modules; dynamicFile ? null; break ? "" } =>
#   { manifestOptions; units; dropIns; applyText; restoreText; checkText;
#     activationText; errors; }
# `break = "distccd"` renders distccd's ExecStart with a program that does
# not exist: a generation that fails at start (203/EXEC), for the test of
# the health check. `shape` renders distccd's unit as NixOS does a service
# with `restartIfChanged = false` ("no-restart": X-RestartIfChanged=false)
# or `reloadIfChanged = true` ("reload": X-ReloadIfChanged=true), which the
# framework refuses (lib/switch-treatment.nix).
{ modules, dynamicFile ? null, break ? "", staticFile ? null, shape ? "" }:

let
  fold = import (modules + "/fold.nix");
  layer = import (modules + "/lib/layer.nix");
  attrpath = import (modules + "/lib/attrpath.nix");
  unitFile = import (modules + "/lib/unit-file.nix");
  switchTreatment = import (modules + "/lib/switch-treatment.nix");
  scripts = import (modules + "/lib/scripts.nix");
  shadow = import (modules + "/lib/shadow.nix");

  systemctl = "/bin/systemctl";

  declared = {
    "services.distccd.maxJobs" = { type = { nullOr = "int"; }; service = "distccd"; };
    "services.distccd.logLevel" = { type = { nullOr = { enum = [ "critical" "error" "warning" "notice" "info" "debug" ]; }; }; service = "distccd"; };
    "services.distccd.nice" = { type = { nullOr = "int"; }; min = -20; max = 19; service = "distccd"; };
    "services.memcached.maxMemory" = { type = "int"; min = 0; service = "memcached"; };
    "services.memcached.maxConnections" = { type = "int"; min = 0; service = "memcached"; };
    "services.proxy.bind" = { type = "str"; service = "proxy"; };
    "services.proxy.upstream" = { type = "str"; service = "proxy"; };
  };

  services = {
    distccd = { units = [ "distccd.service" ]; };
    memcached = { units = [ "memcached.service" ]; };
    proxy = { units = [ "proxy.socket" "proxy.service" ]; lazy = { "proxy.service" = "proxy.socket"; }; };
  };
  allUnits = builtins.concatLists (map (s: services.${s}.units) (builtins.attrNames services));
  groups = map (s: services.${s}.units) (builtins.attrNames services);

  staticSettings =
    if staticFile != null && staticFile != "" && builtins.pathExists staticFile then builtins.fromJSON (builtins.readFile staticFile)
    else {
      services.distccd = { maxJobs = 12; logLevel = "warning"; nice = null; };
      services.memcached = { maxMemory = 64; maxConnections = 1024; };
      services.proxy = { bind = "127.0.0.1:7001"; upstream = "127.0.0.1:11211"; };
      force = { };
    };

  entries = if dynamicFile == null then [ ] else
    let
      l = layer {
        declared = builtins.mapAttrs (_: d: removeAttrs d [ "service" ]) declared;
        folded = fold (if builtins.pathExists dynamicFile then import dynamicFile else [ ]);
      };
    in
    l // { errors = map (k: "${k} is not dynamic") l.undeclared ++ l.mistyped; };

  setPath = set: path: value:
    if path == [ ] then value
    else set // { ${builtins.head path} = setPath (set.${builtins.head path} or { }) (builtins.tail path) value; };

  # The evaluated configuration: static settings, entries over them, and a
  # static force over both (what lib.mkForce on a parent option does).
  configOf = matched:
    let
      withEntries = builtins.foldl' (c: e: setPath c e.path e.value) staticSettings matched;
      forced = staticSettings.force or { };
    in
    builtins.foldl' (c: k: setPath c (attrpath.parse k) forced.${k}) withEntries (builtins.attrNames forced);

  opt = flag: v: if v == null then "" else " ${flag} ${toString v}";

  unitsOf = cfg:
    let d = cfg.services.distccd; m = cfg.services.memcached; p = cfg.services.proxy; in
    {
      "distccd.service" = ''
        [Unit]
        Description=distccd (NixOS-shaped)
        After=network.target

        [Service]
        Environment="PATH=/usr/bin:/bin"
        ${if shape == "no-restart" then "X-RestartIfChanged=false" else if shape == "reload" then "X-ReloadIfChanged=true" else ""}
        ExecStart=${if break == "distccd" then "/nonexistent/bin/distccd" else "/usr/bin/distccd"} --no-detach --daemon --listen 127.0.0.1 --port 3632 --allow 127.0.0.1${opt "--jobs" d.maxJobs}${opt "--log-level" d.logLevel}${opt "--nice" d.nice}
        User=distccd

        [Install]
        WantedBy=multi-user.target
      '';
      # NixOS over a packaged unit: only overrides.conf, ExecStart reset.
      "memcached.service" = ''
        [Service]
        ExecStart=
        ExecStart=/usr/bin/memcached -l 127.0.0.1 -p 11211 -u memcache -m ${toString m.maxMemory} -c ${toString m.maxConnections}
      '';
      "proxy.socket" = ''
        [Unit]
        Description=proxy socket (harmonia-shaped: ListenStream from settings.bind)

        [Socket]
        ListenStream=${p.bind}

        [Install]
        WantedBy=sockets.target
      '';
      "proxy.service" = ''
        [Unit]
        Description=proxy (harmonia-shaped, socket-activated)
        Requires=proxy.socket
        After=proxy.socket

        [Service]
        ExecStart=/lib/systemd/systemd-socket-proxyd ${p.upstream or "127.0.0.1:11211"}
      '';
    };

  staticConfig = configOf [ ];
  staticUnits = unitsOf staticConfig;
  dynamicConfig = configOf (entries.matched or [ ]);
  dynamicUnits = unitsOf dynamicConfig;

  servicesWithEntries = map (e: declared.${e.key}.service) (entries.matched or [ ]);

  diffs = builtins.listToAttrs (map
    (u: { name = u; value = unitFile.dropIn { unit = u; static = staticUnits.${u}; dynamic = dynamicUnits.${u}; }; })
    allUnits);

  dropIns = builtins.mapAttrs
    (u: d: if d.sections == [ ] then null
      else "# Written by dynix (dynamicism). Removed by the next static switch or reboot.\n" + unitFile.render d.sections)
    diffs;

  shadowed = shadow.check {
    entries = entries.matched or [ ];
    valueAt = path: shadow.attrAt path dynamicConfig;
    causeOf = entry:
      if (staticSettings.force or { }) ? ${entry.key}
      then "a static lib.mkForce on an enclosing option replaces it (priority 50 on the parent beats the entry's priority at the leaf)"
      else "something in the configuration overrides it";
  };

  errors = (entries.errors or [ ]) ++ shadowed
    ++ builtins.concatLists (map (u: diffs.${u}.refused) allUnits)
    ++ builtins.filter (r: r != null) (map (u: switchTreatment.refusal u staticUnits.${u}) allUnits);

  lazy = builtins.foldl' (acc: s: acc // (services.${s}.lazy or { })) { } (builtins.attrNames services);
in
{
  inherit dropIns errors staticUnits dynamicUnits;
  manifestOptions = builtins.mapAttrs
    (k: d: removeAttrs d [ "service" ] // { static = shadow.attrAt (attrpath.parse k) staticConfig; })
    declared;
  applyText = scripts.apply { units = dropIns; inherit systemctl groups; };
  restoreText = scripts.restoreStatic { units = allUnits; inherit systemctl groups; };
  checkText = scripts.check { units = allUnits; inherit systemctl lazy; settleSeconds = 1; };
  activationText = scripts.activation { units = allUnits; inherit groups; rebuildHook = "/usr/local/bin/dynix rebuild-hook"; };
  activationNoHookText = scripts.activation { units = allUnits; inherit groups; };
  socketResetText = scripts.socketReset { inherit systemctl; };
  socketResetUnitText = scripts.socketResetUnit { program = "/t/socket-reset"; };
}
