# harmonia (Nix binary cache) settings that may change at run time.
#
# nixpkgs' module renders `services.harmonia.settings` to a TOML file and
# hands it to the service as the environment variable CONFIG_FILE, so the
# drop-in only has to point CONFIG_FILE at the dynamic configuration's file
# (a later Environment= assignment of the same variable wins).
{ config, lib, ... }:

let
  unitOf = systemConfig: systemConfig.systemd.services.harmonia;
in
{
  config.dynamicism.services.harmonia = {
    enable = lib.mkDefault config.services.harmonia.enable;
    unit = "harmonia.service";

    options = {
      # The prototype's test changes these two.
      "services.harmonia.settings.workers" = {
        type = "int";
        description = "Worker threads; only the harmonia process reads it.";
      };
      "services.harmonia.settings.max_connection_rate" = {
        type = "int";
        description = "Connection rate limit; only the harmonia process reads it.";
      };
      # Also safe: the priority advertised in nix-cache-info, and the listen
      # address. Nothing else in the system is derived from `bind` (the
      # firewall is configured separately, and stays static).
      "services.harmonia.settings.priority" = {
        type = "int";
        description = "Cache priority advertised to clients in nix-cache-info.";
      };
      "services.harmonia.settings.bind" = {
        type = "str";
        description = "Listen address; the firewall is not derived from it.";
      };
      # Not dynamic: signKeyPath(s) (credentials loaded by systemd, a key
      # change is a security event that belongs in a reviewed rebuild).
    };

    runtimeOverride = systemConfig: {
      Service.Environment = "CONFIG_FILE=${toString (unitOf systemConfig).environment.CONFIG_FILE}";
    };
  };
}
