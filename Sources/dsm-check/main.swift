// The shared-memory checks that need a process of their own, for the multi-process tests.
//
//   dsm-check --threads-sum N       every rank writes its slice of a shared array, then
//                                    rank 0 checks the sum (one node, its threads)
//   dsm-check --allocations          every rank makes the same allocations; rank 0 prints
//                                    their addresses ("allocations ok: ...")
//   dsm-check --mismatch             rank 1 allocates a different size: every rank fails
//   dsm-check --crash-outside        a null dereference with the fault handler installed
//   dsm-check --previous-handler     the same, under a SIGSEGV handler installed first,
//                                    which exits with status 42
import BrazosMPI
import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? ""

if mode == "--previous-handler" {
    signal(SIGSEGV) { _ in _exit(42) }
}

let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)

switch mode {
case "--threads-sum":
    let perRank = Int(arguments.dropFirst().first ?? "") ?? 10_000
    try job.run { thread in
        let world = thread.world
        let values = try shared.allocate("values", count: perRank * world.size, of: Int64.self, pageAligned: true, by: thread)
        for index in 0..<perRank { values[thread.rank * perRank + index] = Int64(thread.rank * perRank + index) }
        try world.barrier()
        if thread.rank == 0 {
            let total = values.indices.reduce(Int64(0)) { $0 + values[$1] }
            let expected = Int64(values.count) * Int64(values.count - 1) / 2
            guard total == expected else { fatalError("shared sum \(total), expected \(expected)") }
            print("threads-sum ok: \(world.size) ranks, sum \(total)")
        }
    }
case "--allocations":
    try job.run { thread in
        let small = try shared.allocate("small", count: 3, of: Int32.self, by: thread)
        let aligned = try shared.allocate("aligned", count: 10, of: Double.self, pageAligned: true, by: thread)
        let again = try shared.allocate("small", count: 3, of: Int32.self, by: thread)
        if thread.rank == 0 {
            let offsetOf = { (pointer: UnsafeMutableRawPointer) in pointer - shared.region.base }
            print("allocations ok: small at \(offsetOf(UnsafeMutableRawPointer(small.base))), aligned at \(offsetOf(UnsafeMutableRawPointer(aligned.base))), again at \(offsetOf(UnsafeMutableRawPointer(again.base)))")
        }
    }
case "--mismatch":
    try job.run { thread in
        _ = try shared.allocate("grid", count: thread.rank == 1 ? 200 : 100, of: Double.self, by: thread)
        print("rank \(thread.rank): the mismatch went unnoticed")
    }
case "--crash-outside", "--previous-handler":
    try job.run { thread in
        _ = try shared.allocate("touched", count: 1, of: Int.self, by: thread)
        let nowhere = UnsafeMutablePointer<Int>(bitPattern: 8)!
        nowhere.pointee = 1
        print("a write to address 8 did not fault")
    }
default:
    print("dsm-check: unknown mode '\(mode)'")
    exit(2)
}
