# The static configuration of the harmonia test (the prototype's), in
# today's nixpkgs shape: services.harmonia.cache.* (the cache is
# socket-activated).
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
