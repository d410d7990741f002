# The static configuration of the history test: harmonia, the lightest of
# the three services (services.harmonia.cache.*, socket-activated).
{ ... }:
{
  services.harmonia.cache = {
    enable = true;
    settings = {
      workers = 4;
      max_connection_rate = 256;
    };
  };
}
