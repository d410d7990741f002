#!/usr/bin/python3
"""Power-loss rounds: the real dynix on a file system that keeps only what was fsync'd.

  Tests/crash/powerloss/run.py --dynix PATH [--rounds N | --all] [--seed S] [--keep] [-v]

A round builds a root, mounts it through durablefs.py with the power cut at the K-th changing call,
and runs a fixed story (init, appends, apply, the rebuild hook, apply, rollback, append) until the
cut. What a command acknowledged (exit 0) before the cut must survive. The machine then "boots" on
the durable state (a new boot id, /run emptied, the rebuild hook run as activation runs it), and in
half the rounds the power is cut again during that recovery. Then, with the git CLI and real Nix:
  - `git fsck --full --strict` is clean (an unreadable history is a failure);
  - every acknowledged append's value, generation tag, rollback, reset and init is in the history;
  - `dynix status` succeeds, a further `dynix append` succeeds, and the file then equals main's.
Prints the figures and `powerloss: N passed, M failed`; exits 1 if any round failed.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OPTION = "services.demo.settings.workers"
# A value that makes the file larger than the size from which dynix writes the file's blob itself, hashing and
# compressing it on two threads (GitRepository.createLargeBlob): every later append takes that way.
BANNER = "services.demo.settings.banner"
LONG = "power" * 14_000
STORY = [
    ("init", ["init"]),
    ("append", ["append", OPTION, "101"]),
    ("append", ["append", BANNER, LONG]),
    ("append", ["append", OPTION, "102"]),
    ("apply", ["apply"]),
    ("append", ["append", OPTION, "103"]),
    ("rebuild-hook", ["rebuild-hook", "--system", "{root}/systems/1"]),
    ("apply", ["apply"]),
    ("rollback", ["rollback", "1"]),
    ("append", ["append", OPTION, "104"]),
]


class Failure(Exception):
    pass


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False, **kwargs)


class Rounds:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.dynix)
        self.base = tempfile.mkdtemp(prefix="dynix-powerloss-")
        self.tools = f"{self.base}/tools"
        self.stats = {"rounds": 0, "cuts": 0, "recovery-cuts": 0, "acknowledged": 0, "lost": 0, "unreadable": 0}
        self.cut_in = {}
        self.env = dict(os.environ, NO_COLOR="1", DYNIX_WATCHDOG="20")
        self.env.pop("DYNIX_ROOT", None)
        self.make_tools()

    # ---- the host around dynix: build, activation, check (outside the cut file system) -----------
    def make_tools(self):
        os.makedirs(f"{self.tools}/store")
        self.write(
            f"{self.tools}/build",
            f"""#!/bin/sh
