#!/usr/bin/env python3
"""Tests/fleet/run.py: the fleet, end to end, on a real OpenSSH server, the git CLI and the real dynix binary.

  Tests/fleet/run.py [--dynix PATH] [--keep] [--deadline SECONDS] [-v]

Three simulated hosts (dynix roots whose manifest's build prints an activation program, a static generation under
nix/var/nix/profiles, a boot id under proc/) push over an sshd started here (127.0.0.1, a free port, its own host
key and authorized_keys, never the system's service) to one central repository made by `dynix fleet init`. The
story: appends, applies, failed applies, a boot, a static switch; pushes; an outage with applies and a boot, then
one push catching up; a listener that never answers; three hosts pushing at once; every refusal of the issue tried
through the real ssh path and seen to change no central ref; `fleet live` at the moments between rounds against
what each host's `status` said then; `fleet verify` before and after forged refs; the reading commands before and
after `git pack-refs --all`; `fleet import` of signed bundles; the timeline page in headless Chromium.
Prints one line per check and `fleet: N passed, M failed`; exits 1 if any failed.
"""

import argparse
import contextlib
import ctypes
import datetime
import html.parser
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HOSTS = ("h1", "h2", "h3")
# Registered but without a root: the host that tries to claim h1's past.
INTRUDER = "h4"
CHROMIUM = "/usr/lib/chromium/chromium"
ZERO = "0" * 40
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


class Abort(Exception):
    """Something the rest of the story needs failed; the checks after it would only repeat that."""


class Deadline(Exception):
    """The global deadline passed."""


class Interrupted(Exception):
    """A signal asked the run to stop."""


class Result:
    def __init__(self, argv, rc, out, err, seconds, timed_out):
        self.argv, self.rc, self.out, self.err, self.seconds, self.timed_out = argv, rc, out, err, seconds, timed_out

    def text(self):
        shown = " ".join(shlex.quote(a) for a in self.argv)
        state = "timed out" if self.timed_out else f"exit {self.rc}"
        return f"{shown}: {state} after {self.seconds:.1f} s\n{self.out[-1500:]}{self.err[-1500:]}"


def epoch_of(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp())


