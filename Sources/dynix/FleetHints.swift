import DynixHistory

extension FleetError {
    /// What to do about a fleet refusal (README, "Fleet history").
    var hint: String? {
        switch self {
        case .invalidHostName: return "use the host's short name: letters, digits, '.', '_' and '-', beginning with a letter or digit"
        case .invalidPublicKey: return "give the host's public key: the .pub file beside its identity file, or its one line"
        case .notCentral(let path): return "create it with `dynix fleet init --central \(path)`"
        case .centralInTheWay: return "choose an empty or new directory"
        case .hostAlreadyRegistered:
            return "a host is registered once; changing a host's key is not supported yet (the stored signatures are checked against the key it has)"
        case .unsafePath: return "use an absolute path of letters, digits, '.', '_', '+', '-' and '/'"
        case .keyAlreadyRegistered: return "each host signs with a key of its own: make one on the host (`ssh-keygen -t ed25519`)"
        case .notOwner(_, let owner): return "run it as that user: `sudo -u \(owner) dynix fleet …` (files of another user would stop the hosts' pushes)"
        case .unknownHost(_, let central): return "register it with `dynix fleet add-host --central \(central) HOST --key KEY.pub`"
        case .notAPush: return "this key pushes with `dynix push`; it cannot log in, list or fetch"
        case .pushRefused: return "the central side keeps each host's history as the host made it: linear, complete, signed by its key"
        case .gitFailed: return nil
        case .noCentralConfiguration: return "set programs.dynix.central in the NixOS configuration (README, \"Fleet history\")"
        case .centralConfiguration: return "the NixOS module writes this file from programs.dynix.central; rebuild with `nixos-rebuild switch`"
        case .pushFailed:
            return
                "the history stays here and the next push (dynix-push.timer, every 15 minutes) sends everything since; `dynix status` shows how far behind the central copy is"
        case .receiptNotStored:
            return "the history is there; tell the central side's administrator: `dynix fleet verify` names the refs no receipt vouches for"
        case .bundleSignature: return "sign it on the host with `dynix push --bundle FILE`, which writes FILE.sig with the host's key"
        case .unvouchedReferences:
            return
                "a ref was moved on the central side without a signed push; the host's own history and `git reflog` on the central repository show what it was"
        case .noHistory: return "the host has not pushed yet: `dynix push` on it, or `dynix fleet import` of its bundle"
        }
    }
}
