# The static configuration of the harmonia test (the prototype's).
{ ... }:
{
  services.harmonia = {
    enable = true;
    settings = {
      workers = 4;
      max_connection_rate = 256;
    };
  };
}
