// Point-to-point benchmark for exactly 2 ranks: the Swift twin of mpi-tests/bench/p2p.c,
// with the same protocol, calibration and output lines, so scripts/bench-p2p can put
// the two side by side. See p2p.c's header for the method.
import BrazosMPI
#if canImport(Glibc)
import Glibc
#endif

let latencySizes = [0, 8, 64, 512, 4096, 32768, 262144, 1048576, 4194304]
let bandwidthSizes = [65536, 262144, 1048576, 4194304]
let window = 64, batches = 5
/// Sizes whose round trips are also timed one by one (a `latency-single` line each).
let singlyTimedSizes: Set<Int> = [8, 1048576]
let minSingles = 100, maxSingles = 200_000
let quick = CommandLine.arguments.contains("--quick")

enum Tag { static let latencyCheck = 100, latencyControl = 101, latency = 102
           static let bandwidthCheck = 200, bandwidthControl = 201, bandwidth = 202, bandwidthAck = 203 }

struct Mismatch: Error { let what: String }

func pattern(_ size: Int, _ which: Int) -> UInt8 { UInt8((size &* 131 &+ which &* 29 &+ 7) & 0xff) }

func putPattern(_ buffer: UnsafeMutableRawBufferPointer, _ size: Int, _ direction: Int) {
    guard size > 0 else { return }
    buffer[0] = pattern(size, 2 * direction)
    buffer[size - 1] = pattern(size, 2 * direction + 1)
}

func checkPattern(_ buffer: UnsafeMutableRawBufferPointer, _ size: Int, _ direction: Int, _ status: Status, _ what: String) throws {
    guard status.byteCount == size else { throw Mismatch(what: "\(what): size \(size), count \(status.byteCount)") }
    guard size > 0 else { return }
    if size > 1 && buffer[0] != pattern(size, 2 * direction) { throw Mismatch(what: "\(what): size \(size) first byte \(buffer[0])") }
    if buffer[size - 1] != pattern(size, 2 * direction + 1) { throw Mismatch(what: "\(what): size \(size) last byte \(buffer[size - 1])") }
}

