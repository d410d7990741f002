# The fleet story (issue 17) on two VMs: the host, `machine`, pushes its history through dynix-push.service
# over ssh to `central` (programs.dynix.fleet behind sshd), where `dynix log --central` and `dynix fleet live`
# read it as the host itself does. The central repository is read as the fleet's user, its owner (git refuses a
# repository another user owns). Refs are compared with git, so the assertions do not depend on dynix's output.
import json

CENTRAL = "/var/lib/dynix-fleet"
# The host's name in the fleet: its node name, as central.nix registers it.
HOST = "machine"


def on_central(*args: str) -> str:
    """Run a command on the central node as the fleet's user; its stdout."""
    return central.succeed("runuser -u dynix-fleet -- " + sh(*args))


def central_refs() -> list[str]:
    """The host's branch and generation tags in the central repository, as the host names them."""
    out = on_central("git", "--git-dir", CENTRAL, "for-each-ref", "--format=%(refname) %(objectname)")
    prefix = f"refs/namespaces/{HOST}/"
    return sorted(line.removeprefix(prefix) for line in out.splitlines() if line.startswith(prefix))


def host_refs() -> list[str]:
    out = machine.succeed(
        "git --git-dir=/var/lib/dynix/history.git for-each-ref --format='%(refname) %(objectname)' "
        "refs/heads/main refs/tags/gen/"
    )
    return sorted(out.splitlines())


def push() -> None:
    """Push as the timer and the path unit do: start the service, which waits for the oneshot to finish."""
    machine.succeed("systemctl start dynix-push.service")


def host_json(*args: str) -> dict:
    return json.loads(machine.succeed(sh("dynix", *args)))


def central_json(*args: str) -> dict:
    return json.loads(on_central("dynix", *args))


start_all()
central.wait_for_unit("dynix-fleet-setup.service")
central.wait_for_unit("sshd.service")
machine.wait_for_unit("multi-user.target")

with subtest("the central side: the repository, the host registered, its forced command"):
    signers = on_central("cat", f"{CENTRAL}/fleet/allowed-signers")
    assert signers.startswith(f"{HOST} "), signers
    keys = central.succeed("cat /etc/ssh/authorized_keys.d/dynix-fleet")
    assert f'fleet receive --central {CENTRAL} {HOST}" ssh-ed25519 ' in keys, keys

prepare_static_configuration()
machine.wait_until_succeeds("ping -c 1 -W 1 central", timeout=60)

with subtest("init, append, apply: generation 1; dynix-push.service puts all of it on the central side"):
    dynix("init")
    dynix("append", "services.distccd.maxJobs", "4", "-m", "fewer jobs")
    dynix("apply")
    push()
    refs = host_refs()
    assert any(r.startswith("refs/tags/gen/1 ") for r in refs), refs
    assert_equal(central_refs(), refs, "the host's refs on the central side")
    status = host_json("status", "--json")
    assert_equal(status["central"]["unpushed"], 0, "unpushed commits after the push")
    metrics = machine.succeed("cat /var/lib/dynix-push.prom")
    assert "dynix_central_last_push_success_timestamp_seconds " in metrics, metrics
    assert "dynix_central_unpushed_commits 0" in metrics, metrics

with subtest("the central side reads the host's history as the host does"):
    assert_equal(
        central_json("log", "--central", CENTRAL, "--host", HOST, "--json"),
        host_json("log", "--json"),
        "dynix log --central on the central side against dynix log on the host",
    )
    moment = machine.succeed("date +%s").strip()
    live = central_json("fleet", "live", "--central", CENTRAL, "--at", f"@{moment}", "--json")
    assert_equal([h["host"] for h in live["hosts"]], [HOST], "the hosts of fleet live")
    assert_equal(live["hosts"][0]["live"], status["live"], "fleet live against the host's own status")
    before = central_json("fleet", "live", "--central", CENTRAL, "--at", "@1000000000", "--json")
    assert_equal(before["hosts"][0]["live"], {"state": "absent"}, "fleet live before the host's history")
    assert "verified" in on_central("dynix", "fleet", "verify", "--central", CENTRAL)

with subtest("a new generation reaches the central side by itself (dynix-push.path)"):
    dynix("append", "services.distccd.maxJobs", "6", "-m", "a few more")
    dynix("apply")
    retry(lambda _: central_refs() == host_refs(), timeout_seconds=120)

with subtest("the central side down: apply works, the push fails, the next one catches up"):
    central.succeed("systemctl stop sshd.service")
    dynix("append", "services.distccd.maxJobs", "8", "-m", "while the central side is down")
    dynix("apply")
    status_code, output = machine.execute("systemctl start dynix-push.service 2>&1")
    assert status_code != 0, f"the push succeeded with sshd stopped: {output}"
    assert host_json("status", "--json")["central"]["unpushed"] > 0, "nothing unpushed while the central side is down"
    central.succeed("systemctl start sshd.service")
    push()
    assert_equal(central_refs(), host_refs(), "the host's refs on the central side after the outage")
    assert_equal(host_json("status", "--json")["central"]["unpushed"], 0, "unpushed commits after catching up")

with subtest("the host's key runs nothing but a push on the central side"):
    status_code, output = machine.execute(
        "ssh -F /dev/null -i /etc/dynix-test/fleet-key -o IdentitiesOnly=yes -o BatchMode=yes "
        "-o UserKnownHostsFile=/etc/dynix/central-known-hosts dynix-fleet@central id 2>&1"
    )
    assert status_code != 0 and "uid=" not in output, output

with subtest("the central repository is whole"):
    on_central("git", "--git-dir", CENTRAL, "fsck", "--full", "--strict")
    assert "verified" in on_central("dynix", "fleet", "verify", "--central", CENTRAL)
