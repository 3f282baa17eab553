import BrazosCore

/// Runs a body once per name; callers for a name being run wait for it.
///
/// Unchecked: `done` is guarded by `mutex`, which is held while the body runs so that
/// the other callers wait for it.
final class OncePerName: @unchecked Sendable {
    private let mutex = PthreadMutex()
    private var done: Set<String> = []

    func once(_ name: String, _ body: () throws -> Void) throws {
        mutex.lock()
        defer { mutex.unlock() }
        guard !done.contains(name) else { return }
        try body()
        done.insert(name)
    }
}