def write_file(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def read_text(path):
    with open(path) as f:
        return f.read()


def diff_refs(before, after):
    lines = []
    for ref in sorted(set(before) | set(after)):
        if before.get(ref) != after.get(ref):
            lines.append(f"{ref}: {before.get(ref, '-')} -> {after.get(ref, '-')}")
    return "\n".join(lines)


class Tags(html.parser.HTMLParser):
    """Every start tag with its attributes, as a browser's DOM dump or the page itself has them."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag.lower(), dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def page_marks(text):
    """(rects by host: [(state, from, to)], receipt marks by host: count) of a timeline page."""
    parser = Tags()
    parser.feed(text)
    rects, receipts = {}, {}
    for tag, attrs in parser.tags:
        host = attrs.get("data-host")
        if host is None:
            continue
        if tag == "rect" and "data-state" in attrs:
            rects.setdefault(host, []).append((attrs["data-state"], attrs.get("data-from"), attrs.get("data-to")))
        if "receipt" in (attrs.get("class") or "").split():
            receipts[host] = receipts.get(host, 0) + 1
    return rects, receipts


class SilentListener:
    """A TCP socket that accepts connections and never says a word: a central side that hangs."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.held = []
        self.accepted = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            self.held.append(conn)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.sock.close()


class Host:
    """A simulated host: a dynix root with its own ssh key."""

    def __init__(self, fleet, name):
        self.fleet = fleet
        self.name = name
        self.root = f"{fleet.base}/hosts/{name}"
        self.git_dir = f"{self.root}/var/lib/dynix/history.git"
        self.key = f"{fleet.base}/keys/{name}"
        self.metrics = f"{self.root}/var/lib/node-exporter/dynix.prom"
        self.boots = 0
        self.systems = 1

    def set_up(self):
        root, tools = self.root, f"{self.fleet.base}/tools/{self.name}"
        for d in ("systems/1", "nix/var/nix/profiles", "run", "etc/dynix", "var/lib/node-exporter"):
            os.makedirs(f"{root}/{d}", exist_ok=True)
        os.symlink(f"{root}/systems/1", f"{root}/nix/var/nix/profiles/system-1-link")
        os.symlink("system-1-link", f"{root}/nix/var/nix/profiles/system")
        os.symlink(f"{root}/systems/1", f"{root}/run/current-system")
        write_file(f"{root}/proc/sys/kernel/random/boot_id", "boot-0\n")
        # services.t.bad's last entry decides the outcome: 13 fails the build, 666 the activation; the file
        # `fail-all` in the root fails every activation and the restore too (the unknown state).
        write_file(
            f"{tools}/build",
            f"""#!/bin/sh
bad=$(grep -o 'services\\.t\\.bad = [0-9-]*;' "$1" | tail -n 1 | tr -dc 0-9)
if [ "$bad" = 13 ]; then echo "build: services.t.bad = 13 does not build" >&2; exit 1; fi
hash=$(sha256sum "$1" | cut -c1-16)
program={tools}/store/$hash-activate
mkdir -p {tools}/store
{{
  echo '#!/bin/sh'
  echo 'test -e {root}/fail-all && exit 1'
  if [ "$bad" = 666 ]; then echo 'echo "activation: services.t.bad = 666 fails" >&2; exit 1'; fi
  echo 'exit 0'
}} > "$program.tmp"
chmod +x "$program.tmp"
mv "$program.tmp" "$program"
echo "$program"
""",
            0o755,
        )
        write_file(f"{tools}/restore-static", f"#!/bin/sh\ntest -e {root}/fail-all && exit 1\nexit 0\n", 0o755)
        options = {
            "services.t.o0": {"type": "int", "static": 0},
            "services.t.o1": {"type": "int", "static": 0},
            "services.t.bad": {"type": "int", "static": 0},
        }
        manifest = {
            "version": 1,
            "options": options,
            "build": [f"{tools}/build", "{file}"],
            "restoreStatic": [f"{tools}/restore-static"],
        }
        write_file(f"{root}/etc/dynix/manifest.json", json.dumps(manifest, indent=1) + "\n")

    def write_central_json(self, url, known_hosts):
        central = {
            "version": 1,
            "url": url,
            "identityFile": self.key,
            "knownHostsFile": known_hosts,
            "connectTimeout": 5,
            "metricsFile": self.metrics,
        }
        write_file(f"{self.root}/etc/dynix/central.json", json.dumps(central, indent=1) + "\n")

    def dynix(self, *args, timeout=30):
        return self.fleet.run([self.fleet.dynix, *args], env={"DYNIX_ROOT": self.root}, timeout=timeout)

    def git(self, *args):
        return self.fleet.run(["git", "--git-dir", self.git_dir, *args], timeout=30)

    def status(self):
        r = self.dynix("status", "--json")
        try:
            return json.loads(r.out)
        except ValueError:
            raise Abort(f"{self.name}: dynix status --json printed no JSON: {r.text()}") from None

    def main(self):
        return self.git("rev-parse", "refs/heads/main").out.strip()

    def tags(self):
        """{refs/tags/gen/N: tag object} of the host's history."""
        out = self.git("for-each-ref", "--format=%(objectname) %(refname)", "refs/tags/gen/").out
        return {ref: sha for sha, ref in (line.split() for line in out.splitlines())}

    def boot(self):
        """A new boot id, then the hook as activation runs it at boot."""
        self.boots += 1
        write_file(f"{self.root}/proc/sys/kernel/random/boot_id", f"boot-{self.boots}\n")
        return self.dynix("rebuild-hook", "--system", f"{self.root}/systems/{self.systems}")

    def switch(self):
        """A static switch to a new system: a new profile generation, then the hook."""
        self.systems += 1
        n, root = self.systems, self.root
        os.makedirs(f"{root}/systems/{n}")
        os.symlink(f"{root}/systems/{n}", f"{root}/nix/var/nix/profiles/system-{n}-link")
        for link, target in (
            (f"{root}/nix/var/nix/profiles/system", f"system-{n}-link"),
            (f"{root}/run/current-system", f"{root}/systems/{n}"),
        ):
            os.symlink(target, link + ".new")
            os.replace(link + ".new", link)
        return self.dynix("rebuild-hook", "--system", f"{root}/systems/{n}")


class Fleet:
    def __init__(self, args):
        self.args = args
        self.dynix = os.path.abspath(args.dynix)
        self.deadline = time.monotonic() + args.deadline
        self.base = os.path.realpath(tempfile.mkdtemp(prefix="dynix-fleet-"))
        self.central = f"{self.base}/central"
        self.user = "root" if os.geteuid() == 0 else self.login_name()
        self.port = None
        self.url = None
        self.sshd = None
        self.sshd_config = f"{self.base}/sshd/sshd_config"
        self.known_hosts = f"{self.base}/known_hosts"
        self.listener = None
        self.passed = 0
        self.failed = 0
        self.hosts = {name: Host(self, name) for name in HOSTS}
        # Accepted pushes and imports per host: the receipts there must be.
        self.receipts = dict.fromkeys((*HOSTS, INTRUDER), 0)
        # (label, @EPOCH, {host: what its own `status --json` said was live then}).
        self.moments = []
        self.apply_seconds = []
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
            "HOME": f"{self.base}/home",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "PAGER": "cat",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "fleet test",
            "GIT_AUTHOR_EMAIL": "fleet@test",
            "GIT_COMMITTER_NAME": "fleet test",
            "GIT_COMMITTER_EMAIL": "fleet@test",
        }
        if "TZ" in os.environ:
            self.env["TZ"] = os.environ["TZ"]

    @staticmethod
    def login_name():
        return pwd.getpwuid(os.geteuid()).pw_name

    # ---- running things, bounded ------------------------------------------------------------------------------

    def remaining(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Deadline(f"the deadline of {self.args.deadline} s passed")
        return left

    def run(self, argv, env=None, timeout=30, stdin=None):
        """argv to its end, in a session of its own (killed whole on timeout), with at most `timeout` seconds."""
        limit = min(timeout, self.remaining())
        full_env = dict(self.env, **(env or {}))
        started = time.monotonic()
        process = subprocess.Popen(
            argv,
            env=full_env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        timed_out = False
        try:
            out, err = process.communicate(stdin, timeout=limit)
        except subprocess.TimeoutExpired:
            timed_out = True
            self.kill_group(process.pid)
            out, err = process.communicate()
        seconds = time.monotonic() - started
        result = Result(
            argv, process.returncode, out.decode(errors="replace"), err.decode(errors="replace"), seconds, timed_out
        )
        if self.args.verbose:
            print(f"    $ {' '.join(shlex.quote(a) for a in argv)} -> {result.rc} ({seconds:.2f} s)")
        return result

    def start(self, argv, env=None):
        return subprocess.Popen(
            argv,
            env=dict(self.env, **(env or {})),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

    @staticmethod
    def kill_group(pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)

    def git_central(self, *args, timeout=30):
        return self.run(["git", "--git-dir", self.central, *args], timeout=timeout)

    def fleet_cmd(self, *args, timeout=30):
        return self.run([self.dynix, "fleet", *args], timeout=timeout)

    # ---- reporting ------------------------------------------------------------------------------------------------

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"fleet: ok   {name}", flush=True)
        else:
            self.failed += 1
            text = f"fleet: FAIL {name}"
            if detail:
                text += "\n" + "\n".join("      " + line for line in str(detail).rstrip().splitlines()[-40:])
            print(text, flush=True)
        return ok

    def must(self, name, ok, detail=""):
        if not self.check(name, ok, detail):
            raise Abort(name)

    def need(self, name, ok, detail=""):
        """A step of the test's own set-up: silent when it works, a failed check and the end when not."""
        if not ok:
            self.must(name, ok, detail)

    # ---- the central side and sshd -----------------------------------------------------------------------------

    def central_refs(self):
        out = self.git_central("for-each-ref", "--format=%(objectname) %(refname)").out
        return {ref: sha for sha, ref in (line.split() for line in out.splitlines())}

    def central_main(self, host):
        return self.central_refs().get(f"refs/namespaces/{host}/refs/heads/main")

    def central_tags(self, host):
        prefix = f"refs/namespaces/{host}/refs/tags/gen/"
        return {"refs/tags/gen/" + r[len(prefix) :]: s for r, s in self.central_refs().items() if r.startswith(prefix)}

    def receipt_count(self, host):
        r = self.git_central("rev-list", "--count", f"refs/receipts/{host}")
        return int(r.out.strip()) if r.rc == 0 else 0

    def free_port(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def keygen(self, path, comment):
        r = self.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
        self.need(f"ssh-keygen {os.path.basename(path)}", r.rc == 0, r.text())
        return read_text(path + ".pub").strip()

    def write_sshd_config(self):
        lines = [
            "ListenAddress 127.0.0.1",
            f"Port {self.port}",
            f"HostKey {self.base}/sshd/host_key",
            "PidFile none",
            "StrictModes no",
            f"AuthorizedKeysFile {self.base}/sshd/authorized_keys",
            "UsePAM no",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            f"AllowUsers {self.user}",
            # The client may send GIT_NAMESPACE: the forced command must not take it.
            "AcceptEnv GIT_NAMESPACE GIT_* LANG LC_*",
            "LogLevel VERBOSE",
        ]
        if self.user == "root":
            lines.append("PermitRootLogin prohibit-password")
        write_file(self.sshd_config, "\n".join(lines) + "\n")

    def start_sshd(self):
        if os.geteuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        test = self.run(["/usr/sbin/sshd", "-t", "-f", self.sshd_config])
        self.need("sshd -t accepts the test's configuration", test.rc == 0, test.text())
        log = open(f"{self.base}/sshd/log", "ab")  # noqa: SIM115 (closed in stop_sshd)
        self.sshd = subprocess.Popen(
            ["/usr/sbin/sshd", "-D", "-e", "-f", self.sshd_config],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509 (no thread runs then: the silent listener is joined first)
        )
        self.sshd_log = log
        end = time.monotonic() + 10
        while time.monotonic() < end:
            if self.sshd.poll() is not None:
                break
            with socket.socket() as s:
                s.settimeout(0.5)
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.must("sshd listens", False, read_text(f"{self.base}/sshd/log")[-2000:])

    def stop_sshd(self):
        if self.sshd is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.sshd.pid, signal.SIGTERM)
        try:
            self.sshd.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.sshd.pid, signal.SIGKILL)
            self.sshd.wait(5)
        self.sshd_log.close()
        self.sshd = None

    def set_up(self):
        for d in ("home", "keys", "sshd", "hosts", "attack"):
            os.makedirs(f"{self.base}/{d}")
        self.port = self.free_port()
        self.url = f"ssh://{self.user}@127.0.0.1:{self.port}/fleet"
        host_key = self.keygen(f"{self.base}/sshd/host_key", "fleet-test-sshd")
        write_file(self.known_hosts, f"[127.0.0.1]:{self.port} {host_key}\n")
        self.pubkeys = {}
        for name in (*HOSTS, INTRUDER, "stranger"):
            self.pubkeys[name] = self.keygen(f"{self.base}/keys/{name}", f"{name}@fleet-test")
        self.write_sshd_config()

    # ---- the story -------------------------------------------------------------------------------------------

    def story(self):
        self.set_up()
        self.before_history = int(time.time())
        self.next_second()
        self.central_init()
        self.register_hosts()
        self.start_sshd()
        self.check("sshd started on 127.0.0.1", self.sshd.poll() is None)
        self.hosts_init()
        self.rounds_before_the_first_push()
        self.first_pushes()
        self.refusals()
        self.outage()
        self.silent_listener()
        self.concurrent_pushes()
        self.bundles()
        self.forgeries()
        self.reading_side()
        self.clock_skew()
        self.end_checks()

    def next_second(self):
        """Sleeps until the second after the last moment: the history tells moments apart to the second."""
        now = time.time()
        time.sleep(int(now) + 1.05 - now)

    def moment(self, label):
        """What each host says is live now, at this second; then the next round starts a second later."""
        at = int(time.time())
        lives = {name: host.status().get("live") for name, host in self.hosts.items()}
        if int(time.time()) != at:
            # The second ticked while reading: read again inside one second.
            return self.moment(label)
        self.moments.append((label, at, lives))
        self.next_second()

    def central_init(self):
        r = self.fleet_cmd("init", "--central", self.central)
        self.must("fleet init creates the central repository", r.rc == 0 and os.path.isdir(self.central), r.text())
        bare = self.git_central("rev-parse", "--is-bare-repository")
        self.check("the central repository is bare", bare.out.strip() == "true", bare.text())
        self.check("the central repository starts with no ref", self.central_refs() == {}, self.central_refs())
        config = self.git_central("config", "--list", "--local").out
        values = dict(line.split("=", 1) for line in config.splitlines() if "=" in line)
        want = {
            "receive.fsckobjects": "true",
            "receive.denydeletes": "true",
            "receive.denynonfastforwards": "true",
            "receive.certnonceslop": "30",
            "gpg.ssh.allowedsignersfile": f"{self.central}/fleet/allowed-signers",
            "core.logallrefupdates": "always",
            "gc.reflogexpire": "never",
            "gc.reflogexpireunreachable": "never",
            "gc.auto": "0",
        }
        wrong = {k: (values.get(k), v) for k, v in want.items() if values.get(k) != v}
        self.check("fleet init writes the policy into the central config", not wrong, f"(found, wanted): {wrong}")
        self.check("fleet init sets a push-certificate nonce seed", bool(values.get("receive.certnonceseed")), config)
        self.check("fleet init hides every ref (receive.hideRefs=^refs)", values.get("receive.hiderefs") == "^refs")
        for hook in ("pre-receive", "update", "post-receive"):
            path = f"{self.central}/hooks/{hook}"
            text = read_text(path) if os.path.exists(path) else ""
            self.check(
                f"hook {hook} execs `dynix fleet hook {hook}`",
                os.access(path, os.X_OK) and f"fleet hook {hook}" in text and self.names_this_dynix(text),
                text or "missing",
            )
        again = self.fleet_cmd("init", "--central", self.central)
        self.check(
            "fleet init again says reinitialized, exit 0",
            again.rc == 0 and "reinitialized" in again.out + again.err,
            again.text(),
        )

    def names_this_dynix(self, text):
        """Whether text names this dynix binary by an absolute path (any path that resolves to it)."""
        paths = re.findall(r"(/[^\s'\"]+)", text)
        return any(os.path.realpath(p) == os.path.realpath(self.dynix) for p in paths)

    def register_hosts(self):
        signers = f"{self.central}/fleet/allowed-signers"
        lines = []
        for name in (*HOSTS, INTRUDER):
            # h2 gives its key as text, the others as a file: add-host takes both.
            key = self.pubkeys[name] if name == "h2" else f"{self.base}/keys/{name}.pub"
            r = self.fleet_cmd("add-host", "--central", self.central, name, "--key", key)
            printed = r.out.splitlines()
            keytype, keydata = self.pubkeys[name].split()[:2]
            pattern = (
                r'restrict,command="(/\S+) fleet receive --central (\S+) ' + re.escape(name) + r'" '
                rf"{re.escape(keytype)} {re.escape(keydata)}"
            )
            match = re.fullmatch(pattern, printed[0]) if len(printed) == 1 else None
            self.must(
                f"fleet add-host {name} prints exactly one authorized_keys line with its forced command",
                r.rc == 0 and match is not None and match.group(2) == self.central,
                r.text(),
            )
            self.check(
                f"add-host {name}: the forced command is this dynix, by absolute path",
                os.path.realpath(match.group(1)) == os.path.realpath(self.dynix),
                match.group(1),
            )
            lines.append(printed[0])
        text = read_text(signers) if os.path.exists(signers) else ""
        for name in (*HOSTS, INTRUDER):
            keytype, keydata = self.pubkeys[name].split()[:2]
            self.check(
                f"allowed-signers names {name} for git and dynix-bundle",
                f'{name} namespaces="git,dynix-bundle" {keytype} {keydata}' in text.splitlines(),
                text,
            )
        write_file(f"{self.base}/sshd/authorized_keys", "\n".join(lines) + "\n", 0o600)
        again = self.fleet_cmd("add-host", "--central", self.central, "h1", "--key", self.pubkeys["stranger"])
        self.check(
            "a second registration of h1 is refused (exit 1, dynix: error:)",
            again.rc == 1 and "dynix: error:" in again.err and read_text(signers) == text,
            again.text(),
        )
        for bad in ("a/b", "a..b", "-x", "a b", "x.lock", "x.", "a" * 64, ""):
            r = self.fleet_cmd("add-host", "--central", self.central, bad, "--key", self.pubkeys["stranger"])
            self.check(
                f"host name {bad!r} is refused",
                r.rc != 0 and "dynix: error:" in r.err and read_text(signers) == text,
                r.text(),
            )

    def hosts_init(self):
        for name, host in self.hosts.items():
            host.set_up()
            r = host.dynix("init")
            self.must(f"{name}: dynix init", r.rc == 0, r.text())
            status = host.status()
            self.check(
                f"{name}: status --json says central null without central.json",
                "central" in status and status["central"] is None,
                json.dumps(status.get("central", "missing")),
            )
            host.write_central_json(self.url, self.known_hosts)
            status = host.status()
            central = status.get("central") or {}
            self.check(
                f"{name}: status --json says central.unpushed > 0 and lastPush null before any push",
                isinstance(central.get("unpushed"), int)
                and central["unpushed"] > 0
                and central.get("lastPush") is None,
                json.dumps(status.get("central", "missing")),
            )
        self.moment("after init")

    # ---- rounds of changes -------------------------------------------------------------------------------------

    def apply(self, host, expect=0, label=""):
        r = host.dynix("apply", timeout=60)
        if expect == 0 and r.rc == 0:
            self.apply_seconds.append(r.seconds)
        self.check(f"{host.name}: apply{label} exits {expect}", r.rc == expect, r.text())
        return r

    def append(self, host, option, value):
        r = host.dynix("append", option, str(value), "-m", f"{option} = {value}")
        self.check(f"{host.name}: append {option} = {value}", r.rc == 0, r.text())

    def rounds_before_the_first_push(self):
        for i, host in enumerate(self.hosts.values()):
            self.append(host, "services.t.o0", 10 + i)
            self.append(host, "services.t.o1", 20 + i)
            self.apply(host)
        self.moment("round 1: first generation")
        for host in self.hosts.values():
            self.append(host, "services.t.bad", 666)
            self.apply(host, expect=4, label=" of a failing activation (restored)")
            self.append(host, "services.t.bad", 0)
        self.moment("round 2: a failed activation, restored")
        for host in self.hosts.values():
            self.apply(host)
        self.moment("round 3: second generation")
        for host in self.hosts.values():
            r = host.boot()
            self.check(f"{host.name}: the hook records a boot", r.rc == 0 and "recorded boot" in r.out, r.text())
        self.moment("round 4: boot")
        for host in self.hosts.values():
            self.append(host, "services.t.bad", 666)
            self.apply(host, expect=4, label=" of a failing activation after a boot (static restored)")
        self.moment("round 5: failed apply over the static configuration")
        for host in self.hosts.values():
            self.append(host, "services.t.bad", 13)
            self.apply(host, expect=1, label=" of a failing build")
            self.append(host, "services.t.bad", 1)
            self.apply(host)
        self.moment("round 6: a failed build, then a generation")
        h2 = self.hosts["h2"]
        write_file(f"{h2.root}/fail-all", "")
        self.append(h2, "services.t.o0", 99)
        self.apply(h2, expect=5, label=" whose restore fails (unknown)")
        os.unlink(f"{h2.root}/fail-all")
        self.moment("round 7: h2 in an unknown state")
        for host in self.hosts.values():
            r = host.switch()
            self.check(
                f"{host.name}: the hook records a static switch", r.rc == 0 and "recorded rebuild" in r.out, r.text()
            )
        self.moment("round 8: a static switch everywhere")
        for i, host in enumerate(self.hosts.values()):
            self.append(host, "services.t.o1", 30 + i)
            self.apply(host)
        self.moment("round 9: a generation on the new static system")

    # ---- pushes -------------------------------------------------------------------------------------------------

    def push(self, host, label, expect_receipt=True):
        """`dynix push` that must succeed, with what it promises checked: the central copy, the receipt, the
        metrics file, status's central part and the record of the acknowledged push."""
        before = self.central_refs()
        started = time.time()
        r = host.dynix("push", timeout=60)
        ended = time.time()
        after = self.central_refs()
        ok = self.check(f"{host.name}: push {label} exits 0", r.rc == 0, r.text())
        self.check_holds_everything(host, f"after push {label}")
        if expect_receipt:
            self.receipts[host.name] += 1
            self.check_receipt(host, before, after, started, ended, "push-certificate")
        else:
            self.check(f"{host.name}: push {label} changes no central ref", before == after, diff_refs(before, after))
        if ok:
            self.check_metrics(host, started, ended)
            status = host.status().get("central") or {}
            self.check(
                f"{host.name}: status --json says nothing unpushed after push {label}",
                status.get("unpushed") == 0 and ISO.match(status.get("lastPush") or ""),
                json.dumps(status),
            )
            record = f"{host.root}/var/lib/dynix/central-push"
            self.check(
                f"{host.name}: var/lib/dynix/central-push records the acknowledged main",
                os.path.exists(record) and host.main() in read_text(record),
                read_text(record) if os.path.exists(record) else "missing",
            )
        return r

    def check_holds_everything(self, host, when):
        self.check(
            f"{host.name}: the central side holds its main and every gen tag {when}",
            self.central_main(host.name) == host.main() and self.central_tags(host.name) == host.tags(),
            f"central main {self.central_main(host.name)}, host main {host.main()}\n"
            f"central tags {sorted(self.central_tags(host.name))}\nhost tags {sorted(host.tags())}",
        )

    def check_receipt(self, host, before, after, started, ended, signature_file):
        name = host.name
        count = self.receipt_count(name)
        self.check(
            f"{name}: one receipt per accepted push ({self.receipts[name]})",
            count == self.receipts[name],
            f"refs/receipts/{name} has {count} commits",
        )
        receipt = f"refs/receipts/{name}"
        files = self.git_central("ls-tree", "--name-only", receipt).out.split()
        wanted = ["updates", *(["bundle", "bundle.sig"] if signature_file == "bundle" else ["push-certificate"])]
        self.check(f"{name}: the receipt holds {', '.join(wanted)}", all(f in files for f in wanted), files)
        prefix = f"refs/namespaces/{name}/"
        changed = {
            (before.get(ref, ZERO), sha, ref[len(prefix) :])
            for ref, sha in after.items()
            if ref.startswith(prefix) and before.get(ref) != sha
        }
        updates = set()
        for line in self.git_central("show", f"{receipt}:updates").out.splitlines():
            fields = line.split(" ", 2)
            # A line not shaped "OLD NEW REF" stays whole, so the comparison shows it.
            updates.add((fields[0], fields[1], fields[2].removeprefix(prefix)) if len(fields) == 3 else (line,))
        self.check(
            f"{name}: the receipt's updates are the refs the push changed",
            updates == changed,
            f"{updates} != {changed}",
        )
        when = self.git_central("log", "-1", "--format=%ct", receipt).out.strip()
        self.check(
            f"{name}: the receipt's committer time is the server's time of the push",
            when.isdigit() and int(started) - 1 <= int(when) <= int(ended) + 1,
            f"{when} not within {int(started)}..{int(ended)}",
        )
        if signature_file == "push-certificate":
            cert = self.git_central("show", f"{receipt}:push-certificate").out
            self.check(
                f"{name}: the stored push certificate is SSH-signed and names the new main",
                "-----BEGIN SSH SIGNATURE-----" in cert and self.central_main(name) in cert,
                cert[:600],
            )

    @staticmethod
    def metric(host, name):
        text = read_text(host.metrics) if os.path.exists(host.metrics) else ""
        values = dict(line.split()[:2] for line in text.splitlines() if line.strip() and not line.startswith("#"))
        return values.get(name)

    def check_metrics(self, host, started, ended):
        text = read_text(host.metrics) if os.path.exists(host.metrics) else ""
        values = dict(line.split()[:2] for line in text.splitlines() if line and not line.startswith("#"))
        stamp = values.get("dynix_central_last_push_success_timestamp_seconds", "")
        self.check(
            f"{host.name}: the metrics file has the last push's time and 0 unpushed commits",
            re.fullmatch(r"\d+(\.\d+)?", stamp) is not None
            and int(started) - 1 <= float(stamp) <= ended + 1
            and values.get("dynix_central_unpushed_commits") == "0",
            text or "missing",
        )
        self.check(
            f"{host.name}: no temporary file is left beside the metrics file",
            os.listdir(os.path.dirname(host.metrics)) == ["dynix.prom"],
            os.listdir(os.path.dirname(host.metrics)),
        )

    def first_pushes(self):
        for host in self.hosts.values():
            self.push(host, "(the first)")
        for host in self.hosts.values():
            self.push(host, "with nothing new", expect_receipt=False)
        # Unknown keys and wrong types in central.json are refused with the key named.
        h1 = self.hosts["h1"]
        path = f"{h1.root}/etc/dynix/central.json"
        good = read_text(path)
        for key, value in (("urll", "ssh://x/y"), ("connectTimeout", "5")):
            bad = dict(json.loads(good), **{key: value})
            write_file(path, json.dumps(bad))
            r = h1.dynix("push")
            self.check(
                f"h1: central.json with {'unknown key' if key == 'urll' else 'a string'} {key} is refused naming it",
                r.rc != 0 and "dynix: error:" in r.err and key in r.err,
                r.text(),
            )
        write_file(path, good)

    # ---- refusals, through the real ssh path ------------------------------------------------------------------

    def ssh_command(self, key):
        return " ".join(
            shlex.quote(a)
            for a in (
                "ssh",
                "-F",
                "/dev/null",
                "-i",
                key,
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "IdentityAgent=none",
                "-o",
                "BatchMode=yes",
                "-o",
                f"UserKnownHostsFile={self.known_hosts}",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "ConnectTimeout=5",
            )
        )

    def mirror(self, host, name):
        path = f"{self.base}/attack/{name}.git"
        r = self.run(["git", "clone", "--quiet", "--mirror", host.git_dir, path])
        self.need(f"a copy of {host.name}'s history to push from ({name})", r.rc == 0, r.text())
        return path

    def in_mirror(self, mirror, *args, stdin=None):
        r = self.run(["git", "--git-dir", mirror, *args], stdin=stdin)
        self.need(f"git {args[0]} in the attack copy", r.rc == 0, r.text())
        return r.out.strip()

    def commit_on(self, mirror, parents, message):
        args = ["commit-tree", f"{parents[0] if parents else 'HEAD'}^{{tree}}", "-m", message]
        for p in parents:
            args += ["-p", p]
        return self.in_mirror(mirror, *args)

    def make_tag(self, mirror, commit, name, message="forged"):
        body = (
            f"object {commit}\ntype commit\ntag {name}\ntagger fleet test <fleet@test> {int(time.time())} +0000\n\n"
            f"{message}\n"
        )
        return self.in_mirror(mirror, "mktag", stdin=body.encode())

    def attack_push(self, mirror, refspecs, ssh_key, signing_key=None, atomic=True, env=None, url=None, ssh_extra=""):
        git = ["git", "--git-dir", mirror, "-c", "gpg.format=ssh", "-c", "push.gpgSign=false"]
        if signing_key:
            git += ["-c", f"user.signingKey={signing_key}"]
        argv = [*git, "push", "--porcelain", "--no-verify"]
        if signing_key:
            argv.append("--signed")
        if atomic:
            argv.append("--atomic")
        argv += [url or self.url, *refspecs]
        ssh = self.ssh_command(ssh_key) + (" " + ssh_extra if ssh_extra else "")
        return self.run(argv, env=dict({"GIT_SSH_COMMAND": ssh}, **(env or {})), timeout=30)

    def refused(self, name, before, r, words=("refused", "rejected")):
        after = self.central_refs()
        said = r.out + r.err
        # The line that says it, on the check's own line: a refusal for another reason than the one tried shows.
        lines = said.splitlines()
        reason = next((line.strip() for w in words for line in lines if w in line), "")
        self.check(f"refusal: {name}: the push fails", r.rc != 0 and not r.timed_out, r.text())
        self.check(
            f"refusal: {name}: the pusher reads {reason[:150] or ' or '.join(words)}", bool(reason), said[-1500:]
        )
        self.check(
            f"refusal: {name}: no central ref changed (receipts included)", before == after, diff_refs(before, after)
        )

    def refusals(self):
        h1, h2 = self.hosts["h1"], self.hosts["h2"]
        k1, k2 = f"{self.base}/keys/h1", f"{self.base}/keys/h2"
        # h1 moves on: a new generation, not yet pushed; each forged push carries it or builds on it.
        self.append(h1, "services.t.o0", 40)
        self.apply(h1)
        self.moment("round 10: h1's generation before the refusals")
        m = self.mirror(h1, "h1")
        main = self.in_mirror(m, "rev-parse", "refs/heads/main")
        tags = h1.tags()
        newest = max(tags, key=lambda t: int(t.rsplit("/", 1)[1]))
        gen_n = int(newest.rsplit("/", 1)[1])
        apply_commit = self.in_mirror(m, "rev-parse", f"{newest}^{{commit}}")
        previous_apply = self.in_mirror(m, "rev-parse", f"refs/tags/gen/{gen_n - 1}^{{commit}}")
        central_main = self.central_main("h1")
        new_main = f"{main}:refs/heads/main"
        real_tag = f"{newest}:{newest}"

        def attempt(name, refspecs, key=k1, signing=k1, **kw):
            before = self.central_refs()
            r = self.attack_push(m, refspecs, key, signing, **kw)
            self.refused(name, before, r)

        attempt("deleting main", [":refs/heads/main"])
        attempt("deleting a gen tag", [":refs/tags/gen/1"])
        side = self.commit_on(m, [f"{central_main}~1"], "a rewritten past")
        attempt("a non-fast-forward main (forced)", [f"+{side}:refs/heads/main"])
        orphan = self.commit_on(m, [], "an unrelated line")
        merge = self.commit_on(m, [central_main, orphan], "a merge")
        attempt("a merge commit on main", [f"{merge}:refs/heads/main"])
        attempt("a branch other than main", [f"{main}:refs/heads/other"])
        attempt("a tag outside gen/N", [f"{real_tag.split(':')[0]}:refs/tags/release"])
        attempt("a lightweight gen tag", [new_main, f"{apply_commit}:{newest}"])
        wrong = self.make_tag(m, previous_apply, newest.removeprefix("refs/tags/"))
        attempt(f"gen/{gen_n} on the apply commit of generation {gen_n - 1}", [new_main, f"{wrong}:{newest}"])
        misnamed = self.make_tag(m, apply_commit, "gen/999")
        attempt(f"an annotated tag named gen/999 pushed as gen/{gen_n}", [new_main, f"{misnamed}:{newest}"])
        moved = self.make_tag(m, previous_apply, "gen/1")
        attempt("moving gen/1 (forced)", [f"+{moved}:refs/tags/gen/1"])
        first_apply = self.in_mirror(m, "rev-parse", "refs/tags/gen/1^{commit}")
        recreated = self.make_tag(m, first_apply, "gen/1", "the same commit, another tag object")
        attempt("re-creating gen/1 (forced, same commit)", [f"+{recreated}:refs/tags/gen/1"])
        attempt("an unsigned push", [new_main, real_tag], signing=None)
        attempt("a push signed with h2's key into h1's namespace", [new_main, real_tag], signing=k2)
        stranger = f"{self.base}/keys/stranger"
        attempt("a push signed with an unregistered key", [new_main, real_tag], signing=stranger)
        # Without --atomic git lets each ref pass or fail alone: the refusal of one must still change nothing.
        attempt(
            "a good main beside a lightweight tag, not atomic", [new_main, f"{apply_commit}:{newest}"], atomic=False
        )
        # h4's first main builds on h1's history: no one claims another host's past.
        claim = self.commit_on(m, [main], "h4 starts from h1's past")
        k4 = f"{self.base}/keys/{INTRUDER}"
        attempt("h4's first main sharing h1's commits", [f"{claim}:refs/heads/main"], key=k4, signing=k4)
        self.check("refusal: h4 has no ref on the central side", self.central_main(INTRUDER) is None)

        # Not a push: the forced command runs receive-pack and nothing else.
        before = self.central_refs()
        r = self.run(["git", "ls-remote", self.url], env={"GIT_SSH_COMMAND": self.ssh_command(k1)})
        self.refused("ls-remote (upload-pack)", before, r)
        self.check("refusal: ls-remote lists no ref", main not in r.out and "refs/" not in r.out, r.out)
        before = self.central_refs()
        clone = self.run(
            ["git", "clone", "--quiet", self.url, f"{self.base}/attack/clone"],
            env={"GIT_SSH_COMMAND": self.ssh_command(k1)},
        )
        self.refused("git clone (upload-pack)", before, clone)
        ssh = shlex.split(self.ssh_command(k1)) + ["-p", str(self.port), f"{self.user}@127.0.0.1"]
        for name, command in (
            ("a shell command (id)", "id"),
            ("git-receive-pack 'x'; id", "git-receive-pack 'x'; id"),
            ("git-upload-pack '/fleet'", "git-upload-pack '/fleet'"),
            ("git-upload-archive '/fleet'", "git-upload-archive '/fleet'"),
        ):
            before = self.central_refs()
            r = self.run([*ssh, command], timeout=20)
            self.refused(name, before, r, words=("refused",))
            self.check(f"refusal: {name}: nothing ran (no uid= output)", "uid=" not in r.out, r.out)
            self.check(
                f"refusal: {name}: exit 1 with a dynix: error: line", r.rc == 1 and "dynix: error:" in r.err, r.text()
            )
        # GIT_NAMESPACE sent by the client, and another path: the namespace comes from the key alone. h1's
        # main is already there: pushing it again to h1's namespace is a no-op; any other namespace would
        # take it as new.
        before = self.central_refs()
        r = self.attack_push(
            m,
            [f"{central_main}:refs/heads/main"],
            k1,
            k1,
            env={"GIT_NAMESPACE": "evil", "GIT_TRACE_PACKET": "1"},
            url=self.url.replace("/fleet", "/evil"),
            ssh_extra="-o SendEnv=GIT_NAMESPACE",
        )
        after = self.central_refs()
        self.check(
            "SendEnv GIT_NAMESPACE=evil and path /evil: no ref outside h1's namespace, nothing changed",
            before == after and not any("/evil/" in ref for ref in after),
            diff_refs(before, after) + "\n" + r.text(),
        )
        others = {sha for ref, sha in before.items() if not ref.startswith("refs/namespaces/h1/")}
        advertised = [line for line in r.err.splitlines() if "push<" in line]
        leaked = [line for line in advertised if any(sha in line for sha in others) or ".have" in line]
        self.check(
            "h1's push sees only its own refs (no other host's object, no .have line)",
            bool(advertised) and not leaked,
            "\n".join(leaked or advertised[:5] or [r.text()]),
        )
        # A central side whose host key is not the one h1 knows (a man in the middle): h1 does not push to it.
        path = f"{h1.root}/etc/dynix/central.json"
        good = read_text(path)
        impostor = f"{self.base}/known_hosts.impostor"
        write_file(impostor, f"[127.0.0.1]:{self.port} {self.pubkeys['stranger']}\n")
        write_file(path, json.dumps(dict(json.loads(good), knownHostsFile=impostor)))
        before = self.central_refs()
        r = h1.dynix("push", timeout=30)
        errors = [line for line in r.err.splitlines() if line.startswith("dynix: error:")]
        self.check(
            "h1: push to a server whose host key is not in its known-hosts file fails, one dynix: error: line",
            r.rc != 0 and len(errors) == 1 and self.central_refs() == before,
            r.text(),
        )
        write_file(path, good)
        # The forged pushes carried exactly what dynix push now sends: it is accepted.
        self.push(h1, "after the refusals")
        self.check("h2 unchanged by everything h1 tried", self.central_main("h2") == h2.main())

    # ---- outage ---------------------------------------------------------------------------------------------------

    def failed_push(self, host, label, limit):
        before = self.central_refs()
        last_success = self.metric(host, "dynix_central_last_push_success_timestamp_seconds")
        r = host.dynix("push", timeout=limit + 20)
        errors = [line for line in r.err.splitlines() if line.startswith("dynix: error:")]
        self.check(
            f"{host.name}: push {label} fails within {limit} s ({r.seconds:.1f} s)",
            r.rc != 0 and r.seconds <= limit,
            r.text(),
        )
        self.check(
            f"{host.name}: push {label} says one dynix: error: line naming the URL",
            len(errors) == 1 and self.url in errors[0],
            r.err[-1500:],
        )
        self.check(f"{host.name}: push {label} changes no central ref", self.central_refs() == before)
        now = self.metric(host, "dynix_central_last_push_success_timestamp_seconds")
        self.check(
            f"{host.name}: push {label} leaves the last success's time in the metrics file",
            last_success is not None and now == last_success,
            f"{last_success} -> {now}",
        )
        return r

    def unpushed(self, host):
        central = self.central_main(host.name)
        r = host.git("rev-list", "--count", f"{central}..refs/heads/main" if central else "refs/heads/main")
        # None when the central main is no commit of the host's: the count then cannot match.
        return int(r.out.strip()) if r.rc == 0 else None

    def outage(self):
        self.stop_sshd()
        self.check("sshd stopped for the outage", self.sshd is None)
        baseline = sorted(self.apply_seconds)[len(self.apply_seconds) // 2] if self.apply_seconds else 0.5
        for i, host in enumerate(self.hosts.values()):
            self.append(host, "services.t.o0", 50 + i)
            r = self.apply(host, label=" during the outage")
            self.check(
                f"{host.name}: apply during the outage is not slower ({r.seconds:.2f} s, median {baseline:.2f} s)",
                r.seconds <= max(3 * baseline, baseline + 2.0),
            )
        self.moment("round 11: an apply during the outage")
        for host in self.hosts.values():
            self.failed_push(host, "with sshd down", 15)
            status = host.status().get("central") or {}
            self.check(
                f"{host.name}: status --json counts the unpushed commits during the outage",
                status.get("unpushed") == self.unpushed(host) and status["unpushed"] > 0,
                json.dumps(status),
            )
        for host in self.hosts.values():
            r = host.boot()
            self.check(
                f"{host.name}: a boot during the outage is recorded", r.rc == 0 and "recorded boot" in r.out, r.text()
            )
        self.moment("round 12: a boot during the outage")
        for i, host in enumerate(self.hosts.values()):
            self.append(host, "services.t.o1", 60 + i)
            r = self.apply(host, label=" during the outage, second")
            self.check(
                f"{host.name}: the second apply during the outage is not slower ({r.seconds:.2f} s)",
                r.seconds <= max(3 * baseline, baseline + 2.0),
            )
        self.moment("round 13: a second apply during the outage")

    def silent_listener(self):
        self.listener = SilentListener(self.port)
        h2 = self.hosts["h2"]
        # An apply while the central address hangs: nothing on its path may wait for the network.
        self.append(h2, "services.t.o0", 70)
        baseline = sorted(self.apply_seconds)[len(self.apply_seconds) // 2]
        r = self.apply(h2, label=" while the central side hangs")
        self.check(
            f"h2: apply while the central side hangs is not slower ({r.seconds:.2f} s)",
            r.seconds <= max(3 * baseline, baseline + 2.0),
        )
        self.moment("round 14: h2 applies while the central side hangs")
        self.failed_push(self.hosts["h1"], "to a listener that never answers", 20)
        self.check("the silent listener was reached", self.listener.accepted > 0, self.listener.accepted)
        self.listener.stop()
        self.listener = None
        self.start_sshd()
        for host in self.hosts.values():
            self.push(host, "after the outage (one push catches up)")

    # ---- three at once ---------------------------------------------------------------------------------------------

    def concurrent_pushes(self):
        for i, host in enumerate(self.hosts.values()):
            self.append(host, "services.t.o1", 80 + i)
            self.apply(host)
        self.moment("round 15: a generation on each host, pushed at once")
        before = self.central_refs()
        started = time.time()
        processes = {}
        for name, host in self.hosts.items():
            processes[name] = self.start([self.dynix, "push"], env={"DYNIX_ROOT": host.root})
        outputs = {}
        for name, process in processes.items():
            try:
                out, err = process.communicate(timeout=min(60, self.remaining()))
                outputs[name] = (process.returncode, out.decode(errors="replace") + err.decode(errors="replace"))
            except subprocess.TimeoutExpired:
                self.kill_group(process.pid)
                process.communicate()
                outputs[name] = (None, "timed out")
        ended = time.time()
        after = self.central_refs()
        for name, host in self.hosts.items():
            rc, text = outputs[name]
            self.check(f"{name}: push at the same time as the others exits 0", rc == 0, text)
            self.receipts[name] += 1
            self.check_holds_everything(host, "after the pushes at once")
            self.check_receipt(host, before, after, started, ended, "push-certificate")
        fsck = self.git_central("fsck", "--full", "--strict", "--no-progress", timeout=60)
        self.check("git fsck --full --strict of the central side after the pushes at once", fsck.rc == 0, fsck.text())

    # ---- bundles ------------------------------------------------------------------------------------------------

    def sign(self, path, key):
        r = self.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "dynix-bundle", "-f", key, path])
        self.need(f"ssh-keygen -Y sign {os.path.basename(path)}", r.rc == 0, r.text())

    def bundles(self):
        h3 = self.hosts["h3"]
        self.append(h3, "services.t.o0", 90)
        self.apply(h3)
        self.moment("round 16: h3's generation carried by a bundle")
        bundle = f"{self.base}/attack/h3.bundle"
        r = h3.dynix("push", "--bundle", bundle)
        self.must(
            "h3: push --bundle writes FILE and FILE.sig",
            r.rc == 0 and os.path.exists(bundle) and os.path.exists(bundle + ".sig"),
            r.text(),
        )
        with open(bundle, "rb") as data:
            verify = subprocess.run(
                ["ssh-keygen", "-Y", "verify", "-f", f"{self.central}/fleet/allowed-signers", "-I", "h3", "-n"]
                + ["dynix-bundle", "-s", bundle + ".sig"],
                stdin=data,
                capture_output=True,
                text=True,
                timeout=min(30, self.remaining()),
                check=False,
            )
        self.check("h3: the bundle's signature is h3's, namespace dynix-bundle", verify.returncode == 0, verify.stderr)
        listed = self.run(["git", "bundle", "list-heads", bundle]).out
        self.check(
            "h3: the bundle holds main and every gen tag",
            f"{h3.main()} refs/heads/main" in listed and all(t in listed for t in h3.tags()),
            listed,
        )
        by_h2 = f"{self.base}/attack/h3-signed-by-h2.bundle"
        shutil.copy(bundle, by_h2)
        self.sign(by_h2, f"{self.base}/keys/h2")
        for name, host, path in (
            ("h3's bundle signed with h2's key", "h3", by_h2),
            ("h3's bundle imported as h2", "h2", bundle),
        ):
            before = self.central_refs()
            r = self.fleet_cmd("import", "--central", self.central, host, path)
            self.refused(f"import of {name}", before, r)
        m = self.mirror(h3, "h3")
        central_main = self.central_main("h3")
        rewritten = self.commit_on(m, [f"{central_main}~1"], "h3's past rewritten")
        self.in_mirror(m, "update-ref", "refs/heads/main", rewritten)
        rewrite = f"{self.base}/attack/h3-rewrite.bundle"
        self.in_mirror(m, "bundle", "create", rewrite, "refs/heads/main")
        self.sign(rewrite, f"{self.base}/keys/h3")
        before = self.central_refs()
        r = self.fleet_cmd("import", "--central", self.central, "h3", rewrite)
        self.refused("import of a signed bundle that rewrites h3's history", before, r)
        # A bundle goes through the hooks like a push: h3's new main with its new gen tag made lightweight.
        m = self.mirror(h3, "h3-lightweight")
        newest = max(h3.tags(), key=lambda t: int(t.rsplit("/", 1)[1]))
        self.in_mirror(m, "update-ref", newest, self.in_mirror(m, "rev-parse", f"{newest}^{{commit}}"))
        lightweight = f"{self.base}/attack/h3-lightweight.bundle"
        self.in_mirror(m, "bundle", "create", lightweight, "refs/heads/main", newest)
        self.sign(lightweight, f"{self.base}/keys/h3")
        before = self.central_refs()
        r = self.fleet_cmd("import", "--central", self.central, "h3", lightweight)
        self.refused(f"import of a signed bundle whose {newest.removeprefix('refs/tags/')} is lightweight", before, r)
        before = self.central_refs()
        started = time.time()
        r = self.fleet_cmd("import", "--central", self.central, "h3", bundle)
        ended = time.time()
        after = self.central_refs()
        self.check("h3: fleet import of its signed bundle exits 0", r.rc == 0, r.text())
        self.receipts["h3"] += 1
        self.check_holds_everything(h3, "after the import")
        self.check_receipt(h3, before, after, started, ended, "bundle")
        self.push(h3, "after the import, with nothing new", expect_receipt=False)

    # ---- forged central refs ---------------------------------------------------------------------------------

    def verify(self, label, forged_host=None):
        r = self.fleet_cmd("verify", "--central", self.central, timeout=60)
        if forged_host is None:
            self.check(f"fleet verify {label}: exit 0, verified", r.rc == 0 and "verified" in r.out, r.text())
        else:
            named = re.search(rf"dynix: error: host {re.escape(forged_host)}\b", r.err)
            self.check(f"fleet verify {label}: exit non-zero naming {forged_host}", r.rc != 0 and named, r.text())

    def forgeries(self):
        self.verify("before any forgery")
        h1 = self.hosts["h1"]
        main_ref = "refs/namespaces/h1/refs/heads/main"
        self.git_central("update-ref", main_ref, f"{self.central_main('h1')}~1")
        self.verify("after h1's main was moved back by hand", "h1")
        r = h1.dynix("push", timeout=60)
        self.check(
            "h1: push warns that the central main is older than the acknowledged push, and pushes again",
            r.rc == 0 and "warning" in r.err and self.central_main("h1") == h1.main(),
            r.text(),
        )
        self.receipts["h1"] += 1
        self.verify("after h1 pushed again")
        tag = "refs/namespaces/h2/refs/tags/gen/1"
        refs = self.central_refs()
        kept = refs[tag]
        self.git_central("update-ref", tag, refs["refs/namespaces/h2/refs/tags/gen/2"])
        self.verify("after h2's gen/1 was moved by hand", "h2")
        self.git_central("update-ref", tag, kept)
        self.verify("after h2's gen/1 was put back")
        extra = "refs/namespaces/h3/refs/heads/extra"
        self.git_central("update-ref", extra, self.central_main("h3"))
        self.verify("after a ref was added by hand to h3", "h3")
        self.git_central("update-ref", "-d", extra)
        self.verify("after the added ref was deleted")

    # ---- the reading side -----------------------------------------------------------------------------------------

    def live_of(self, r):
        try:
            return {entry["host"]: entry["live"] for entry in json.loads(r.out)["hosts"]}
        except (ValueError, KeyError, TypeError):
            return None

    def probe_live(self):
        for label, at, lives in self.moments:
            r = self.fleet_cmd("live", "--central", self.central, "--at", f"@{at}", "--json")
            central = self.live_of(r)
            got = {h: central.get(h) for h in HOSTS} if central is not None else None
            self.check(
                f"fleet live --at @{at} ({label}) equals each host's status then",
                got == lives,
                f"{got}\n!= {lives}\n{r.text()}",
            )
        r = self.fleet_cmd("live", "--central", self.central, "--at", f"@{self.before_history}", "--json")
        central = self.live_of(r) or {}
        self.check(
            "fleet live before the histories start says absent for each host",
            all(central.get(h) == {"state": "absent"} for h in HOSTS),
            r.text(),
        )
        label, at, lives = self.moments[len(self.moments) // 2]
        iso = datetime.datetime.fromtimestamp(at, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
        r = self.fleet_cmd("live", "--central", self.central, "--at", iso, "--host", "h2", "--json")
        self.check(
            f"fleet live --at '{iso}' --host h2 lists h2 alone, as it was then",
            self.live_of(r) == {"h2": lives["h2"]},
            r.text(),
        )

    def reading_outputs(self):
        """Every reading command's output, for the comparison around `git pack-refs --all`."""
        c = self.central
        outputs = {}
        for label, at, _ in self.moments[::3]:
            outputs[f"fleet live --at @{at}"] = self.fleet_cmd("live", "--central", c, "--at", f"@{at}", "--json")
        outputs["fleet live (text)"] = self.fleet_cmd("live", "--central", c, "--at", f"@{self.moments[-1][1]}")
        outputs["fleet status --json"] = self.fleet_cmd("status", "--central", c, "--json", "--stale-after", "3600")
        outputs["fleet status --prometheus"] = self.fleet_cmd(
            "status", "--central", c, "--prometheus", "--stale-after", "3600"
        )
        for host in HOSTS:
            for extra in ([], ["--json"]):
                r = self.run([self.dynix, "log", "--central", c, "--host", host, *extra])
                outputs[f"log --central --host {host} {' '.join(extra)}"] = r
        outputs["fleet timeline --html"] = self.fleet_cmd(
            "timeline", "--central", c, "--html", "--since", f"@{self.timeline_from}", "--until", f"@{self.timeline_to}"
        )
        return outputs

    def reading_side(self):
        self.probe_live()
        self.timeline_from = self.moments[0][1]
        self.next_second()
        self.timeline_to = int(time.time())
        # fleet status against each host's own view.
        r = self.fleet_cmd("status", "--central", self.central, "--json", "--stale-after", "3600")
        try:
            entries = {e["host"]: e for e in json.loads(r.out)["hosts"]}
        except (ValueError, KeyError, TypeError):
            entries = {}
        self.check("fleet status --json lists h1, h2 and h3", all(h in entries for h in HOSTS), r.text())
        for name, host in self.hosts.items():
            e = entries.get(name, {})
            last = self.git_central("log", "-1", "--format=%ct", f"refs/receipts/{name}").out.strip()
            status = host.status()
            fields = ("host", "head", "live", "generations", "pushes", "received", "stale", "clockSkew")
            self.check(f"fleet status {name}: every field is there", all(f in e for f in fields), e)
            self.check(f"fleet status {name}: head is the host's main", e.get("head") == host.main(), e.get("head"))
            self.check(
                f"fleet status {name}: live is the host's own",
                e.get("live") == status.get("live"),
                f"{e.get('live')} != {status.get('live')}",
            )
            self.check(
                f"fleet status {name}: generations counts the gen tags",
                e.get("generations") == len(host.tags()),
                f"{e.get('generations')} != {len(host.tags())}",
            )
            self.check(
                f"fleet status {name}: pushes counts the receipts",
                e.get("pushes") == self.receipts[name],
                e.get("pushes"),
            )
            received = e.get("received") or ""
            self.check(
                f"fleet status {name}: received is the last receipt's time, ISO 8601 with offset",
                bool(ISO.match(received)) and last.isdigit() and epoch_of(received) == int(last),
                f"{received} vs {last}",
            )
            self.check(f"fleet status {name}: not stale within an hour", e.get("stale") is False, e.get("stale"))
        stale = self.fleet_cmd("status", "--central", self.central, "--json", "--stale-after", "1")
        try:
            flagged = {e["host"]: e["stale"] for e in json.loads(stale.out)["hosts"]}
        except (ValueError, KeyError, TypeError):
            flagged = {}
        self.check(
            "fleet status --stale-after 1 flags every host (the last push is older)",
            all(flagged.get(h) is True for h in HOSTS),
            stale.text(),
        )
        prom = self.fleet_cmd("status", "--central", self.central, "--prometheus")
        for name in HOSTS:
            last = self.git_central("log", "-1", "--format=%ct", f"refs/receipts/{name}").out.strip()
            line = f'dynix_fleet_last_received_timestamp_seconds{{host="{name}"}} {last}'
            self.check(
                f"fleet status --prometheus has {name}'s last receipt time", line in prom.out.splitlines(), prom.text()
            )
        # log --central is the host's own log.
        for name, host in self.hosts.items():
            for extra in ([], ["--json"]):
                mine = host.dynix("log", *extra)
                central = self.run([self.dynix, "log", "--central", self.central, "--host", name, *extra])
                if extra:
                    try:
                        same = json.loads(mine.out) == json.loads(central.out)
                    except ValueError:
                        same = False
                else:
                    same = mine.out == central.out
                self.check(
                    f"log --central --host {name} {' '.join(extra)} equals dynix log on {name}",
                    mine.rc == 0 and central.rc == 0 and same,
                    central.text() if central.rc else f"host:\n{mine.out[-800:]}\ncentral:\n{central.out[-800:]}",
                )
        self.timeline_page()
        before = self.reading_outputs()
        packed = self.git_central("pack-refs", "--all")
        self.check("git pack-refs --all on the central side", packed.rc == 0, packed.text())
        loose = [p for p, _, files in os.walk(f"{self.central}/refs") for _ in files]
        self.check("no loose ref is left after pack-refs", not loose, loose)
        after = self.reading_outputs()
        for name, r in before.items():
            self.check(
                f"{name}: the same output after git pack-refs --all",
                r.rc == 0 and after[name].rc == r.rc and after[name].out == r.out,
                f"before: {r.text()}\nafter: {after[name].text()}",
            )
        self.verify("after git pack-refs --all")

    def timeline_page(self):
        page = f"{self.base}/timeline.html"
        since, until = f"@{self.timeline_from}", f"@{self.timeline_to}"
        r = self.fleet_cmd(
            "timeline", "--central", self.central, "--html", "-o", page, "--since", since, "--until", until
        )
        self.must("fleet timeline --html -o FILE writes the page", r.rc == 0 and os.path.exists(page), r.text())
        text = read_text(page)
        for outside in ("<script", "<link", "<img", "http://", "https://"):
            self.check(f"the timeline page has no {outside}", outside not in text.lower())
        wanted = {}
        for name, host in self.hosts.items():
            j = host.dynix("timeline", "--json", "--since", since, "--until", until)
            try:
                intervals = json.loads(j.out)["intervals"]
                wanted[name] = [(i["state"], str(epoch_of(i["from"])), str(epoch_of(i["to"]))) for i in intervals]
            except (ValueError, KeyError):
                self.check(f"{name}: dynix timeline --json", False, j.text())
        rects, receipts = page_marks(text)
        for name in HOSTS:
            self.check(
                f"the page's bars for {name} are its own timeline's intervals",
                rects.get(name) == wanted.get(name),
                f"page: {rects.get(name)}\nhost: {wanted.get(name)}",
            )
            self.check(
                f"the page has one receipt mark per accepted push of {name} ({self.receipts[name]})",
                receipts.get(name) == self.receipts[name],
                receipts.get(name),
            )
        self.check("the page draws bars for h1, h2 and h3 only", set(rects) == set(HOSTS), sorted(rects))
        if not os.access(CHROMIUM, os.X_OK):
            self.check("headless chromium is installed (Debian chromium)", False, CHROMIUM)
            return
        browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
        browser += ["--disable-breakpad", "--disable-crash-reporter", "--no-first-run"]
        dom = self.run([*browser, "--dump-dom", f"file://{page}"], env={"HOME": f"{self.base}/home"}, timeout=90)
        self.check("chromium --dump-dom opens the page", dom.rc == 0 and "<svg" in dom.out, dom.text()[-1500:])
        parsed, parsed_receipts = page_marks(dom.out)
        for name in HOSTS:
            self.check(
                f"in the browser's DOM the bars for {name} are its own timeline's intervals",
                parsed.get(name) == wanted.get(name),
                f"dom: {parsed.get(name)}\nhost: {wanted.get(name)}",
            )
        self.check("in the browser's DOM, the receipt marks are there", parsed_receipts == receipts, parsed_receipts)
        picture = f"{self.base}/timeline.png"
        shot = self.run(
            [*browser, "--window-size=1400,700", f"--screenshot={picture}", f"file://{page}"],
            env={"HOME": f"{self.base}/home"},
            timeout=90,
        )
        colors = (
            self.run([sys.executable, f"{REPO}/Tests/output/png-colors.py", picture])
            if os.path.exists(picture)
            else None
        )
        fields = colors.out.split() if colors else []
        self.check(
            "chromium draws the page (a screenshot with colors)",
            shot.rc == 0 and colors is not None and colors.rc == 0 and len(fields) >= 3 and int(fields[2]) >= 6,
            (colors.out if colors else "") + shot.text()[-800:],
        )

    def clock_skew(self):
        """A host whose clock runs an hour ahead: its newest event is later than the receipt of its push."""
        if not shutil.which("faketime"):
            print("fleet: skip clock skew (faketime is not installed)")
            return
        h3 = self.hosts["h3"]
        r = self.run(
            ["faketime", "-f", "+1h", self.dynix, "append", "services.t.o0", "95"], env={"DYNIX_ROOT": h3.root}
        )
        self.check("h3: an append with the clock an hour ahead", r.rc == 0, r.text())
        self.push(h3, "of an event an hour ahead")
        out = self.fleet_cmd("status", "--central", self.central, "--json", "--stale-after", "3600")
        try:
            skew = {e["host"]: e["clockSkew"] for e in json.loads(out.out)["hosts"]}
        except (ValueError, KeyError, TypeError):
            skew = {}
        self.check(
            "fleet status flags h3's clock skew, and no other host's",
            bool(skew.get("h3")) and not any(skew.get(h) for h in ("h1", "h2")),
            out.text(),
        )

    # ---- the end -------------------------------------------------------------------------------------------------

    def end_checks(self):
        fsck = self.git_central("fsck", "--full", "--strict", "--no-progress", timeout=60)
        self.check(
            "git fsck --full --strict of the central side at the end",
            fsck.rc == 0 and "error" not in fsck.err.lower(),
            fsck.text(),
        )
        for name, host in self.hosts.items():
            r = host.git("fsck", "--full", "--strict", "--no-progress")
            self.check(f"{name}: git fsck --full --strict of its own history", r.rc == 0, r.text())

    def tear_down(self):
        if self.listener is not None:
            self.listener.stop()
        self.stop_sshd()
        # Anything of ours still running: a child (orphans come to us, the subreaper) or a process naming our
        # directory (an sshd session, a forced command, a push's ssh).
        leftovers = []
        deadline = time.monotonic() + 3
        while True:
            leftovers = self.our_processes()
            if not leftovers or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.check("nothing of the test is left running (sshd, dynix, git, ssh)", not leftovers, "\n".join(leftovers))
        for line in leftovers:
            with contextlib.suppress(ProcessLookupError, PermissionError, ValueError):
                os.kill(int(line.split()[0]), signal.SIGKILL)
        if self.args.keep:
            print(f"fleet: kept {self.base} (the page: timeline.html, its screenshot: timeline.png)")
        else:
            shutil.rmtree(self.base, ignore_errors=True)

    def our_processes(self):
        me = os.getpid()
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            if int(pid) == me:
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            state, ppid = fields[0], int(fields[1])
            if state == "Z":
                with contextlib.suppress(ChildProcessError, OSError):
                    os.waitpid(int(pid), os.WNOHANG)
                continue
            if ppid == me or self.base in cmdline:
                found.append(f"{pid} {cmdline}")
        return found


def become_subreaper():
    """Orphans of what we start (an sshd session whose sshd stopped, a push's ssh) become our children, so the
    end can see them."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def die_with_parent():
    """In sshd before it runs: a SIGKILL of this test, which no handler sees, still stops the server."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def parse_arguments():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dynix", default=os.environ.get("DYNIX", f"{REPO}/.build/release/dynix"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (and the page's screenshot)")
    ap.add_argument("--deadline", type=float, default=300, help="seconds for the whole run (default 300)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command run")
    return ap.parse_args()


def main():
    args = parse_arguments()
    if not os.access(args.dynix, os.X_OK):
        sys.exit(f"fleet: no dynix binary at {args.dynix}; build it (swift build -c release) or pass --dynix")
    for tool in ("git", "ssh", "ssh-keygen", "/usr/sbin/sshd"):
        if not shutil.which(tool):
            sys.exit(f"fleet: needs {tool} (Debian: openssh-server, openssh-client, git)")

    def stop(signum, _frame):
        raise Interrupted(f"signal {signal.Signals(signum).name}")

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, stop)
    become_subreaper()
    fleet = Fleet(args)
    try:
        fleet.story()
    except Abort as e:
        print(f"fleet: stopping: the rest needs what failed ({e})")
    except (Deadline, Interrupted) as e:
        fleet.check("the run ends in time and uninterrupted", False, str(e))
    except Exception as e:  # noqa: BLE001 (a crash of the test is one failed check, and the cleanup still runs)
        fleet.check("the test itself runs without an exception", False, f"{e!r}\n{traceback.format_exc()}")
    finally:
        fleet.tear_down()
    print(f"fleet: {fleet.passed} passed, {fleet.failed} failed")
    return 1 if fleet.failed else 0


if __name__ == "__main__":
    sys.exit(main())
