# The prototype's gotosocial story, with dynix: the application name changed
# at run time, then a static switch puts it back. The settings are read from
# the config file named on the running process's command line.
import json


def gotosocial_settings() -> dict[str, object]:
    pid = main_pid("gotosocial.service")
    path = flag(cmdline(pid), "--config-path")
    assert path is not None, "gotosocial runs without --config-path"
    return json.loads(machine.succeed(f"yq -o=json . {path}"))


def assert_name(name: str) -> None:
    settings = gotosocial_settings()
    assert_equal(settings.get("application-name"), name, "application-name")
    assert_equal(settings.get("host"), "gotosocial-machine.local", "host (static, never dynamic)")


machine.wait_for_unit("multi-user.target")
prepare_static_configuration()

with subtest("1. the static configuration is in effect"):
    assert_name("gotosocial-for-machine")
    dynix("init")

with subtest("2-4. append application-name = yay!, apply, it is live"):
    dynix("append", "services.gotosocial.settings.application-name", "yay!", "-m", "rename")
    dynix("apply")
    assert_name("yay!")

with subtest("host is not dynamic: refused"):
    dynix_fails("append", "services.gotosocial.settings.host", "elsewhere.local")

with subtest("5-6. nixos-rebuild switch restores the static configuration"):
    static_switch()
    assert_name("gotosocial-for-machine")
    no_dynix_drop_ins()
