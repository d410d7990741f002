# Helpers shared by the dynix VM tests; the NixOS test driver provides
# `machine`. Concatenated before each test's own script (make-test.nix), and
# linted so by the driver: pyflakes fails the build on an unused import, so
# a module only one script needs is imported by that script.
import base64
import shlex


def sh(*argv: str) -> str:
    """Quote argv for machine.succeed."""
    return " ".join(shlex.quote(a) for a in argv)


def dynix(*args: str) -> str:
    """Run dynix as root; fail the test when it fails."""
    return machine.succeed(sh("dynix", *args) + " 2>&1")


def dynix_fails(*args: str) -> tuple[int, str]:
    """Run dynix expecting failure; return (exit status, output)."""
    status, output = machine.execute(sh("dynix", *args) + " 2>&1")
    assert status != 0, f"dynix {' '.join(args)} succeeded but should have failed:\n{output}"
    return status, output


def prepare_static_configuration() -> None:
    """Make /etc/nixos the static configuration and switch to it once, so the
    live system is what `nixos-rebuild switch` builds in this VM (dynix refuses
    to apply on top of a system it did not evaluate: static drift). The host
    evaluated the same file; its system is already in the store, so the
    rebuild builds nothing (lib/static-configuration.nix)."""
    machine.succeed("mkdir -p /etc/nixos")
    machine.succeed("cp --no-preserve=mode /etc/dynix-test/configuration.nix /etc/nixos/configuration.nix")
    static_switch()


def static_switch() -> None:
    machine.succeed("nixos-rebuild switch 2>&1")


def start_unit(unit: str) -> None:
    """Start a unit that may be socket-activated and wait until it is active.
    harmonia's cache is socket-activated on today's nixpkgs: inactive, with
    no job pending, until a request or this start (systemd hands it the
    socket either way); wait_for_unit alone would raise."""
    machine.succeed(f"systemctl start {shlex.quote(unit)}")
    machine.wait_for_unit(unit)


def main_pid(unit: str) -> int:
    machine.wait_for_unit(unit)
    pid = int(machine.succeed(f"systemctl show -p MainPID --value {unit}").strip())
    assert pid != 0, f"{unit} has no main process"
    return pid


def cmdline(pid: int) -> list[str]:
    raw = machine.succeed(f"cat /proc/{pid}/cmdline | base64 -w0")
    return [a for a in base64.b64decode(raw).decode().split("\0") if a]


def environ(pid: int) -> dict[str, str]:
    raw = machine.succeed(f"cat /proc/{pid}/environ | base64 -w0")
    result: dict[str, str] = {}
    for entry in base64.b64decode(raw).decode().split("\0"):
        name, sep, value = entry.partition("=")
        if sep:
            result[name] = value
    return result


def flag(argv: list[str], name: str) -> str | None:
    """The value after `name` in argv, or None."""
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
    return None


def history_events() -> list[str]:
    """Dynix-Event trailers of the history, oldest first (ARCHITECTURE.md §3)."""
    out = machine.succeed(
        "git --git-dir=/var/lib/dynix/history.git log --reverse "
        "--format='%(trailers:key=Dynix-Event,valueonly,separator=%x2C)'"
    )
    return [line.strip() for line in out.splitlines() if line.strip()]


def generation_tags() -> list[str]:
    out = machine.succeed("git --git-dir=/var/lib/dynix/history.git tag --list 'gen/*'")
    return sorted(out.split(), key=lambda t: int(t.split("/")[1]))


def no_dynix_drop_ins() -> None:
    machine.succeed("! ls /run/systemd/system/*.d/zz-dynix.conf 2>/dev/null")


def assert_equal(actual: object, expected: object, what: str) -> None:
    assert actual == expected, f"{what}: expected {expected!r}, got {actual!r}"
