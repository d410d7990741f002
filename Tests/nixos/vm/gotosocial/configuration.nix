# The static configuration of the gotosocial test (the prototype's).
{ ... }:
{
  services.gotosocial = {
    enable = true;
    setupPostgresqlDB = true;
    settings = {
      application-name = "gotosocial-for-machine";
      host = "gotosocial-machine.local";
    };
  };
}
