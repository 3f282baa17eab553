/// What the operator asks a running brazosrun on its job-control socket (`JobControl`):
/// one line.
enum JobRequest: Equatable {
    /// `status`: the job in full.
    case status
    /// `drain K`: move node K's threads away and let it leave.
    case drain(node: Int)
    /// `join` or `join HOST`: start a node that joins the job, on HOST or this machine.
    case join(host: String?)

    var line: String {
        switch self {
        case .status: return "status"
        case let .drain(node): return "drain \(node)"
        case let .join(host): return host.map { "join \($0)" } ?? "join"
        }
    }

    /// The request `line` holds, or nil: a pure function of the line, that never traps.
    init?(line: Substring) {
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        switch (words.first, words.count) {
        case ("status", 1): self = .status
        case ("drain", 2):
            guard let node = Int(words[1]), node >= 0 else { return nil }
            self = .drain(node: node)
        case ("join", 1): self = .join(host: nil)
        case ("join", 2) where !words[1].isEmpty: self = .join(host: String(words[1]))
        default: return nil
        }
    }
}

/// brazosrun's answer to a `JobRequest`: done (`ok: ...`), refused (`refused: ...`), or a
/// report of the job (several lines).
enum JobAnswer: Equatable {
    case accepted(String)
    case refused(String)
    case report(String)

    /// As the operator reads it, and as it travels.
    var text: String {
        switch self {
        case let .accepted(text): return "ok: " + text
        case let .refused(reason): return "refused: " + reason
        case let .report(text): return text
        }
    }

    /// The answer `text` holds; a report is any text that is not a verdict.
    init(text: Substring) {
        if text.hasPrefix("ok: ") {
            self = .accepted(String(text.dropFirst("ok: ".count)))
        } else if text.hasPrefix("refused: ") {
            self = .refused(String(text.dropFirst("refused: ".count)))
        } else {
            self = .report(String(text))
        }
    }

    var isAccepted: Bool { if case .accepted = self { return true } else { return false } }

    init<Refusal: CustomStringConvertible>(_ decision: Result<String, Refusal>) {
        switch decision {
        case let .success(text): self = .accepted(text)
        case let .failure(refusal): self = .refused(refusal.description)
        }
    }
}
