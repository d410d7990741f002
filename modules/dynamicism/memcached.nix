# memcached settings that may change at run time.
#
# nixpkgs' module puts every setting on ExecStart (`-m MAXMEMORY -c
# MAXCONNECTIONS …`); the framework derives the drop-in and the manifest
# types (ints.unsigned: integers >= 0) by itself. A restart empties the
# cache, as any restart of memcached does; clients reconnect.
{ config, lib, options, ... }:

{
  config.dynamicism.services.memcached = lib.mkIf (options ? services.memcached.enable) {
    enable = lib.mkDefault config.services.memcached.enable;
    units = [ "memcached.service" ];

    options = {
      "services.memcached.maxMemory".description = "-m: memory for items, in megabytes; only memcached reads it.";
      "services.memcached.maxConnections".description = "-c: simultaneous connections; only memcached reads it.";
      # Not dynamic: listen and port (clients and firewall rules are
      # configured with them), enableUnixSocket (the socket's path and
      # permissions are static), user, extraOptions (arbitrary flags belong
      # in a reviewed rebuild).
    };
  };
}
