# The static configuration of the distccd test (the prototype's).
{ ... }:
{
  services.distccd = {
    enable = true;
    jobTimeout = 900;
    maxJobs = 12;
    logLevel = "warning";
  };
}
