import Checkpoint

/// `brazosrun checkpoints list DIR` and `brazosrun checkpoints verify DIR`: what a
/// checkpoint directory holds, and whether each epoch would serve a recovery.
enum CheckpointsCommand {
    static let usage = """
        usage: brazosrun checkpoints list DIR     every epoch: complete, incomplete or corrupt (and why)
               brazosrun checkpoints verify DIR   the same with every checksum checked; exit status 0
                                                  when some epoch can be recovered from
        """

    /// Runs the command; returns the exit status.
    static func run(_ arguments: [String]) throws -> Int32 {
        guard arguments.count == 2, ["list", "verify"].contains(arguments[0]) else {
            print(usage)
            return 2
        }
        let store = try CheckpointStore(existing: arguments[1])
        let epochs = store.epochs()
        guard !epochs.isEmpty else {
            print("\(arguments[1]): no checkpoints")
            return arguments[0] == "verify" ? 1 : 0
        }
        var recoverable: Int?
        for epoch in epochs {
            switch store.verify(epoch) {
            case let .complete(manifest):
                recoverable = epoch
                print("epoch \(epoch): complete, \(manifest.base.map { "incremental on epoch \($0)" } ?? "full"), \(manifest.nodes) nodes, \(manifest.threads) threads, \(manifest.totalSize) bytes, program \(manifest.program) \(manifest.arguments.joined(separator: " "))")
            case let .incomplete(reason):
                print("epoch \(epoch): incomplete (\(reason))")
            case let .corrupt(reason):
                print("epoch \(epoch): CORRUPT (\(reason))")
            }
        }
        if let recoverable {
            print("recovery would use epoch \(recoverable)")
            return 0
        }
        print("no epoch can be recovered from")
        return arguments[0] == "verify" ? 1 : 0
    }
}
