# The prototype's harmonia story, with dynix: two settings changed one after
# the other at run time, both live, then a static switch puts both back.
# Today's nixpkgs: the options are services.harmonia.cache.*, and the cache
# is socket-activated (started here before it is read).
import tomllib

SETTINGS = "services.harmonia.cache.settings"


def harmonia_settings() -> dict[str, object]:
    """The settings the running harmonia process was started with: the TOML
    file named by CONFIG_FILE in its environment."""
    start_unit("harmonia.service")
    pid = main_pid("harmonia.service")
    path = environ(pid)["CONFIG_FILE"]
    return tomllib.loads(machine.succeed(f"cat {path}"))


def assert_settings(workers: int, rate: int) -> None:
    settings = harmonia_settings()
    assert_equal(settings.get("workers"), workers, "workers")
    assert_equal(settings.get("max_connection_rate"), rate, "max_connection_rate")


machine.wait_for_unit("multi-user.target")
prepare_static_configuration()

with subtest("1. the static configuration is in effect"):
    assert_settings(workers=4, rate=256)
    dynix("init")

with subtest("2-4. append workers = 20, apply, it is live"):
    dynix("append", f"{SETTINGS}.workers", "20", "-m", "more workers")
    assert_settings(workers=4, rate=256)  # appended, not applied yet
    dynix("apply")
    assert_settings(workers=20, rate=256)

with subtest("5-7. append max_connection_rate = 100, apply, both are live"):
    dynix("append", f"{SETTINGS}.max_connection_rate", "100", "-m", "slower")
    dynix("apply")
    assert_settings(workers=20, rate=100)
    assert_equal(generation_tags(), ["gen/1", "gen/2"], "generations")

with subtest("8-9. nixos-rebuild switch restores the static configuration"):
    static_switch()
    assert_settings(workers=4, rate=256)
    no_dynix_drop_ins()
    assert "rebuild" in history_events(), history_events()
