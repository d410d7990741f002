# distccd settings that may change at run time.
#
# nixpkgs' module turns every setting into a command-line flag of a generated
# start script (serviceConfig.ExecStart), so the drop-in replaces ExecStart
# with the dynamic configuration's script.
{ config, lib, ... }:

let
  execStart = import ./lib/exec-start.nix;
in
{
  config.dynamicism.services.distccd = {
    enable = lib.mkDefault config.services.distccd.enable;
    unit = "distccd.service";

    options = {
      # The prototype's test changes these two.
      "services.distccd.maxJobs" = {
        type = { nullOr = "int"; };
        description = "--jobs: how many compilations run at once.";
      };
      "services.distccd.logLevel" = {
        type = { nullOr = { enum = [ "critical" "error" "warning" "notice" "info" "debug" ]; }; };
        description = "--log-level: logging only.";
      };
      # Also safe: limits on the work itself.
      "services.distccd.jobTimeout" = {
        type = { nullOr = "int"; };
        description = "--job-lifetime: per-job time limit.";
      };
      "services.distccd.nice" = {
        type = { nullOr = "int"; };
        description = "--nice: priority of the compilers.";
      };
      # Not dynamic: allowedClients (who may run commands as distcc: a
      # security boundary, keep it in reviewed static config), port and
      # stats.port (the firewall is derived from them and would not follow),
      # zeroconf (needs avahi configured statically).
    };

    runtimeOverride = systemConfig: {
      Service.ExecStart = execStart systemConfig.systemd.services.distccd.serviceConfig.ExecStart;
    };
  };
}
