import DynixHistory
import DynixTestSupport
import Foundation
import XCTest

/// What the environment dynix runs in may do to it: a loose umask, a planted file, a crash point asked for.
final class HostileEnvironmentTests: XCTestCase {
    /// `dynix ARGUMENTS` started from a shell whose umask is 000.
    @discardableResult
    func underUmask000(_ root: TempRoot, _ arguments: [String]) -> RunResult {
        Run.program(["/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\"", Run.dynixBinary, "--root", root.path] + arguments)
    }

    /// Under umask 000, 19 entries of history.git (its config and refs/heads/main among them) were world-writable:
    /// another user could set `core.pager` and have root's `git log` run it.
    func testNothingDynixCreatesIsWritableByOthersWhateverTheUmask() throws {
        let root = Fixtures.applyRoot()
        for arguments in [["init"], ["append", "services.harmonia.settings.workers", "5"], ["apply"], ["checkpoint"], ["rebuild-hook"]] {
            let result = underUmask000(root, arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
        }
        var checked = 0
        var writable: [String] = []
        let manager = FileManager.default
        for top in ["var/lib/dynix", "etc/nixos/dynamic.nix"] {
            var paths = [root.file(top)]
            if let inside = manager.enumerator(atPath: root.file(top)) {
                paths += inside.compactMap { ($0 as? String).map { root.file(top) + "/" + $0 } }
            }
            for path in paths {
                var info = stat()
                XCTAssertEqual(lstat(path, &info), 0, path)
                if (info.st_mode & S_IFMT) == S_IFLNK { continue }
                checked += 1
                if info.st_mode & 0o022 != 0 { writable.append("\(path) \(String(info.st_mode & 0o7777, radix: 8))") }
            }
        }
        XCTAssertGreaterThan(checked, 20)
        XCTAssertEqual(writable, [], "writable by group or others")
        // Still readable by others, as documented (`dynix log` without sudo).
        var info = stat()
        XCTAssertEqual(stat(root.historyPath + "/HEAD", &info), 0)
        XCTAssertNotEqual(info.st_mode & 0o004, 0)
    }

    /// `init --import` wrote `$TMPDIR/dynix-import-<pid>.nix`, a name another user could plant first (root then
    /// copied the planted file's mode, 04777, and had Nix evaluate what was there).
    func testImportDoesNotUseAPlantedFile() throws {
        let root = TempRoot()
        let tmp = root.file("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        chmod(tmp, 0o1777)
        // Code, not data: dynix has Nix evaluate it and compares the folds through a file of its own.
        root.write("prototype.nix", "let jobs = 4; in [ { services.a.b = jobs; } { services.a.c = \"x\"; } ]\n")
        // The shell plants the name for its own pid, then becomes dynix: the very name the import would use.
        let script = """
            planted="$TMPDIR/dynix-import-$$.nix"
            printf 'throw "the planted file was evaluated"\\n' > "$planted"
            chmod 4777 "$planted"
            exec "$0" "$@"
            """
        let result = Run.program(
            ["/bin/sh", "-c", script, Run.dynixBinary, "--root", root.path, "init", "--import", root.file("prototype.nix")],
            environment: ["TMPDIR": tmp])
        XCTAssertEqual(result.status, 0, result.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp)
        XCTAssertEqual(names.count, 1, "\(names): the planted file alone, no directory left behind")
        let planted = tmp + "/" + (names.first ?? "")
        XCTAssertEqual(try? String(contentsOfFile: planted, encoding: .utf8), "throw \"the planted file was evaluated\"\n")
        var info = stat()
        XCTAssertEqual(stat(planted, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o4777, "the planted file is as it was: not replaced, not removed")
    }

    /// A stricter umask than dynix's own (077) is kept: what libgit2 creates is then for root alone.
    func testAStricterUmaskIsKept() throws {
        let root = TempRoot()
        let result = Run.program(["/bin/sh", "-c", "umask 077; exec \"$0\" \"$@\"", Run.dynixBinary, "--root", root.path, "init"])
        XCTAssertEqual(result.status, 0, result.stderr)
        var info = stat()
        XCTAssertEqual(stat(root.historyPath + "/config", &info), 0)
        XCTAssertEqual(info.st_mode & 0o077, 0, String(info.st_mode & 0o7777, radix: 8))
    }

    /// `adopt` refused at the branch update: the hand edit it was recording is what goes back, not the old content.
    func testARefusedAdoptKeepsTheHandEdit() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0)
        let edited = root.dynamicFile.replacingOccurrences(of: "services.a = 1;", with: "services.a = 2;")
        root.write("etc/nixos/dynamic.nix", edited)
        let refused = Run.dynix(root, ["adopt"], environment: ["DYNIX_FAULT_REFUSE": "branch-update"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertEqual(root.read("etc/nixos/dynamic.nix"), edited)
        XCTAssertEqual(Run.dynix(root, ["adopt"]).status, 0)
        XCTAssertTrue(Run.git(root, ["show", "main:dynamic.nix"]).stdout.contains("services.a = 2;"))
    }

    /// The debug build (these tests) has the crash points; Tests/nixos/package/run.sh checks that a release build ignores them.
    func testTheTestBuildHasItsCrashPoints() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let killed = Run.dynix(root, ["append", "services.a", "1"], environment: ["DYNIX_FAULT": "objects-written"])
        XCTAssertEqual(killed.status, 128 + SIGKILL, "SIGKILL at objects-written")
    }

    /// The lock as a hard link to another file: taking the lock wrote the holder's pid into that file, truncating it.
    func testALockThatIsAHardLinkIsRefused() throws {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        root.write("precious", "do not truncate me\n")
        let lock = root.file("var/lib/dynix/lock")
        unlink(lock)
        XCTAssertEqual(link(root.file("precious"), lock), 0)
        let refused = Run.dynix(root, ["append", "services.a", "1"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.hasPrefix("dynix: error: \(lock) is not dynix's own lock file"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("hint: "), refused.stderr)
        XCTAssertEqual(root.read("precious"), "do not truncate me\n")
        unlink(lock)
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0, "a new lock is made")
    }

    /// Root-owned symlinks at dynix's own state files were written through to their targets.
    func testStateFilesAreReplacedNotWrittenThrough() throws {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        root.write("victim", "untouched\n")
        for name in ["file-stamp", "build-input.nix"] {
            let path = root.file("var/lib/dynix/" + name)
            unlink(path)
            XCTAssertEqual(symlink(root.file("victim"), path), 0)
        }
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "5"]).status, 0)
        let applied = Run.dynix(root, ["apply"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(root.read("victim"), "untouched\n")
        var info = stat()
        XCTAssertEqual(lstat(root.file("var/lib/dynix/file-stamp"), &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, "the link was replaced by dynix's own file")
    }

    /// A full disk said "write blob: libgit2 error -1" or "….txn…: No space left", with no hint.
    func testAFullDiskIsNamedWithAHint() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to mount a small tmpfs") }
        let root = TempRoot()
        guard Run.program(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", root.path]).status == 0 else {
            throw XCTSkip("mounting a tmpfs is not allowed here")
        }
        defer { Run.program(["umount", "-l", root.path]) }
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0)
        let file = root.read("etc/nixos/dynamic.nix")
        let head = Run.git(root, ["rev-parse", "main"]).stdout
        // Fill the file system to the last block.
        Run.program(["dd", "if=/dev/zero", "of=\(root.path)/filler", "bs=64k"])
        Run.program(["dd", "if=/dev/zero", "of=\(root.path)/filler2", "bs=1k"])
        let refused = Run.dynix(root, ["append", "services.b", String(repeating: "x", count: 100_000)])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.hasPrefix("dynix: error: cannot write "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("No space left on device"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("hint: free space on the file system"), refused.stderr)
        XCTAssertEqual(root.read("etc/nixos/dynamic.nix"), file)
        XCTAssertEqual(Run.git(root, ["rev-parse", "main"]).stdout, head)
        unlink(root.path + "/filler")
        unlink(root.path + "/filler2")
        XCTAssertEqual(Run.dynix(root, ["append", "services.b", "2"]).status, 0)
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
        XCTAssertFalse(root.read("etc/nixos/dynamic.nix")?.contains("xxxx") ?? true, "the refused value did not reach the file")
    }

    /// A read-only file system told root to "run it with sudo".
    func testAReadOnlyFileSystemIsNamed() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to mount") }
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let state = root.file("var/lib/dynix")
        guard Run.program(["mount", "--bind", state, state]).status == 0 else { throw XCTSkip("mount is not allowed here") }
        defer { Run.program(["umount", state]) }
        guard Run.program(["mount", "-o", "remount,ro,bind", state]).status == 0 else { throw XCTSkip("read-only remount is not allowed here") }
        let refused = Run.dynix(root, ["append", "services.a", "1"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Read-only file system"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("sudo"), refused.stderr)
    }

    /// With refs/tags/gen/2 deleted, `status` said generation 2 was live, `generations` listed only 1, and nothing
    /// named the missing tag.
    func testAMissingGenerationTagIsSaidWithTheWayToRestoreIt() throws {
        let root = Fixtures.applyRoot()
        Run.dynix(root, ["init"])
        for workers in ["5", "6"] {
            XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", workers]).status, 0)
            XCTAssertEqual(Run.dynix(root, ["apply"]).status, 0)
        }
        func missingTags() -> [[String: Any]]? {
            let document = try? JSONSerialization.jsonObject(with: Data(Run.dynix(root, ["status", "--json"]).stdout.utf8)) as? [String: Any]
            return document?["missingTags"] as? [[String: Any]]
        }
        XCTAssertEqual(missingTags()?.count, 0)
        let commit = Run.git(root, ["rev-parse", "gen/2^{commit}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Run.git(root, ["tag", "-d", "gen/2"]).status, 0)
        let status = Run.dynix(root, ["status"])
        XCTAssertTrue(status.stdout.contains("missing tag"), status.stdout)
        XCTAssertTrue(status.stdout.contains("gen/2 (generation 2) is gone"), status.stdout)
        XCTAssertTrue(status.stdout.contains(commit), status.stdout)
        XCTAssertEqual(missingTags()?.first?["generation"] as? Int, 2)
        XCTAssertEqual(missingTags()?.first?["commit"] as? String, commit)
        // The way status gives, followed word for word.
        let line = status.stdout.split(separator: "\n").first { $0.contains("restore it: ") }.map(String.init) ?? ""
        let command = String(line[line.range(of: "restore it: ")!.upperBound...])
        XCTAssertEqual(Run.program(["/bin/sh", "-c", command]).status, 0, command)
        XCTAssertFalse(Run.dynix(root, ["status"]).stdout.contains("missing tag"))
        XCTAssertTrue(Run.dynix(root, ["generations"]).stdout.contains("2"))
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// The head's blob replaced by another valid object (a misdirected write): `append` blamed the file ("changed
    /// outside dynix") instead of the history.
    func testAReplacedHeadBlobIsBlamedOnTheHistoryNotTheFile() throws {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0)
        let blob = Run.git(root, ["rev-parse", "main:dynamic.nix"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let other = Run.program(["git", "--git-dir", root.historyPath, "hash-object", "-w", "--stdin"], input: "[\n]\n").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let objects = root.historyPath + "/objects/"
        let target = objects + blob.prefix(2) + "/" + blob.dropFirst(2)
        let source = objects + other.prefix(2) + "/" + other.dropFirst(2)
        chmod(target, 0o644)
        try FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: source, toPath: target)
        unlink(root.file("var/lib/dynix/file-stamp"))  // no stamp vouches for the file: the bytes are compared
        let refused = Run.dynix(root, ["append", "services.b", "2"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertFalse(refused.stderr.contains("changed outside dynix"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("history repository"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("fsck"), refused.stderr)
    }

    /// One refused write at the branch update: exit 1 ("No space left"), yet the next command quietly committed the
    /// refused value, and the next rebuild used it.
    func testARefusedBranchUpdateChangesNothing() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0)
        let file = root.read("etc/nixos/dynamic.nix")
        let head = Run.git(root, ["rev-parse", "main"]).stdout
        let refused = Run.dynix(root, ["append", "services.b", "2"], environment: ["DYNIX_FAULT_REFUSE": "branch-update"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("No space left on device"), refused.stderr)
        XCTAssertEqual(root.read("etc/nixos/dynamic.nix"), file, "the file is put back")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("var/lib/dynix/txn")))
        for arguments in [["status"], ["log"], ["append", "services.c", "3"]] { XCTAssertEqual(Run.dynix(root, arguments).status, 0, "\(arguments)") }
        XCTAssertEqual(Run.git(root, ["rev-list", "--count", head.trimmingCharacters(in: .whitespacesAndNewlines) + "..main"]).stdout, "1\n")
        XCTAssertFalse(root.read("etc/nixos/dynamic.nix")?.contains("services.b") ?? true, "the refused value never came back")
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// When even putting the file back is refused, the command says what is on disk, with a status of its own.
    func testAChangeThatCannotBeTakenBackIsSaidSo() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        let refused = Run.dynix(root, ["append", "services.b", "2"], environment: ["DYNIX_FAULT_REFUSE": "branch-update,put-back"])
        XCTAssertEqual(refused.status, 6, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("already holds the change"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("hint: once the cause is gone"), refused.stderr)
        XCTAssertEqual(Run.dynix(root, ["append", "services.c", "3"]).status, 0)
        let log = Run.git(root, ["log", "--format=%s"]).stdout
        XCTAssertTrue(log.contains("services.b") && log.contains("services.c"), log)
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// `checkpoint` exited 1 after its compaction commit was already recorded.
    func testACheckpointThatCannotPackSaysWhatItRecorded() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        for value in ["1", "2"] { XCTAssertEqual(Run.dynix(root, ["append", "services.a", value]).status, 0) }
        let partly = Run.dynix(root, ["checkpoint"], environment: ["DYNIX_FAULT_REFUSE": "pack"])
        XCTAssertEqual(partly.status, 6, partly.stderr)
        XCTAssertTrue(partly.stderr.contains("the file was compacted and that is recorded"), partly.stderr)
        XCTAssertTrue(Run.git(root, ["log", "-1", "--format=%s"]).stdout.hasPrefix("checkpoint:"))
        // Already compact: nothing to record, so a refused packing changes nothing and exits 1.
        let refused = Run.dynix(root, ["checkpoint"], environment: ["DYNIX_FAULT_REFUSE": "pack"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertEqual(Run.dynix(root, ["checkpoint"]).status, 0)
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// libgit2 1.5, at ENOSPC on the commit object's write, returns success and an id never written; dynix then wrote
    /// the txn record and the file, the branch update failed, and every later write was refused ("changed outside
    /// dynix") while the refused value stayed in the file for the next rebuild.
    func testACommitLibgit2DidNotWriteIsNeverNamed() {
        let root = TempRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1"]).status, 0)
        let file = root.read("etc/nixos/dynamic.nix")
        let refused = Run.dynix(root, ["append", "services.b", "2"], environment: ["DYNIX_FAULT_REFUSE": "commit-object"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("which libgit2 reported written; nothing was recorded"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("hint: a full disk does this"), refused.stderr)
        XCTAssertEqual(root.read("etc/nixos/dynamic.nix"), file)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("var/lib/dynix/txn")))
        XCTAssertEqual(Run.dynix(root, ["append", "services.c", "3"]).status, 0, "later writes are not refused")
        XCTAssertFalse(root.read("etc/nixos/dynamic.nix")?.contains("services.b") ?? true)
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// The clock stepped back a year between two appends (libfaketime, which scripts/test installs): nothing is
    /// lost, the history keeps the order the commits were made in, and a hand edit is still told from dynix's write.
    func testAClockSteppedBackLosesNothing() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") else { throw XCTSkip("faketime is not installed") }
        let root = TempRoot()
        Run.dynix(root, ["init"])
        XCTAssertEqual(Run.dynix(root, ["append", "services.a", "1", "-m", "first"]).status, 0)
        let back = ["/usr/bin/faketime", "-f", "-400d", Run.dynixBinary, "--root", root.path]
        XCTAssertEqual(Run.program(back + ["append", "services.b", "2", "-m", "second, the clock a year back"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["append", "services.c", "3", "-m", "third"]).status, 0)
        XCTAssertEqual(
            Run.git(root, ["log", "--format=%s"]).stdout,
            "third\nsecond, the clock a year back\nfirst\nstart the dynamic configuration history\n")
        let log = Run.dynix(root, ["log", "--oneline"]).stdout
        XCTAssertEqual(log.split(separator: "\n").count, 4, log)
        XCTAssertTrue(root.read("etc/nixos/dynamic.nix")?.contains("services.c = 3;") ?? false)
        root.write("etc/nixos/dynamic.nix", root.dynamicFile + "# edited by hand\n")
        let refused = Run.program(back + ["append", "services.d", "4"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("was changed outside dynix"), refused.stderr)
        XCTAssertEqual(Run.git(root, ["fsck", "--full", "--strict"]).status, 0)
    }

    /// The programs dynix starts inherited its whole environment: a `BASH_ENV` or an exported bash function
    /// ran in the (bash) activation program as root. They now get README's list ("The programs dynix starts").
    func testTheProgramsDynixStartsGetOnlyWhatTheyNeed() throws {
        let root = Fixtures.applyRoot()
        let build = root.read("bin/build")!
        root.write("bin/build", build.replacingOccurrences(of: "#!/bin/sh\n", with: "#!/bin/sh\nenv > \(root.file("build.env"))\n"))
        root.write("planted.sh", "touch \(root.file("bash-env-ran"))\n")
        Run.dynix(root, ["init"])
        let result = Run.dynix(
            root, ["append", "services.harmonia.settings.workers", "5", "--apply"],
            environment: [
                "BASH_ENV": root.file("planted.sh"), "ENV": root.file("planted.sh"),
                "BASH_FUNC_grep%%": "() { touch \(root.file("function-ran")); }",
                "PERL5OPT": "-Mstrict", "PYTHONPATH": "/nonexistent", "LD_LIBRARY_PATH": "/nonexistent", "GIT_DIR": "/nonexistent",
                "NIX_PATH": "nixpkgs=/nonexistent", "NIX_CONFIG": "plugin-files = /nonexistent.so", "DYNIX_SYSTEMCTL": "/nonexistent",
                "NIXOS_ACTION": "switch", "LC_TIME": "C", "LANG": "C.UTF-8",
            ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("bash-env-ran")), "BASH_ENV was sourced by the activation")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.file("function-ran")), "an exported function ran in the activation")
        let names = Set(Fixtures.lines(root, "build.env").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        for kept in ["PATH", "NIX_PATH", "LC_TIME", "LANG"] {
            XCTAssertTrue(names.contains(kept), "\(kept) reaches the build: \(names.sorted())")
        }
        for dropped in [
            "BASH_ENV", "ENV", "BASH_FUNC_grep%%", "PERL5OPT", "PYTHONPATH", "LD_LIBRARY_PATH", "GIT_DIR", "NIX_CONFIG", "DYNIX_SYSTEMCTL", "NIXOS_ACTION",
        ] {
            XCTAssertFalse(names.contains(dropped), "\(dropped) reached the build")
        }
        // Everything else the build saw is on README's list, or set by its own shell.
        let listed: Set<String> = [
            "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TERM", "NO_COLOR", "LANG", "LANGUAGE", "TZ", "TZDIR", "LOCALE_ARCHIVE", "NIX_PATH", "NIX_REMOTE",
            "NIX_SSL_CERT_FILE",
        ]
        let unlisted = names.filter { name in
            !listed.contains(name) && !["PWD", "SHLVL", "_", "OLDPWD"].contains(name)
                && !["LC_", "SSL_CERT_"].contains(where: name.hasPrefix)
                && !name.lowercased().hasSuffix("_proxy")
        }
        XCTAssertEqual(unlisted, [], "\(names.sorted())")
    }

    /// What another user can do with what dynix makes, tried as that user (`setpriv`): plant a file in any of dynix's
    /// directories, write to any of its files, or, where an administrator made /etc/nixos group-writable, put a link
    /// to a root-only file in place of `dynamic.nix`. None of it reaches what root reads, writes or records.
    func testAnUnprivilegedUserCannotPlantWhatRootReadsOrWrites() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to switch to an unprivileged user") }
        let root = Fixtures.applyRoot()
        chmod(root.path, 0o755)
        XCTAssertEqual(Run.dynix(root, ["init"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["append", "services.harmonia.settings.workers", "5", "--apply"]).status, 0)
        XCTAssertEqual(Run.dynix(root, ["checkpoint"]).status, 0)
        let spooled = Run.dynix(root, ["rebuild-hook"], environment: ["DYNIX_FAULT_REFUSE": "branch-update"])
        XCTAssertEqual(spooled.status, 0, spooled.stderr)
        var targets: [String] = []
        for top in ["var/lib/dynix", "run/dynix"] where FileManager.default.fileExists(atPath: root.file(top)) {
            targets.append(root.file(top))
            for case let relative as String in FileManager.default.enumerator(atPath: root.file(top))! {
                targets.append(root.file(top + "/" + relative))
            }
        }
        XCTAssertGreaterThan(targets.count, 20)
        // As nobody: for each directory, plant a file and a link; for each file, append to it.
        let script = """
            for t in "$@"; do
              if [ -d "$t" ] && [ ! -L "$t" ]; then
                touch "$t/planted" 2>/dev/null && echo "planted in $t"
                ln -s /etc/shadow "$t/planted-link" 2>/dev/null && echo "linked in $t"
              elif [ -f "$t" ] && [ ! -L "$t" ]; then
                (: >> "$t") 2>/dev/null && echo "wrote $t"
              fi
            done
            exit 0
            """
        let attempt = Run.program(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", script, "sh"] + targets)
        XCTAssertEqual(attempt.status, 0, attempt.stderr)
        XCTAssertEqual(attempt.stdout, "", "another user changed what dynix keeps")

        // A group-writable /etc/nixos (some administrators share it): the user swaps dynamic.nix for a link to a
        // root-only file, hoping root records that file in the world-readable history.
        let secret = "root-only secret \(UUID().uuidString)"
        root.write("secret", secret + "\n")
        chmod(root.file("secret"), 0o600)
        chown(root.file("etc/nixos"), 0, 65534)
        chmod(root.file("etc/nixos"), 0o775)
        let swap = Run.program([
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c",
            "cd \"$0\" && ln -s \"$1\" planted && mv -f planted dynamic.nix", root.file("etc/nixos"), root.file("secret"),
        ])
        XCTAssertEqual(swap.status, 0, swap.stderr)
        for command in [["append", "services.harmonia.settings.workers", "6"], ["adopt"], ["status"]] {
            let refused = Run.dynix(root, command)
            XCTAssertEqual(refused.status, 1, "\(command): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("symbolic link owned by uid 65534"), refused.stderr)
        }
        XCTAssertFalse(Run.git(root, ["log", "-p", "--all"]).stdout.contains(secret), "the root-only file reached the history")
        XCTAssertEqual(root.read("secret"), secret + "\n")
    }
}
