# The distccd settings of the demo host: the live system's static settings
# with the dynamic file's folded entries laid over them, checked the way the
# NixOS option types would check them. Evaluates to "PORT JOBS LOGLEVEL
# JOBTIMEOUT" (only digits, letters and spaces, safe to split in bash).
{ static, file ? "", fold }:

let
  base = builtins.fromJSON (builtins.readFile static);
  effective = if file == "" then { } else import fold (import file);
  dynamic = ((effective.services or { }).distccd or { });
  s = base // dynamic;

  levels = [ "critical" "error" "warning" "notice" "info" "debug" ];
  known = [ "maxJobs" "logLevel" "jobTimeout" "port" ];
  unknown = builtins.attrNames (removeAttrs dynamic known);

  isIntIn = lo: hi: v: builtins.isInt v && v >= lo && v <= hi;
  need = name: ok: what:
    if ok s.${name} then true
    else throw "services.distccd.${name}: ${builtins.toJSON s.${name}} is not ${what}";
in
assert unknown == [ ] || throw
  "services.distccd.${builtins.head unknown} is not a dynamic option of this demo host (known: ${toString known})";
assert need "maxJobs" (isIntIn 1 65536) "an integer from 1 to 65536";
assert need "jobTimeout" (isIntIn 0 2147483647) "a non-negative integer";
assert need "port" (isIntIn 1 65535) "a port number";
assert need "logLevel" (v: builtins.elem v levels) "one of ${toString levels}";
"${toString s.port} ${toString s.maxJobs} ${s.logLevel} ${toString s.jobTimeout}"
