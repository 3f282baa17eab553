// Molecular dynamics in the spirit of SPLASH-2 Water-Nsquared: n molecules (point masses
// under a Lennard-Jones potential, cut off at 2.5, in a periodic box at density 0.8),
// all pairs every step. Positions, velocities and forces live in shared memory; each
// thread owns a block of molecules, computes their forces from every other molecule in
// index order, and moves them; the interaction count is a shared counter updated under
// a lock; per-thread energies are combined in thread order. So the results depend only
// on the number of threads, never on how they are spread over nodes or on timing, and
// equal those of mpi-tests/examples/water.c with as many ranks.
//
// With --checkpoint-every K it saves a checkpoint every K steps; restarted from one
// (brazosrun restart) its threads continue at the saved step with the same results.
// With --migrate-every K (brazosrun --migratable), every K steps one thread (each in
// turn) moves to the next node between two steps, with the same results.
//
//   water [--molecules N] [--steps S] [--checkpoint-every K] [--migrate-every K]
//   (defaults 4096 and 10)
import ArgumentParser
import BrazosCore
import BrazosMPI
import ExampleOptions
import Migration
import BrazosSharedMemory

/// water's command line.
struct WaterOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "water",
        abstract: "All-pairs molecular dynamics in shared memory, in the spirit of SPLASH-2 Water-Nsquared.",
        discussion: """
            Prints the interaction count, the energies' bits and a checksum of the final positions. \
            The checksum is the same for any number of threads; the energies' last bits depend on \
            the number of threads (sums in thread order). None depends on nodes, moves or \
            recoveries, and all equal mpi-tests/examples/water.c's under mpirun with as many ranks.
            """)

    @Option(help: ArgumentHelp("molecules in shared memory, all pairs every step (default 4096)", valueName: "N"), transform: positiveInteger)
    var molecules = 4096
    @Option(help: ArgumentHelp("time steps (default 10)", valueName: "S"), transform: positiveInteger)
    var steps = 10
    @Option(help: ArgumentHelp("a checkpoint every K steps (with brazosrun --checkpoint-dir)", valueName: "K"), transform: positiveInteger)
    var checkpointEvery: Int?
    @Option(help: ArgumentHelp("every K steps a thread moves to the next node (brazosrun --migratable)", valueName: "K"), transform: positiveInteger)
    var migrateEvery: Int?
}

let options = WaterOptions.parseCommandLine()
let n = max(options.molecules, 2)
let steps = options.steps
let checkpointEvery = options.checkpointEvery ?? 0
let migrateEvery = options.migrateEvery ?? 0
let cutoff2 = 2.5 * 2.5, dt = 0.001
let box = pow3root(Double(n) / 0.8)

func pow3root(_ x: Double) -> Double {
    var guess = x
    for _ in 0..<200 { guess = (2 * guess + x / (guess * guess)) / 3 }
    return guess
}

