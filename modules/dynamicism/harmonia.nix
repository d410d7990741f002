# harmonia (Nix binary cache) settings that may change at run time.
#
# Today's nixpkgs (since NixOS/nixpkgs PR 515949, 2026-05) configures the
# cache under services.harmonia.cache.*; the flat enable/settings/
# signKeyPath(s) are mkRenamedOptionModule aliases, and reading one traces
# "Obsolete option … is used" in every evaluation. So this module decides the
# shape from the declared options and reads only the real one; on an older
# nixpkgs (flat shape, no socket) it uses the flat names.
#
# The settings become a TOML file in the service's CONFIG_FILE; with socket
# activation, `settings.bind` is also the socket's ListenStream. The
# framework derives both drop-ins (harmonia.service's Environment,
# harmonia.socket's ListenStream) and restarts socket and service together.
{ config, options, lib, ... }:

let
  hasHarmonia = options ? services.harmonia;
  current = lib.hasAttrByPath [ "services" "harmonia" "cache" "enable" ] options;
  prefix = if current then "services.harmonia.cache" else "services.harmonia";
  enabled =
    if !hasHarmonia then false
    else if current then config.services.harmonia.cache.enable
    else config.services.harmonia.enable;
  freeform = type: description: { inherit type description; };
in
{
  config.dynamicism.services.harmonia = {
    enable = lib.mkDefault enabled;
    units = [ "harmonia.socket" "harmonia.service" ];

    # Keys of the freeform `settings` (no module declares them): typed here.
    options = {
      # The prototype's test changes these two.
      "${prefix}.settings.workers" = freeform "int" "Worker threads; only the harmonia process reads it.";
      "${prefix}.settings.max_connection_rate" = freeform "int" "Connection rate limit; only the harmonia process reads it.";
      # Also safe: the priority advertised in nix-cache-info, and the listen
      # address: the socket's ListenStream is derived from it and follows
      # (both units restart). The firewall is configured separately and
      # stays static.
      "${prefix}.settings.priority" = freeform "int" "Cache priority advertised to clients in nix-cache-info.";
      "${prefix}.settings.bind" = freeform "str" "Listen address (the socket's ListenStream follows); the firewall is not derived from it.";
      # Not dynamic: signKeyPaths (credentials loaded by systemd, a key
      # change is a security event that belongs in a reviewed rebuild).
    };
  };
}
