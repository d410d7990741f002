# The prototype's distccd story, with dynix: maxJobs, then logLevel, changed
# at run time, then a static switch puts both back. The settings are read
# from the running daemon's command line, as the prototype did.


def distccd_flags() -> list[str]:
    """argv of the oldest distccd process (the daemon; its children are the
    workers). The unit's main process may be a start script's shell. The
    match is on the exact process name: `pgrep -f` on a command line would
    also match the `timeout … bash -c` the driver runs this command in."""
    machine.wait_for_unit("distccd.service")
    pid = int(machine.wait_until_succeeds("pgrep -o -x distccd").strip())
    return cmdline(pid)


def assert_settings(jobs: str, log_level: str) -> None:
    argv = distccd_flags()
    assert_equal(flag(argv, "--jobs"), jobs, "--jobs")
    assert_equal(flag(argv, "--log-level"), log_level, "--log-level")
    assert_equal(flag(argv, "--job-lifetime"), "900", "--job-lifetime (static, never changed)")


machine.wait_for_unit("multi-user.target")
prepare_static_configuration()

with subtest("1. the static configuration is in effect"):
    assert_settings(jobs="12", log_level="warning")
    dynix("init")

with subtest("2-4. append maxJobs = 4, apply, it is live"):
    dynix("append", "services.distccd.maxJobs", "4", "-m", "fewer jobs")
    dynix("apply")
    assert_settings(jobs="4", log_level="warning")

with subtest("5-7. append logLevel = error, apply, both are live"):
    dynix("append", "services.distccd.logLevel", "error", "-m", "quieter")
    dynix("apply")
    assert_settings(jobs="4", log_level="error")

with subtest("a value of the wrong type is refused before it reaches the file"):
    dynix_fails("append", "services.distccd.logLevel", "loud")
    dynix_fails("append", "services.distccd.allowedClients", '["0.0.0.0/0"]')

with subtest("8-9. nixos-rebuild switch restores the static configuration"):
    static_switch()
    assert_settings(jobs="12", log_level="warning")
    no_dynix_drop_ins()
