// The paper's migration measurement: one thread (rank 0) moves between nodes 0 and 1
// back and forth with a resume state of --state-bytes (default 4096), --round-trips
// times (default 1000, so twice as many migrations). Each migration is timed from just
// before `migrate` on the old node to the first line of the body on the new one (the
// nodes share a clock: one host, or network namespaces of one). Each node writes the
// migrations that ended on it, in nanoseconds, one per line, to DIR/node-K.txt, which
// scripts/bench-migrate gathers into a median and a 99th percentile.
//
//   brazosrun -n 2 --migratable migrate-bench --output DIR [--round-trips N] [--state-bytes B]
import BrazosCore
import BrazosMPI
import Migration
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1]), parsed > 0 else { return value }
    return parsed
}

let migrations = 2 * option("--round-trips", default: 1000)
let stateBytes = max(option("--state-bytes", default: 4096), 16)
guard let outputIndex = CommandLine.arguments.firstIndex(of: "--output"), outputIndex + 1 < CommandLine.arguments.count else {
    diagnose("usage: migrate-bench --output DIR [--round-trips N] [--state-bytes B]")
    Brazos.abort(code: 2, reason: "no --output")
}
let output = CommandLine.arguments[outputIndex + 1]
let job = try Brazos.join()
guard job.node.nodeCount == 2 else {
    diagnose("migrate-bench: run it on 2 nodes (brazosrun -n 2 --migratable)")
    Brazos.abort(code: 2, reason: "wrong node count")
}
let latencies = Mutex<[Double]>([])
try job.run { thread in
    let arrived = Brazos.wtime()
    guard thread.rank == 0 else { return }
    // The state: migrations done so far, the time the last one began, then filler.
    var state = thread.arrival?.state ?? [UInt8](repeating: 0, count: 16) + [UInt8](repeating: 0xA5, count: stateBytes - 16)
    var done = state.withUnsafeBytes { $0.loadUnaligned(as: Int.self) }
    if thread.arrival != nil {
        let began = state.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: Double.self) }
        latencies.withLock { $0.append((arrived - began) * 1e9) }
    }
    guard done < migrations else { return }
    done += 1
    state.withUnsafeMutableBytes { $0.storeBytes(of: done, as: Int.self) }
    state.withUnsafeMutableBytes { $0.storeBytes(of: Brazos.wtime(), toByteOffset: 8, as: Double.self) }
    try thread.migrate(to: 1 - job.node.id, savingBytes: state)
}
let lines = latencies.withLock { $0 }.map { "\(Int($0.rounded()))\n" }.joined()
guard let file = fopen("\(output)/node-\(job.node.id).txt", "w") else { Brazos.abort(code: 1, reason: "cannot write in \(output)") }
fputs(lines, file)
fclose(file)
