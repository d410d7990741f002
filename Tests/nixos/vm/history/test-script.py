# The history story: appends with messages, apply, log, diff, a static switch
# recorded as a reset, rollback, a failed apply put back, and a reboot
# recorded as `boot`. Service state is read from the running harmonia process;
# the history is read with git (the trailers of ARCHITECTURE.md §3), so the assertions
# do not depend on dynix's human output format. Today's nixpkgs: the options
# are services.harmonia.cache.*, and the cache is socket-activated.
import tomllib

SETTINGS = "services.harmonia.cache.settings"


def workers() -> int:
    """workers of the running harmonia (started first: socket-activated)."""
    start_unit("harmonia.service")
    pid = main_pid("harmonia.service")
    value = tomllib.loads(machine.succeed(f"cat {environ(pid)['CONFIG_FILE']}"))["workers"]
    assert isinstance(value, int), f"workers is not an integer: {value!r}"
    return value


machine.wait_for_unit("multi-user.target")
prepare_static_configuration()
assert_equal(workers(), 4, "static workers")

with subtest("init, append with messages, apply: generation 1"):
    dynix("init")
    dynix("append", f"{SETTINGS}.workers", "20", "-m", "more workers for the release build")
    dynix("append", f"{SETTINGS}.max_connection_rate", "100", "-m", "be gentle")
    dynix("apply")
    assert_equal(workers(), 20, "workers at gen 1")
    assert_equal(generation_tags(), ["gen/1"], "generations")
    # Not `log`: the driver's own `log` (its logger) is a global of the script.
    log_text = dynix("log")
    assert "more workers for the release build" in log_text, log_text
    assert "be gentle" in log_text, log_text

with subtest("a second generation, and diff between them"):
    dynix("append", f"{SETTINGS}.workers", "8", "-m", "fewer")
    dynix("apply")
    assert_equal(workers(), 8, "workers at gen 2")
    diff = dynix("diff", "1", "2")
    assert f"{SETTINGS}.workers" in diff, diff
    assert "20" in diff and "8" in diff, diff
    assert "max_connection_rate" not in diff, f"unchanged option in the diff:\n{diff}"
    dynix("status")

with subtest("nixos-rebuild switch is recorded as a reset"):
    static_switch()
    assert_equal(workers(), 4, "workers after the static switch")
    no_dynix_drop_ins()
    assert_equal(history_events()[-1], "rebuild", "last event")
    machine.succeed("git --git-dir=/var/lib/dynix/history.git fsck --full")

with subtest("rollback 1: generation 1's values come back as a new generation"):
    dynix("rollback", "1")
    assert_equal(workers(), 20, "workers after rollback to gen 1")
    assert_equal(generation_tags(), ["gen/1", "gen/2", "gen/3"], "generations")
    events = history_events()
    assert events[-2:] == ["rollback", "apply"], events

with subtest("a failed apply is put back, and recorded"):
    # A value harmonia refuses at start (it rejects workers = 0): the restart
    # fails, the health check fails, dynix re-activates generation 3. (Not
    # `bind`: with socket activation the socket unit owns the address, so a
    # bad bind no longer stops the service.)
    dynix("append", f"{SETTINGS}.workers", "0", "-m", "broken on purpose")
    status, output = dynix_fails("apply")
    assert_equal(status, 4, f"exit status of the failed apply (output: {output})")
    assert_equal(workers(), 20, "workers after the failed apply")
    assert_equal(history_events()[-1], "apply-failed", "last event")
    assert_equal(generation_tags()[-1], "gen/3", "no new generation")

with subtest("a reboot is a reset, recorded as boot"):
    machine.shutdown()
    machine.start()
    machine.wait_for_unit("multi-user.target")
    assert_equal(workers(), 4, "workers after reboot")
    no_dynix_drop_ins()
    # The rebuild hook runs in stage 2 activation; the repository is there.
    assert "boot" in history_events(), history_events()
    machine.succeed("git --git-dir=/var/lib/dynix/history.git fsck --full")
