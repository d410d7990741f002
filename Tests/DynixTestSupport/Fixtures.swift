import Foundation

/// Manifests and build programs for test roots.
package enum Fixtures {
    /// The option that tells `applyRoot`'s programs how to behave when a generation holding it is built or
    /// activated: a generation's behaviour is its own, so a rollback to an earlier one behaves as that one did.
    package static let activation = "services.fixture.activation"

    package enum Behaviour: String, CaseIterable {
        /// The activation exits 3 ("service refused to start").
        case fails
        /// The activation takes 4 s.
        case slow
        /// The build takes 6 s.
        case slowBuild = "slow-build"
        /// The activation leaves a process running for 30 s with its output open.
        case background
        /// The activation writes its signal mask to `activation-signals` and leaves a daemon (`daemon.pid`).
        case signals
        /// The activation closes its output, then takes 8 s.
        case closedOutput = "closed-output"
    }

    package static func harmoniaManifest(buildFields: String = "") -> String {
        """
        {
          "version": 1,
          "options": {
            "services.harmonia.settings.workers": { "type": "int", "static": 4 },
            "services.harmonia.settings.max_connection_rate": { "type": "int", "static": 256 },
            "services.harmonia.settings.priority": { "type": { "nullOr": "int" } },
            "services.distccd.logLevel": { "type": { "enum": ["critical", "error", "warning", "notice", "info", "debug"] }, "static": "warning" },
            "services.distccd.enable": { "type": "bool", "static": true },
            "services.gotosocial.settings.application-name": { "type": "str", "static": "gotosocial-for-machine" },
            "services.nginx.virtualHosts": { "type": "attrs" },
            "services.x.ratio": { "type": "float" },
            "services.x.hosts": { "type": { "listOf": "str" } },
            "services.distccd.nice": { "type": { "nullOr": "int" }, "min": -20, "max": 19 },
            "services.x.ports": { "type": { "listOf": "int" }, "min": 1, "max": 65535 },
            "\(activation)": { "type": { "nullOr": { "enum": [\(Behaviour.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))] } } }
          }\(buildFields)
        }
        """
    }

    /// A root with the manifest above whose `build` is a shell script that records each run in
    /// `build.log` and writes an activation program that appends the effective file to `activations.log` and
    /// behaves as the file's last `activation` entry says (`Behaviour`); `restoreStatic` records itself too, and
    /// fails while the root holds `restore-fails`; the health check fails while it holds `check-fails`. The activation is bash,
    /// which keeps the signal mask it was started with (dash clears it, and would hide a blocked mask).
    /// `activationDryRun`: the manifest says the activation program takes `--dry-run` (it then prints
    /// `would restart demo-XXXX.service` and changes nothing).
    /// `root`: where to write it (a fresh one by default; a test may mount a file system there first).
    package static func applyRoot(activationDryRun: Bool = false, in root: TempRoot = TempRoot()) -> TempRoot {
        root.switchStatic(to: 1)
        root.setBootID("boot-1")
        let build = root.file("bin/build")
        root.write(
            "bin/build",
            """
            #!/bin/sh
            set -e
            echo "build $1" >> \(root.file("build.log"))
            behaviour=$(grep -o '\(activation) = [^;]*' "$1" | tail -n 1 | cut -d '"' -f 2)
            if [ "$behaviour" = slow-build ]; then sleep 6; fi
            hash=$(sha256sum "$1" | cut -c1-16)
            program=\(root.file("store"))/$hash-activate
            mkdir -p \(root.file("store"))
            cp "$1" \(root.file("store"))/$hash-dynamic.nix
            cat > "$program" <<SCRIPT
            #!/bin/bash
            if [ "\\$1" = --dry-run ]; then echo "would restart demo-\\$(echo $hash | cut -c1-4).service"; exit 0; fi
            echo "activating $hash"
            echo "$hash" >> \(root.file("activations.log"))
            if [ "$behaviour" = fails ]; then echo "service refused to start" >&2; exit 3; fi
            if [ "$behaviour" = background ]; then sleep 30 & fi
            if [ "$behaviour" = slow ]; then sleep 4; fi
            if [ "$behaviour" = signals ]; then
              grep -E '^Sig(Blk|Ign):' /proc/self/status > \(root.file("activation-signals"))
              sleep 300 </dev/null >/dev/null 2>&1 &
              echo \\$! > \(root.file("daemon.pid"))
            fi
            if [ "$behaviour" = closed-output ]; then exec >/dev/null 2>&1; sleep 8; fi
            exit 0
            SCRIPT
            chmod +x "$program"
            echo "static-system: $(readlink \(root.file("run/current-system")))"
            echo "$program"
            """)
        root.write(
            "bin/restore-static",
            "#!/bin/sh\necho static >> \(root.file("activations.log"))\n[ ! -e \(root.file("restore-fails")) ] || { echo 'restore broke' >&2; exit 1; }\n")
        root.write("bin/check", "#!/bin/sh\n[ ! -e \(root.file("check-fails")) ] || { echo 'not healthy' >&2; exit 1; }\n")
        chmod(root.file("bin/check"), 0o755)
        chmod(build, 0o755)
        chmod(root.file("bin/restore-static"), 0o755)
        let fields = """
            ,
              "build": ["\(build)", "{file}"],
              "restoreStatic": ["\(root.file("bin/restore-static"))"],
              "check": ["\(root.file("bin/check"))"]\(activationDryRun ? ",\n  \"activationDryRun\": true" : "")
            """
        root.write("etc/dynix/manifest.json", harmoniaManifest(buildFields: fields))
        return root
    }

    package static func lines(_ root: TempRoot, _ file: String) -> [String] {
        (root.read(file) ?? "").split(separator: "\n").map(String.init)
    }
}
