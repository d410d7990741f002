# distccd settings that may change at run time.
#
# nixpkgs' module turns every setting into a command-line flag of a generated
# start script (serviceConfig.ExecStart); the framework derives the drop-in
# (ExecStart reset, then the dynamic evaluation's script) and the manifest
# types (from the options' own types) by itself.
{ config, lib, ... }:

{
  config.dynamicism.services.distccd = {
    enable = lib.mkDefault config.services.distccd.enable;
    units = [ "distccd.service" ];

    options = {
      # The prototype's test changes these two.
      "services.distccd.maxJobs".description = "--jobs: how many compilations run at once.";
      "services.distccd.logLevel".description = "--log-level: logging only.";
      # Also safe: limits on the work itself.
      "services.distccd.jobTimeout".description = "--job-lifetime: per-job time limit.";
      "services.distccd.nice".description = "--nice: priority of the compilers.";
      # Not dynamic: allowedClients (who may run commands as distcc: a
      # security boundary, keep it in reviewed static config), port and
      # stats.port (the firewall is derived from them and would not follow),
      # zeroconf (needs avahi configured statically).
    };
  };
}