let job = try Brazos.join()
try job.run { thread in
    let world = thread.world
    guard world.size == 2 else { throw Mismatch(what: "p2p-bench needs exactly 2 ranks, not \(world.size)") }
    let send = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 4096)
    let receive = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 4096)
    send.initializeMemory(as: UInt8.self, repeating: 0x11)
    receive.initializeMemory(as: UInt8.self, repeating: 0x11)
    func control(_ n: Int, _ tag: Int) throws { try world.send(n, to: 1, tag: tag) }
    func awaitControl(_ tag: Int) throws -> Int { try world.recv(Int.self, from: 0, tag: tag).value }

    func pingPong(_ size: Int, _ n: Int) throws -> Double {
        try control(n, Tag.latencyControl)
        let start = Brazos.wtime()
        for _ in 0..<n {
            try world.send(send.baseAddress, byteCount: size, to: 1, tag: Tag.latency)
            try world.recv(receive.baseAddress, byteCount: size, from: 1, tag: Tag.latency)
        }
        return Brazos.wtime() - start
    }

    /// The same ping-pong as `pingPong`, timing every round trip on its own (rank 1 cannot
    /// tell the difference).
    func pingPongEach(_ size: Int, _ n: Int) throws -> [Double] {
        try control(n, Tag.latencyControl)
        var roundTrips: [Double] = []
        roundTrips.reserveCapacity(n)
        for _ in 0..<n {
            let start = Brazos.wtime()
            try world.send(send.baseAddress, byteCount: size, to: 1, tag: Tag.latency)
            try world.recv(receive.baseAddress, byteCount: size, from: 1, tag: Tag.latency)
            roundTrips.append(Brazos.wtime() - start)
        }
        return roundTrips
    }

    func stream(_ size: Int, _ windows: Int) throws -> Double {
        try control(windows, Tag.bandwidthControl)
        let start = Brazos.wtime()
        for _ in 0..<windows {
            var requests: [Request?] = []
            requests.reserveCapacity(window)
            for _ in 0..<window { requests.append(try world.isend(send.baseAddress, byteCount: size, to: 1, tag: Tag.bandwidth)) }
            _ = try Request.waitAll(requests)
            _ = try world.recv(Int32.self, from: 1, tag: Tag.bandwidthAck)
        }
        return Brazos.wtime() - start
    }

    for size in latencySizes {
        if world.rank == 0 {
            putPattern(send, size, 0)
            try world.send(send.baseAddress, byteCount: size, to: 1, tag: Tag.latencyCheck)
            let status = try world.recv(receive.baseAddress, byteCount: size, from: 1, tag: Tag.latencyCheck)
            try checkPattern(receive, size, 1, status, "latency content mismatch")
            let roundTrip = try calibrate(target: quick ? 0.005 : 0.020, limit: 1 << 22) { try pingPong(size, $0) }
            var iterations = roundTrip > 0 ? Int((quick ? 0.075 : 0.3) / roundTrip) : 2_000_000
            iterations = min(max(iterations, quick ? 10 : 20), 2_000_000)
            iterations = (iterations + batches - 1) / batches * batches
            let perBatch = iterations / batches
            var oneWay: [Double] = []
            for _ in 0..<batches { oneWay.append(try pingPong(size, perBatch) / Double(perBatch) / 2) }
            let singles = singlyTimedSizes.contains(size) ? min(max(iterations, minSingles), maxSingles) : 0
            let each = try singles > 0 ? pingPongEach(size, singles).map { $0 / 2 }.sorted() : []
            try control(0, Tag.latencyControl)
            print("latency \(size) \(String(format3: oneWay.sorted()[batches / 2] * 1e6))")
            if !each.isEmpty {
                // nearest-rank percentiles, as in p2p.c
                let median = each[each.count / 2], p99 = each[(each.count * 99 + 99) / 100 - 1]
                print("latency-single \(size) \(String(format3: median * 1e6)) \(String(format3: p99 * 1e6)) \(each.count)")
            }
            fflush(nil)  // every stream: Swift 6 forbids touching the global stdout
        } else {
            let status = try world.recv(receive.baseAddress, byteCount: size, from: 0, tag: Tag.latencyCheck)
            try checkPattern(receive, size, 0, status, "latency content mismatch")
            putPattern(receive, size, 1)
            try world.send(receive.baseAddress, byteCount: size, to: 0, tag: Tag.latencyCheck)
            while case let n = try awaitControl(Tag.latencyControl), n > 0 {
                for _ in 0..<n {
                    try world.recv(receive.baseAddress, byteCount: size, from: 0, tag: Tag.latency)
                    try world.send(receive.baseAddress, byteCount: size, to: 0, tag: Tag.latency)
                }
            }
        }
    }

    for size in bandwidthSizes {
        if world.rank == 0 {
            putPattern(send, size, 0)
            try world.send(send.baseAddress, byteCount: size, to: 1, tag: Tag.bandwidthCheck)
            let perWindow = try calibrate(target: quick ? 0.008 : 0.030, limit: 1 << 20) { try stream(size, $0) }
            var windows = perWindow > 0 ? Int((quick ? 0.075 : 0.3) / perWindow + 0.5) : 1_000_000
            windows = min(max(windows, 2), 1_000_000)
            let time = try stream(size, windows)
            try control(0, Tag.bandwidthControl)
            print("bandwidth \(size) \(String(format3: Double(size * window * windows) / time / 1e6))")
            fflush(nil)  // every stream: Swift 6 forbids touching the global stdout
        } else {
            let status = try world.recv(receive.baseAddress, byteCount: size, from: 0, tag: Tag.bandwidthCheck)
            try checkPattern(receive, size, 0, status, "bandwidth content mismatch")
            while case let windows = try awaitControl(Tag.bandwidthControl), windows > 0 {
                for _ in 0..<windows {
                    var requests: [Request?] = []
                    requests.reserveCapacity(window)
                    for _ in 0..<window { requests.append(try world.irecv(receive.baseAddress, byteCount: size, from: 0, tag: Tag.bandwidth)) }
                    _ = try Request.waitAll(requests)
                    try world.send(Int32(0x6163_6b21), to: 0, tag: Tag.bandwidthAck)
                }
            }
        }
    }
}

/// Warm-up and calibration: runs 1, 2, 4, ... repetitions until one round takes at least
/// `target` seconds; returns the time per repetition.
func calibrate(target: Double, limit: Int, _ round: (Int) throws -> Double) rethrows -> Double {
    var count = 1
    while true {
        let time = try round(count)
        if time >= target || count >= limit { return time / Double(count) }
        count *= 2
    }
}

extension String {
    /// `%.3f` without Foundation.
    init(format3 value: Double) {
        let scaled = Int((value * 1000).rounded())
        let fraction = String(scaled % 1000)
        self = "\(scaled / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
