import BrazosCore

/// An ordered set of (key, value) string pairs (`MPI_Info`): hints a program gives a
/// communicator, and what the runtime tells it back. Keys keep the order they were first
/// set in, which `key(at:)` (`MPI_Info_get_nthkey`) follows.
///
/// Behind a lock: MPI lets threads use different info objects at once, and a program may
/// share one read-only between threads.
public final class Info: Sendable {
    /// Longest key and value in bytes, without the C terminator (`MPI_MAX_INFO_KEY` − 1,
    /// `MPI_MAX_INFO_VAL` − 1 of the standard ABI).
    public static let maxKeyLength = 255
    public static let maxValueLength = 1023

    private let entries: Guarded<[(key: String, value: String)]>

    /// An empty info object (`MPI_Info_create`).
    public init() { entries = Guarded([]) }

    init(_ pairs: [(key: String, value: String)]) { entries = Guarded(pairs) }

    /// `MPI_Info_create_env`: what the process was started with (`command`, `argv`,
    /// `maxprocs`, `wdir`), as MPI 4.1 lists them; keys the runtime does not know are left out.
    public static func environment(arguments: [String], worldSize: Int?, workingDirectory: String?) -> Info {
        var pairs: [(key: String, value: String)] = []
        if let command = arguments.first { pairs.append(("command", command)) }
        if arguments.count > 1 { pairs.append(("argv", arguments.dropFirst().joined(separator: " "))) }
        if let worldSize { pairs.append(("maxprocs", String(worldSize))) }
        if let workingDirectory { pairs.append(("wdir", workingDirectory)) }
        return Info(pairs)
    }

    /// The pairs, in order.
    public var pairs: [(key: String, value: String)] { entries.withLock { $0 } }

    /// Number of keys (`MPI_Info_get_nkeys`).
    public var count: Int { entries.withLock { $0.count } }

    /// `MPI_Info_set`: adds the key or replaces its value (keeping its place).
    public func set(_ key: String, _ value: String) throws(MPIError) {
        try Self.check(key: key)
        guard value.utf8.count <= Self.maxValueLength, !value.isEmpty else {
            throw MPIError(.infoValue, "info value of \(value.utf8.count) bytes for key \"\(key)\" (1 to \(Self.maxValueLength) allowed)")
        }
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.key == key }) {
                entries[index].value = value
            } else {
                entries.append((key, value))
            }
        }
    }

    /// The value of `key`, nil if it has none (`MPI_Info_get_string`).
    public func value(_ key: String) throws(MPIError) -> String? {
        try Self.check(key: key)
        return entries.withLock { $0.first { $0.key == key }?.value }
    }

    /// `MPI_Info_delete`: `.infoNokey` if the key has no value.
    public func delete(_ key: String) throws(MPIError) {
        try Self.check(key: key)
        let removed = entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.key == key }) else { return false }
            entries.remove(at: index)
            return true
        }
        guard removed else { throw MPIError(.infoNokey, "info has no key \"\(key)\"") }
    }

    /// The `n`th key (`MPI_Info_get_nthkey`): `.arg` unless 0 ≤ n < count.
    public func key(at n: Int) throws(MPIError) -> String {
        let pairs = self.pairs
        guard pairs.indices.contains(n) else { throw MPIError(.arg, "key \(n) of an info with \(pairs.count) keys") }
        return pairs[n].key
    }

    /// `MPI_Info_dup`: an independent copy.
    public func duplicate() -> Info { Info(pairs) }

    private static func check(key: String) throws(MPIError) {
        guard !key.isEmpty, key.utf8.count <= maxKeyLength else {
            throw MPIError(.infoKey, "info key of \(key.utf8.count) bytes (1 to \(maxKeyLength) allowed)")
        }
    }
}
