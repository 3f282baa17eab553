// The costs of the shared-memory protocol, for scripts/bench-dsm. Rank 0 prints one line
// per measurement: "name microseconds".
//
//   remote-read-fault   a page homed on another node, first read (fetched alone: the
//                       pages are read in descending order)
//   remote-read-run     the same per page for pages read in ascending order, which a
//                       fault fetches 8 at a time
//   remote-reread-run   the same pages read again in ascending order after their home
//                       wrote them and a barrier invalidated them: the steady state of an
//                       iterative program (the first read also makes the page here)
//   write-fault-twin    a valid copy off its home, first write (twinned)
//   diff-make, diff-apply   a page with every eighth word changed
//   message-round-trip  an 8-byte ping-pong between ranks 0 and 1 (for comparison)
//   copy-4k             a 4 KiB memcpy (for comparison)
//   lock-free           lock + unlock of a lock nobody else wants (rank 0 alone)
//   lock-contended      lock + unlock, every rank on the same lock, per acquire
//   barrier             a shared barrier with nothing to flush
import BrazosCore
import BrazosMPI
import BrazosSharedMemory
#if canImport(Glibc)
import Glibc
#endif

let pagesPerRun = 256
let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)
try job.run { thread in
    let world = thread.world, rank = thread.rank, size = world.size
    func report(_ name: String, _ seconds: Double) { if rank == 0 { print("\(name) \(String(format2(seconds * 1e6)))") } }
    // Pages homed on node 1 (block placement: the second half of the allocation), read
    // and then written by rank 0 on node 0.
    let pages = try shared.allocate("bench pages", count: 2 * pagesPerRun * 512, of: Int64.self, pageAligned: true, by: thread)
    if size > 1 && job.node.nodeCount > 1 {
        if rank == 1 { for page in pagesPerRun..<(2 * pagesPerRun) { pages[page * 512] = Int64(page) } }
        try shared.barrier(by: thread)
        if rank == 0 {
            let half = pagesPerRun / 2
            var total = Int64(0)
            var start = Brazos.wtime()
            for page in (pagesPerRun..<(pagesPerRun + half)).reversed() { total &+= pages[page * 512] }
            report("remote-read-fault", (Brazos.wtime() - start) / Double(half))
            start = Brazos.wtime()
            for page in (pagesPerRun + half)..<(2 * pagesPerRun) { total &+= pages[page * 512] }
            report("remote-read-run", (Brazos.wtime() - start) / Double(pagesPerRun - half))
            // Used, so that the reads are made, and right.
            precondition(total == Int64((pagesPerRun..<(2 * pagesPerRun)).reduce(0, +)), "a first read saw a stale page")
        }
        try shared.barrier(by: thread)
        if rank == 1 { for page in pagesPerRun..<(2 * pagesPerRun) { pages[page * 512 + 2] = Int64(page) } }
        try shared.barrier(by: thread)
        if rank == 0 {
            var total = Int64(0)
            let start = Brazos.wtime()
            for page in pagesPerRun..<(2 * pagesPerRun) { total &+= pages[page * 512 + 2] }
            report("remote-reread-run", (Brazos.wtime() - start) / Double(pagesPerRun))
            precondition(total == Int64((pagesPerRun..<(2 * pagesPerRun)).reduce(0, +)), "a reread saw a stale page")
            // Written here only: at the next barrier these pages' homes move to this node.
            let writeStart = Brazos.wtime()
            for page in pagesPerRun..<(2 * pagesPerRun) { pages[page * 512 + 1] = total }
            report("write-fault-twin", (Brazos.wtime() - writeStart) / Double(pagesPerRun))
        }
        try shared.barrier(by: thread)
        // Message round trip between ranks 0 and 1, for comparison.
        let rounds = 2000
        try world.barrier()
        let start = Brazos.wtime()
        for _ in 0..<rounds {
            if rank == 0 {
                try world.send(1, to: 1, tag: 9)
                _ = try world.recv(Int.self, from: 1, tag: 9)
            } else if rank == 1 {
                _ = try world.recv(Int.self, from: 0, tag: 9)
                try world.send(1, to: 0, tag: 9)
            }
        }
        report("message-round-trip", (Brazos.wtime() - start) / Double(rounds))
    }
    if rank == 0 {
        let source = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        source.initializeMemory(as: UInt8.self, repeating: 1, count: 4096)
        var start = Brazos.wtime()
        for _ in 0..<10_000 { target.copyMemory(from: source, byteCount: 4096); source.storeBytes(of: target.load(as: UInt8.self), as: UInt8.self) }
        report("copy-4k", (Brazos.wtime() - start) / 10_000)
        let twin = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        twin.copyMemory(from: source, byteCount: 4096)
        for word in stride(from: 0, to: 512, by: 8) { source.storeBytes(of: UInt64(word), toByteOffset: word * 8, as: UInt64.self) }
        start = Brazos.wtime()
        var diff: [UInt8] = []
        for _ in 0..<2000 { diff = shared.makeDiff(page: source, twin: twin) }
        report("diff-make", (Brazos.wtime() - start) / 2000)
        start = Brazos.wtime()
        for _ in 0..<2000 { try shared.applyDiff(diff, to: target) }
        report("diff-apply", (Brazos.wtime() - start) / 2000)
        start = Brazos.wtime()
        for _ in 0..<500 { try shared.withLock(0, by: thread) {} }
        report("lock-free", (Brazos.wtime() - start) / 500)
    }
    try shared.barrier(by: thread)
    var start = Brazos.wtime()
    for _ in 0..<200 { try shared.withLock(1, by: thread) {} }
    let contended = Brazos.wtime() - start
    try shared.barrier(by: thread)
    report("lock-contended", contended / Double(200 * size))
    start = Brazos.wtime()
    for _ in 0..<200 { try shared.barrier(by: thread) }
    report("barrier", (Brazos.wtime() - start) / 200)
}

func format2(_ value: Double) -> String {
    let scaled = Int((value * 100).rounded())
    let fraction = scaled % 100
    return "\(scaled / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
