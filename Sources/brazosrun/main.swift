import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

// Signals are taken by one thread (Signals.swift), blocked everywhere else from the first
// moment: a checkpoint request or a planned stop must never end brazosrun itself.
Signals.block()
let arguments = Array(CommandLine.arguments.dropFirst())
if Subcommands.handles(arguments) {
    exit(Subcommands.run(arguments))
}
do {
    let restarting = arguments.first == "restart"
    let given = restarting ? Array(arguments.dropFirst()) : arguments
    var options = try Options.parse(given)
    let allocation = try SlurmAllocation.fromEnvironment()
    allocation?.adopt(into: &options, given: given.dropLast(options.program.count))
    // Before anything is said: brazosrun's own lines follow the options as the nodes' do.
    setenv("BRAZOS_LOG_LEVEL", options.logLevel.rawValue, 1)
    setenv("BRAZOS_LOG_FORMAT", options.logFormat.rawValue, 1)
    if let allocation { diagnose(allocation.summary(options)) }
    if restarting { try Restart.prepare(&options) } else { try Restart.continueIfRanBefore(&options) }
    Signals.startTaking()
    exit(try Recovery.run(options))
} catch BrazosError.configuration("help") {
    print(Options.usage)
    exit(0)
} catch {
    diagnose("brazosrun: \(error)")
    exit(2)
}
