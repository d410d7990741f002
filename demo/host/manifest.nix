# The manifest the dynix NixOS module would write for this demo host,
# evaluated to JSON. Static values come from the live system's static.json,
# so they follow every static switch. Paths are absolute host paths.
{ root, host, static }:

let
  s = builtins.fromJSON (builtins.readFile static);
  int = value: { type = "int"; static = value; };
in
{
  version = 1;
  options = {
    "services.distccd.maxJobs" = int s.maxJobs;
    "services.distccd.logLevel" = {
      type.enum = [ "critical" "error" "warning" "notice" "info" "debug" ];
      static = s.logLevel;
    };
    "services.distccd.jobTimeout" = int s.jobTimeout;
    "services.distccd.port" = int s.port;
  };
  build = [ "${host}/build" "--root" root "{file}" ];
  restoreStatic = [ "${host}/restore-static" "--root" root ];
  check = [ "${host}/check" "--root" root ];
}