/// The same start as water.c: a cubic lattice, velocities from a 64-bit LCG.
func initialState(_ position: UnsafeMutablePointer<Double>, _ velocity: UnsafeMutablePointer<Double>) {
    var side = 1
    while side * side * side < n { side += 1 }
    let spacing = box / Double(side)
    var seed: UInt64 = 12345
    func next() -> Double {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Double(seed >> 11) / 9007199254740992.0 - 0.5
    }
    for i in 0..<n {
        position[3 * i] = (Double(i % side) + 0.5) * spacing
        position[3 * i + 1] = (Double((i / side) % side) + 0.5) * spacing
        position[3 * i + 2] = (Double(i / (side * side)) + 0.5) * spacing
        for d in 0..<3 { velocity[3 * i + d] = next() }
    }
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)
/// What a thread saves at a checkpoint: the next step, and its energies of the step before.
struct ResumeState: Codable {
    var step: Int
    var kinetic: Double
    var potential: Double
}
try job.run { thread in
    let threads = thread.world.size, me = thread.rank
    let position = try shared.allocate("water positions", count: 3 * n, of: Double.self, pageAligned: true, by: thread).buffer.baseAddress!
    let velocity = try shared.allocate("water velocities", count: 3 * n, of: Double.self, pageAligned: true, by: thread).buffer.baseAddress!
    let force = try shared.allocate("water forces", count: 3 * n, of: Double.self, pageAligned: true, by: thread).buffer.baseAddress!
    // Per-thread energies, a page each (no false sharing), and the shared counter.
    let energies = try shared.allocate("water energies", count: threads * 512, of: Double.self, pageAligned: true, by: thread)
    let counter = try shared.allocateValue("water interactions", of: Int64.self, pageAligned: true, by: thread)
    // Resume state: the next step, and this thread's energies of the step before.
    // A thread that moved here continues at the step it left before.
    let resumed = try shared.resumeState(ResumeState.self, by: thread)
    let arrived = thread.arrival != nil
    if me == 0 && resumed == nil { initialState(position, velocity) }
    if me == 0, !arrived, let resumed { diagnose("water: resumed at step \(resumed.step) from checkpoint epoch \(shared.restartedEpoch ?? -1)") }
    if !arrived { try shared.barrier(by: thread) }
    let first = me * n / threads, last = (me + 1) * n / threads
    var kinetic = resumed?.kinetic ?? 0.0, potential = resumed?.potential ?? 0.0
    let start = Brazos.wtime()
    for step in (resumed?.step ?? 0)..<steps {
        if checkpointEvery > 0 && step > (resumed?.step ?? 0) && step % checkpointEvery == 0 {
            try shared.checkpoint(by: thread, state: ResumeState(step: step, kinetic: kinetic, potential: potential))
        }
        if migrateEvery > 0 && step > 0 && step % migrateEvery == 0 && !(arrived && step == resumed?.step)
            && me == (step / migrateEvery) % threads && (job.hostedRanks.count > 1 || !shared.takesCheckpoints) {
            try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: ResumeState(step: step, kinetic: kinetic, potential: potential))
        }
        var pairs: Int64 = 0
        potential = 0
        for i in first..<last {
            var fx = 0.0, fy = 0.0, fz = 0.0
            let xi = position[3 * i], yi = position[3 * i + 1], zi = position[3 * i + 2]
            for j in 0..<n where j != i {
                var dx = xi - position[3 * j], dy = yi - position[3 * j + 1], dz = zi - position[3 * j + 2]
                dx -= box * (dx / box).rounded()
                dy -= box * (dy / box).rounded()
                dz -= box * (dz / box).rounded()
                let r2 = dx * dx + dy * dy + dz * dz
                if r2 < cutoff2 {
                    let inverse2 = 1 / r2
                    let inverse6 = inverse2 * inverse2 * inverse2
                    let magnitude = 24 * inverse2 * inverse6 * (2 * inverse6 - 1)
                    fx += magnitude * dx
                    fy += magnitude * dy
                    fz += magnitude * dz
                    potential += 2 * inverse6 * (inverse6 - 1)
                    pairs += 1
                }
            }
            force[3 * i] = fx
            force[3 * i + 1] = fy
            force[3 * i + 2] = fz
        }
        try shared.withLock(0, by: thread) { counter.value += pairs }
        try shared.barrier(by: thread)
        kinetic = 0
        for k in (3 * first)..<(3 * last) {
            velocity[k] += force[k] * dt
            position[k] += velocity[k] * dt
            position[k] -= box * (position[k] / box).rounded(.down)
            kinetic += 0.5 * velocity[k] * velocity[k]
        }
        try shared.barrier(by: thread)
    }
    energies[me * 512] = kinetic
    energies[me * 512 + 1] = potential
    try shared.barrier(by: thread)
    if me == 0 {
        var totalKinetic = 0.0, totalPotential = 0.0
        for t in 0..<threads {
            totalKinetic += energies[t * 512]
            totalPotential += energies[t * 512 + 1]
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in UnsafeRawBufferPointer(start: position, count: 3 * n * 8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        print("interactions: \(counter.value)")
        // Energies as their bits: equal runs print equal lines (the values go to stderr).
        print("kinetic: \(hex(totalKinetic.bitPattern))")
        print("potential: \(hex(totalPotential.bitPattern))")
        print("checksum: \(hex(hash))")
        let elapsed = Int(((Brazos.wtime() - start) * 1000).rounded())
        diagnose("water: \(n) molecules, \(steps) steps, \(threads) threads on \(job.node.nodeCount) nodes: \(elapsed / 1000).\(String(elapsed % 1000 + 1000).dropFirst()) s; kinetic \(totalKinetic), potential \(totalPotential)")
    }
}
