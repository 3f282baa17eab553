import ArgumentParser
import BrazosCore
import Checkpoint

extension Subcommands {
    /// `brazosrun checkpoints list DIR` and `brazosrun checkpoints verify DIR`: what a
    /// checkpoint directory holds, and whether each epoch would serve a recovery.
    struct Checkpoints: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoints",
            abstract: "What a checkpoint directory holds.",
            discussion: """
                list: every epoch, complete, incomplete or corrupt (and why), and the one a recovery \
                would use. verify: the same with every checksum checked; exit status 0 when some \
                epoch can be recovered from.
                """)

        enum Action: String, CaseIterable, ExpressibleByArgument {
            case list, verify
        }

        @Argument(help: ArgumentHelp("what to do", valueName: "list|verify"))
        var action: Action
        @Argument(help: ArgumentHelp("a checkpoint directory (brazosrun --checkpoint-dir)", valueName: "DIR"))
        var directory: String

        func run() throws {
            let store: CheckpointStore
            do {
                store = try CheckpointStore(existing: directory)
            } catch {
                diagnose("brazosrun checkpoints: \(error)")
                throw ExitCode(2)
            }
            let status = report(store)
            if status != 0 { throw ExitCode(status) }
        }

        /// Prints every epoch of `store`; returns the exit status.
        private func report(_ store: CheckpointStore) -> Int32 {
            let epochs = store.epochs()
            guard !epochs.isEmpty else {
                print("\(directory): no checkpoints")
                return action == .verify ? 1 : 0
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
            return action == .verify ? 1 : 0
        }
    }
}
