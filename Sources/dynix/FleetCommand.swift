import ArgumentParser
import DynixHistory

/// `dynix fleet`: the central side, where every host's history is kept and read (README, "Fleet history").
struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "The central side: one repository holding every host's history, pushed over ssh and verifiable.",
        subcommands: [
            FleetInitCommand.self, FleetAddHostCommand.self, FleetReceiveCommand.self, FleetImportCommand.self, FleetVerifyCommand.self,
            FleetLiveCommand.self, FleetStatusCommand.self, FleetTimelineCommand.self, FleetHookCommand.self,
        ]
    )
}

/// The options every `fleet` command takes.
struct CentralOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The central repository.", valueName: "DIR"), completion: .directory)
    var central: String

    @Option(help: ArgumentHelp("Color: auto (on a terminal, not with NO_COLOR), always or never.", valueName: "WHEN"))
    var color: Terminal.ColorMode = GlobalSettings().color

    func validate() throws { Terminal.colorMode = color }

    func open() throws -> CentralRepository { try CentralRepository.open(central) }
}

struct FleetInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the central repository, or bring an existing one's policy and hooks up to date.")

    @OptionGroup var options: CentralOptions

    func run() throws {
        try ErrorVoice.reporting {
            let (central, outcome) = try CentralRepository.initialize(at: options.central, program: RunningProgram.path)
            switch outcome {
            case .created: Terminal.out("dynix: created central repository \(central.path)")
            case .reinitialized: Terminal.out("dynix: reinitialized central repository \(central.path) (policy and hooks)")
            }
        }
    }
}

struct FleetAddHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-host", abstract: "Register HOST's ssh key; print the one authorized_keys line that lets it push, and nothing else.")

    @OptionGroup var options: CentralOptions

    @Argument(help: ArgumentHelp("The host's name: letters, digits, '.', '_' and '-'.", valueName: "HOST"))
    var host: String

    @Option(help: ArgumentHelp("The host's public key: a .pub file, or the key itself.", valueName: "PUBKEY"))
    var key: String

    func run() throws {
        try ErrorVoice.reporting {
            let name = try HostName(host)
            let line = try options.open().addHost(name, key: try PublicKey(fileOrKey: key), program: RunningProgram.path)
            Terminal.out(line)
        }
    }
}

struct FleetReceiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "The forced command of a host's key: serve one push into HOST's namespace, and nothing else.",
        discussion: "sshd runs it (authorized_keys `command=`); the request comes from SSH_ORIGINAL_COMMAND.")

    @OptionGroup var options: CentralOptions

    @Argument(help: ArgumentHelp("The host this key belongs to.", valueName: "HOST"))
    var host: String

    func run() throws {
        try ErrorVoice.reporting {
            try ReceivePack.serve(central: options.central, host: try HostName(host), request: ProcessEnvironment.value("SSH_ORIGINAL_COMMAND"))
        }
    }
}

struct FleetHookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Run by the central repository's git hooks: the rules of what a host may push.", shouldDisplay: false)

    @Argument(help: ArgumentHelp("pre-receive, update or post-receive.", valueName: "NAME"))
    var name: String

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("What git passes the hook.", valueName: "ARGUMENTS"))
    var arguments: [String] = []

    func run() throws {
        try ErrorVoice.reporting {
            let input = name == "update" ? "" : Terminal.readStandardInput()
            try PushPolicy.forHook().runHook(name, arguments: arguments, input: input)
        }
    }
}

struct FleetImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Take in an air-gapped host's signed bundle (`dynix push --bundle`), with every rule of a push.")

    @OptionGroup var options: CentralOptions

    @Argument(help: ArgumentHelp("The host that signed it.", valueName: "HOST"))
    var host: String

    @Argument(help: ArgumentHelp("The bundle; its signature is BUNDLE.sig.", valueName: "BUNDLE"), completion: .file())
    var bundle: String

    func run() throws {
        try ErrorVoice.reporting {
            let changed = try options.open().importBundle(bundle, host: try HostName(host))
            Terminal.out(changed ? "dynix: imported \(host)'s bundle" : "dynix: \(host)'s bundle holds nothing new")
        }
    }
}

struct FleetVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check, offline, that a stored signature of each host vouches for every ref it has here; name each one that none does.")

    @OptionGroup var options: CentralOptions

    @Option(
        help: ArgumentHelp(
            "Check against these keys (an allowed-signers file kept outside DIR) instead of DIR/fleet/allowed-signers.", valueName: "FILE"),
        completion: .file())
    var keys: String?

    func run() throws {
        try ErrorVoice.reporting {
            let result = try options.open().verify(keys: keys)
            Terminal.out(
                "dynix: verified \(counted(result.hosts, "host", "hosts")), \(counted(result.receipts, "receipt", "receipts")), "
                    + "\(counted(result.references, "ref", "refs")): each ref is where a signed push left it")
        }
    }
}
