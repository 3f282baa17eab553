import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

// A checkpoint request (SIGUSR1) must never end brazosrun: ignored from the first moment,
// forwarded to the nodes once they run.
signal(SIGUSR1, SIG_IGN)
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "checkpoint" {
    exit(CheckpointRequest.send(Array(arguments.dropFirst())))
}
if arguments.first == "checkpoints" {
    do {
        exit(try CheckpointsCommand.run(Array(arguments.dropFirst())))
    } catch {
        diagnose("brazosrun checkpoints: \(error)")
        exit(2)
    }
}
do {
    let restarting = arguments.first == "restart"
    var options = try Options.parse(restarting ? Array(arguments.dropFirst()) : arguments)
    if restarting { try Restart.prepare(&options) }
    exit(try Recovery.run(options))
} catch BrazosError.configuration("help") {
    print(Options.usage)
    exit(0)
} catch {
    diagnose("brazosrun: \(error)")
    exit(2)
}
