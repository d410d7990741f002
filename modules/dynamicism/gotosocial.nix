# GoToSocial settings that may change at run time.
#
# nixpkgs' module renders `services.gotosocial.settings` to a YAML file whose
# store path is an argument of ExecStart (`--config-path …`); the framework
# derives the drop-in (ExecStart reset, then the dynamic command line). The
# settings are freeform, so their manifest types are given here.
{ config, lib, ... }:

{
  config.dynamicism.services.gotosocial = {
    enable = lib.mkDefault config.services.gotosocial.enable;
    units = [ "gotosocial.service" ];

    options = {
      # The prototype's test changes this one.
      "services.gotosocial.settings.application-name" = {
        type = "str";
        description = "The instance's display name.";
      };
      # Also safe: logging, and whether sign-ups are open (a policy toggle an
      # admin may need at short notice, e.g. during a spam wave).
      "services.gotosocial.settings.log-level" = {
        type = { enum = [ "trace" "debug" "info" "warn" "error" "fatal" ]; };
        description = "Logging only.";
      };
      "services.gotosocial.settings.accounts-registration-open" = {
        type = "bool";
        description = "Whether new accounts may sign up.";
      };
      # Not dynamic: host (GoToSocial cannot change it after the first
      # start), bind-address and port (the firewall and the service's
      # capabilities are derived from them), db-* and storage-* (state).
      # The gotosocial-admin wrapper keeps the static config file: it is in
      # the system path, which a dynamic apply does not touch.
    };
  };
}
