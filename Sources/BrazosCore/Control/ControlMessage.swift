/// A message of the control protocol between brazosrun and its nodes (docs/ARCHITECTURE.md,
/// "The control protocol"): one line on the authenticated control connection, a verb, then
/// a space and its text when it has one. Each direction has a type of its own
/// (`LauncherMessage`, `NodeMessage`), so a message can only be sent the way it goes, and
/// what a message means is decided on its case, never on its text.
public protocol ControlMessage: Equatable, Sendable {
    /// The message as one line, without its newline: free text in it (a reason, a host) has
    /// its line breaks replaced by spaces.
    func encode() -> String
    /// The message `line` holds. A pure function of the line that never traps: anything
    /// else than a message of this direction is a `ControlMessageError`.
    static func decode(_ line: Substring) throws(ControlMessageError) -> Self
}

/// Why a line is not a control message of the direction it came in.
public enum ControlMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No verb this protocol knows.
    case unknownVerb(String)
    /// A verb of the other direction: a launcher's message sent by a node, or the reverse.
    case wrongDirection(String)
    /// A known verb whose text does not hold what it should.
    case malformed(verb: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownVerb(verb): return "unknown control message '\(verb.prefix(64))'"
        case let .wrongDirection(verb): return "control message '\(verb)' goes the other way"
        case let .malformed(verb, reason): return "control message '\(verb)' \(reason)"
        }
    }
}

/// The verb of a line and its text, split at the first space.
struct ControlLine {
    let verb: String
    let text: Substring

    init(_ line: Substring) {
        let space = line.firstIndex(of: " ") ?? line.endIndex
        verb = String(line[..<space])
        text = space == line.endIndex ? "" : line[line.index(after: space)...]
    }

    /// `verb`, then `text` after a space when there is one; line breaks in it become spaces.
    static func join(_ verb: String, _ text: String = "") -> String {
        text.isEmpty ? verb : verb + " " + oneLine(text)
    }

    /// Free text made safe for one line.
    static func oneLine(_ text: String) -> String {
        text.contains(where: \.isNewline) ? String(text.map { $0.isNewline ? " " : $0 }) : text
    }

    /// Throws unless the message has no text.
    func noText<Message>(_ message: Message) throws(ControlMessageError) -> Message {
        guard text.isEmpty else { throw .malformed(verb: verb, reason: "takes no text, got '\(text.prefix(64))'") }
        return message
    }

    /// The text's space-separated fields, read in order.
    func fields() -> ControlFields { ControlFields(verb: verb, text: text) }
}

/// Reads the fields of a message's text one at a time; every field that is not what it
/// should be is a `malformed` error naming it.
struct ControlFields {
    let verb: String
    private var remaining: Substring
    private var exhausted = false

    init(verb: String, text: Substring) {
        self.verb = verb
        remaining = text
    }

    /// The next space-separated word.
    mutating func word(_ what: String) throws(ControlMessageError) -> Substring {
        guard !exhausted else { throw .malformed(verb: verb, reason: "lacks \(what)") }
        guard let space = remaining.firstIndex(of: " ") else {
            exhausted = true
            return remaining
        }
        defer { remaining = remaining[remaining.index(after: space)...] }
        return remaining[..<space]
    }

    /// The next word as an integer of at least `minimum`.
    mutating func integer(_ what: String, minimum: Int = 0) throws(ControlMessageError) -> Int {
        let text = try word(what)
        guard let value = Int(text), value >= minimum else {
            throw .malformed(verb: verb, reason: "has \(what) '\(text.prefix(32))', not an integer of at least \(minimum)")
        }
        return value
    }

    /// The next word as a finite number of at least zero.
    mutating func seconds(_ what: String) throws(ControlMessageError) -> Double {
        let text = try word(what)
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw .malformed(verb: verb, reason: "has \(what) '\(text.prefix(32))', not a number of at least 0")
        }
        return value
    }

    /// Everything after the fields read so far, spaces included.
    mutating func rest() -> Substring {
        defer { exhausted = true; remaining = remaining[remaining.endIndex...] }
        return exhausted ? "" : remaining
    }

    /// Throws if words are left over.
    func end() throws(ControlMessageError) {
        guard exhausted else { throw .malformed(verb: verb, reason: "has more than it should: '\(remaining.prefix(64))'") }
    }
}
