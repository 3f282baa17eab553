// Passes a token around every rank of the job, checking it on every hop.
// Rank 0 prints "ring ok: N ranks, K laps" when the token has come round K times.
import ArgumentParser
import BrazosMPI
import ExampleOptions

/// ring's command line.
struct RingOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ring",
        abstract: "Passes a token around every rank of the job, checking it on every hop.")

    @Option(help: ArgumentHelp("times the token goes round (default 100)", valueName: "K"), transform: positiveInteger)
    var laps = 100
}

let laps = RingOptions.parseCommandLine().laps

struct WrongToken: Error, CustomStringConvertible {
    let rank: Int, expected: Int, got: Int
    var description: String { "rank \(rank) expected token \(expected), got \(got)" }
}

let job = try Brazos.join()
try job.run { thread in
    let world = thread.world
    let size = world.size, rank = world.rank
    let next = (rank + 1) % size, previous = (rank - 1 + size) % size
    for lap in 0..<laps {
        // The token counts hops: on lap L it reaches rank R after L * size + R of them.
        if rank == 0 {
            try world.send(lap * size, to: next, tag: lap)
            let (token, _) = try world.recv(Int.self, from: previous, tag: lap)
            guard token == lap * size + size - 1 else { throw WrongToken(rank: rank, expected: lap * size + size - 1, got: token) }
        } else {
            let (token, _) = try world.recv(Int.self, from: previous, tag: lap)
            guard token == lap * size + rank - 1 else { throw WrongToken(rank: rank, expected: lap * size + rank - 1, got: token) }
            try world.send(token + 1, to: next, tag: lap)
        }
    }
    if rank == 0 { print("ring ok: \(size) ranks, \(laps) laps") }
}
