import Glibc

/// The environment of every program dynix starts: the manifest's `build`, activation program, `check` and
/// `restoreStatic`, and `nix-instantiate`. They get what they need to find programs, speak the user's language and
/// reach Nix; nothing that makes a shell, Perl, Python, Nix or the dynamic loader run code the program did not name
/// (`BASH_ENV`, exported bash functions, `PERL5OPT`, `LD_PRELOAD`, `NIX_CONFIG`'s `plugin-files`, the activation
/// snippets' `DYNIX_SYSTEMCTL` test override…), since an activation program is a bash script, nixpkgs' switch
/// program Perl, and dynix runs them as root. `PATH`, `HOME` and `NIX_PATH` pass: the caller's own, and trusted, as
/// they are by `nixos-rebuild` (they choose what is built). The list is README's ("The programs dynix starts").
/// The pager is the caller's own choice of program and gets dynix's environment.
enum ChildEnvironment {
    static let names: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TERM", "NO_COLOR",
        "LANG", "LANGUAGE", "TZ", "TZDIR", "LOCALE_ARCHIVE",
        // Nix: where `<nixpkgs>` is (the default `configExpression`), which daemon, which CA bundle.
        "NIX_PATH", "NIX_REMOTE", "NIX_SSL_CERT_FILE",
        // What Nix needs to reach a substituter (the build may fetch).
        "http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
        "SSL_CERT_FILE", "SSL_CERT_DIR",
    ]
    /// Locale categories.
    static let prefixes = ["LC_"]

    static func passes(_ name: Substring) -> Bool {
        names.contains(String(name)) || prefixes.contains { name.hasPrefix($0) }
    }

    /// Copies of the entries of dynix's environment that pass, for `posix_spawn`; the caller frees them.
    static func entries() -> [UnsafeMutablePointer<CChar>?] {
        var result: [UnsafeMutablePointer<CChar>?] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "="), passes(text[..<equals]) { result.append(strdup(entry)) }
            cursor += 1
        }
        return result
    }
}