set -e
hash=$(sha256sum "$1" | cut -c1-16)
program={self.tools}/store/$hash-activate
cp "$1" {self.tools}/store/$hash-dynamic.nix
printf '#!/bin/sh\\necho "$hash" >> {self.tools}/activations.log\\n' > "$program.tmp"
chmod +x "$program.tmp"
mv "$program.tmp" "$program"
echo "$program"
""",
            0o755,
        )
        self.write(f"{self.tools}/restore-static", "#!/bin/sh\nexit 0\n", 0o755)
        self.write(f"{self.tools}/check", "#!/bin/sh\nexit 0\n", 0o755)

    @staticmethod
    def write(path, text, mode=0o644):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)
        os.chmod(path, mode)

    def make_root(self, root, seen_at):
        """A root made in `root` that dynix will see at `seen_at` (the mount point): links name that."""
        os.makedirs(f"{root}/systems/1")
        os.makedirs(f"{root}/nix/var/nix/profiles")
        os.makedirs(f"{root}/run")
        os.symlink(f"{seen_at}/systems/1", f"{root}/nix/var/nix/profiles/system-1-link")
        os.symlink("system-1-link", f"{root}/nix/var/nix/profiles/system")
        os.symlink(f"{seen_at}/systems/1", f"{root}/run/current-system")
        self.write(f"{root}/proc/sys/kernel/random/boot_id", "boot-0\n")
        manifest = {
            "version": 1,
            "options": {OPTION: {"type": "int", "static": 4}, BANNER: {"type": "str", "static": ""}},
            "build": [f"{self.tools}/build", "{file}"],
            "restoreStatic": [f"{self.tools}/restore-static"],
            "check": [f"{self.tools}/check"],
        }
        self.write(f"{root}/etc/dynix/manifest.json", json.dumps(manifest, indent=2) + "\n")

    def boot(self, root, number):
        """What a boot does to the durable state: /run is a new tmpfs, activation runs the hook."""
        run_dir = f"{root}/run"
        if os.path.isdir(run_dir):
            shutil.rmtree(run_dir)
        os.makedirs(run_dir)
        os.symlink(f"{root}/systems/1", f"{run_dir}/current-system")
        self.write(f"{root}/proc/sys/kernel/random/boot_id", f"boot-{number}\n")

    # ---- one story, possibly cut -------------------------------------------------------------
    def mount(self, backing, mountpoint, cut_at, durable_out, count_out=None):
        os.makedirs(mountpoint, exist_ok=True)
        argv = [sys.executable, f"{HERE}/durablefs.py", backing, mountpoint]
        if cut_at:
            argv += ["--cut-at", str(cut_at), "--durable-out", durable_out]
        if count_out:
            argv += ["--count-out", count_out]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while not os.path.ismount(mountpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                raise Failure(f"durablefs did not mount: {process.stderr.read().decode()}")
            time.sleep(0.02)
        return process

    def unmount(self, mountpoint, process):
        for _ in range(100):
            if run(["umount", mountpoint]).returncode == 0:
                break
            time.sleep(0.05)
        else:
            # Something still has the mount open: say what, then detach it anyway.
            users = (
                run(["fuser", "-vm", mountpoint]).stderr.strip() if shutil.which("fuser") else "(fuser not installed)"
            )
            print(f"powerloss: note: {mountpoint} busy at unmount: {users}")
            run(["umount", "-l", mountpoint])
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def dynix(self, root, argv):
        argv = [a.replace("{root}", root) for a in argv]
        return run([self.binary, "--root", root] + argv, env=self.env)

    def story(self, mountpoint, steps, durable_out, acked):
        """Runs steps until one fails after the cut; returns the name of the step that was cut, or None."""
        for name, argv in steps:
            result = self.dynix(mountpoint, argv)
            if os.path.exists(durable_out):
                return name
            if result.returncode != 0:
                raise Failure(f"`dynix {' '.join(argv)}` failed before any cut: {result.stdout}{result.stderr}")
            acked.append((name, argv, result.stdout))
        return None

    # ---- checks ---------------------------------------------------------------------------------
    def git(self, root, *argv):
        return run(["git", "--git-dir", f"{root}/var/lib/dynix/history.git"] + list(argv))

    def check(self, root, acked):
        history = f"{root}/var/lib/dynix/history.git"
        initialized = any(name == "init" for name, _, _ in acked)
        if not initialized:
            # A cut during init: running it again must finish the job.
            result = self.dynix(root, ["init"])
            if result.returncode != 0:
                self.stats["unreadable"] += 1
                raise Failure(f"init after a cut during init: {result.stdout}{result.stderr}")
        fsck = run(["git", "--git-dir", history, "fsck", "--full", "--strict"])
        status = self.dynix(root, ["status"])
        values = set(
            self.git(
                root, "log", "main", "--format=%(trailers:key=Dynix-Value,valueonly,separator=%x0a)"
            ).stdout.split()
        )
        tags = set(self.git(root, "tag", "-l", "gen/*").stdout.split())
        events = self.git(
            root, "log", "main", "--format=%(trailers:key=Dynix-Event,valueonly,separator=)"
        ).stdout.split()
        lost = []
        for name, argv, stdout in acked:
            self.stats["acknowledged"] += 1
            if name == "append" and argv[2] not in values and f'"{argv[2]}"' not in values:
                lost.append(f"append {argv[2][:40]}")
            elif name in ("apply", "rollback"):
                match = re.search(r"generation (\d+) is live", stdout)
                if match and f"gen/{match.group(1)}" not in tags:
                    lost.append(f"{name}: gen/{match.group(1)}")
                if name == "rollback" and "rollback" not in events:
                    lost.append("rollback commit")
            elif name == "rebuild-hook" and "rebuild" not in events:
                lost.append("the rebuild hook's reset")
        self.stats["lost"] += len(lost)
        if fsck.returncode != 0 or status.returncode != 0:
            self.stats["unreadable"] += 1
            raise Failure(
                f"unreadable history: git fsck: {fsck.stdout}{fsck.stderr}; dynix status: {status.stderr}"
                + ("; acknowledged but lost: " + ", ".join(lost) if lost else "")
            )
        if lost:
            raise Failure("acknowledged but lost: " + ", ".join(lost))
        after = self.dynix(root, ["append", OPTION, "999"])
        if after.returncode != 0:
            raise Failure(f"append after recovery: {after.stdout}{after.stderr}")
        main = self.git(root, "show", "main:dynamic.nix").stdout
        with open(f"{root}/etc/nixos/dynamic.nix") as handle:
            if handle.read() != main:
                raise Failure("the dynamic file differs from main after recovery")
        if run(["nix-instantiate", "--parse", f"{root}/etc/nixos/dynamic.nix"]).returncode != 0:
            raise Failure("the dynamic file does not parse")

    # ---- rounds -----------------------------------------------------------------------------------
    def count(self):
        """The number of changing calls in an uncut story."""
        work = f"{self.base}/count"
        backing, mountpoint = f"{work}/backing", f"{work}/mnt"
        os.makedirs(backing)
        self.make_root(backing, mountpoint)
        process = self.mount(backing, mountpoint, 0, None, count_out=f"{work}/count")
        try:
            self.story(mountpoint, STORY, f"{work}/never", [])
        finally:
            self.unmount(mountpoint, process)
        with open(f"{work}/count") as handle:
            total = int(handle.read())
        shutil.rmtree(work)
        return total

    def round(self, number, cut_at, recovery_cut):
        work = f"{self.base}/round-{number}"
        backing, mountpoint, durable = f"{work}/backing", f"{work}/mnt", f"{work}/durable"
        os.makedirs(backing)
        self.make_root(backing, mountpoint)
        # The story runs at the mount point, so every path dynix records names the mount point;
        # after the cut the durable tree is moved there, as the same disk would come back.
        acked = []
        process = self.mount(backing, mountpoint, cut_at, durable)
        try:
            cut = self.story(mountpoint, STORY, durable, acked)
        finally:
            self.unmount(mountpoint, process)
        if cut is None:
            shutil.rmtree(work)
            return
        self.stats["cuts"] += 1
        self.cut_in[cut] = self.cut_in.get(cut, 0) + 1
        self.restore_at(durable, mountpoint)
        self.boot(mountpoint, 1)
        if recovery_cut:
            # The recovery itself is cut: the hook at boot and the next command, on the durable state.
            shutil.move(mountpoint, backing + "-2")
            os.makedirs(mountpoint)
            durable2 = f"{work}/durable-2"
            process = self.mount(backing + "-2", mountpoint, recovery_cut, durable2)
            try:
                self.story(
                    mountpoint,
                    [("rebuild-hook", ["rebuild-hook", "--system", "{root}/systems/1"]), ("status", ["status"])],
                    durable2,
                    [],
                )
            except Failure:
                pass  # before the cut, recovery may refuse; what counts is the state after it
            finally:
                self.unmount(mountpoint, process)
            if os.path.exists(durable2):
                self.stats["recovery-cuts"] += 1
                self.restore_at(durable2, mountpoint)
                self.boot(mountpoint, 2)
            else:
                shutil.rmtree(mountpoint)
                shutil.move(backing + "-2", mountpoint)
        self.dynix(mountpoint, ["rebuild-hook", "--system", "{root}/systems/1"])
        self.check(mountpoint, acked)
        if not self.args.keep:
            shutil.rmtree(work)

    @staticmethod
    def restore_at(durable, mountpoint):
        if os.path.lexists(mountpoint):
            shutil.rmtree(mountpoint)
        shutil.move(durable, mountpoint)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dynix", required=True)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--all", action="store_true", help="cut at every changing call of the story")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--at", help="only this cut point, K or K:RECOVERY_K (to replay a failure)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0 or not os.path.exists("/dev/fuse"):
        print("powerloss: needs root and /dev/fuse")
        print("powerloss: 0 passed, 1 failed")
        return 1
    rounds = Rounds(args)
    rng = random.Random(args.seed)
    total = rounds.count()
    points = list(range(1, total + 1)) if args.all else sorted(rng.sample(range(1, total + 1), min(args.rounds, total)))
    passed = failed = 0
    started = time.monotonic()
    if args.at:
        points = [int(args.at.split(":")[0])]
    for number, cut_at in enumerate(points):
        recovery_cut = rng.randint(1, 60) if rng.random() < 0.5 else 0
        if args.at:
            recovery_cut = int(args.at.split(":")[1]) if ":" in args.at else 0
        rounds.stats["rounds"] += 1
        try:
            rounds.round(number, cut_at, recovery_cut)
            passed += 1
            if args.verbose:
                print(f"ok   cut at {cut_at}/{total}, recovery cut {recovery_cut or '-'}")
        except (Failure, subprocess.TimeoutExpired) as error:
            failed += 1
            print(f"FAIL cut at {cut_at}/{total}, recovery cut {recovery_cut or '-'}: {error}")
    stats = rounds.stats
    print(
        f"powerloss: story of {len(STORY)} commands, {total} changing calls; {stats['rounds']} rounds in "
        f"{time.monotonic() - started:.0f} s; power cut in: "
        + ", ".join(f"{k} {v}" for k, v in sorted(rounds.cut_in.items()))
        + f"; recovery cut {stats['recovery-cuts']} times"
    )
    print(
        f"powerloss: acknowledged {stats['acknowledged']}, lost {stats['lost']}, unreadable histories {stats['unreadable']}"
    )
    if not args.keep:
        shutil.rmtree(rounds.base, ignore_errors=True)
    print(f"powerloss: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
