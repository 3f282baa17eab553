import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// brazosrun's commands other than starting a job: ArgumentParser commands, chosen by the
/// first word of the command line. Starting a job and `restart` keep the mpirun-shaped
/// parser in Options.swift (docs/ARCHITECTURE.md, *brazosrun*, says why).
struct Subcommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brazosrun",
        subcommands: [Status.self, Checkpoint.self, Drain.self, Join.self, Checkpoints.self])

    /// Whether `arguments` start with the name of one of these commands.
    static func handles(_ arguments: [String]) -> Bool {
        guard let first = arguments.first else { return false }
        return configuration.subcommands.contains { $0.configuration.commandName == first }
    }

    /// Runs the command `arguments` name; returns the exit status. `--help` prints the
    /// command's usage (status 0); a command line it cannot take says why on standard error
    /// (status 2, brazosrun's status for every usage error).
    static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch {
            let message = fullMessage(for: error)
            let status = exitCode(for: error)
            if status == .success {
                print(message)
                return 0
            }
            if !message.isEmpty { Array((message + "\n").utf8).withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) } }
            return status == .validationFailure ? 2 : status.rawValue
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "The jobs running here (in this network namespace), or one in full.",
            discussion: """
                A job in full (with one job running: that one): its nodes (host, pid, state, threads, \
                shared barriers, heartbeat age), its last complete checkpoint, recoveries, thread \
                moves, nodes joined and drained.
                """)

        @Argument(help: JobID.help)
        var job: JobID?

        func run() throws {
            let status = StatusCommand.run(job: job?.pid)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Take a checkpoint at the job's next eligible barrier (as SIGUSR1 to its brazosrun does).")

        @Argument(help: JobID.help)
        var job: JobID

        func run() throws {
            let status = CheckpointRequest.send(to: job.pid)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drain",
            abstract: "Move a node's threads to the other nodes and let it exit; the job goes on.",
            discussion: """
                At the job's next eligible barrier (SharedMemory.barrier(by:saving:)) node K's threads \
                move to the other nodes and its pages get new homes; then it exits. Jobs started \
                --migratable only; never the last node.
                """)

        @Argument(help: JobID.help)
        var job: JobID
        @Option(help: ArgumentHelp("the node to drain", valueName: "K"))
        var node: Int

        func run() throws {
            let status = DrainRequest.send(job: job.pid, node: node)
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Join: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "join",
            abstract: "Start a node that joins the running job.",
            discussion: """
                The node is admitted at the job's next eligible barrier and threads move to it (jobs \
                started --migratable).
                """)

        @Argument(help: JobID.help)
        var job: JobID
        @Option(name: [.customLong("host"), .customLong("add-host")],
                help: ArgumentHelp("the host the node runs on (default: this machine)", valueName: "H"))
        var host: String?

        func validate() throws {
            // The host travels as one word of a one-line request.
            if let host, host.isEmpty || host.contains(where: \.isWhitespace) {
                throw ValidationError("--host takes a host name, not '\(host)'")
            }
        }

        func run() throws {
            let status = JoinRequest.send(job: job.pid, host: host)
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// A running job, named by the process id its brazosrun printed (`brazosrun: job PID`).
struct JobID: ExpressibleByArgument {
    static let help = ArgumentHelp("the process id brazosrun printed", valueName: "JOB")

    let pid: pid_t

    init?(argument: String) {
        guard let pid = pid_t(argument), pid > 0 else { return nil }
        self.pid = pid
    }
}
