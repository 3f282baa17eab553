import BrazosCore
import Checkpoint
import Foundation
import XCTest
@testable import Checkpointing

/// Protected buffers saved at a checkpoint, copy-on-write and copied at the checkpoint:
/// whatever the program writes after the checkpoint (its threads, or the kernel for it),
/// the part holds the buffer as it was at the checkpoint, and an incremental part only
/// the pages that changed.
final class ProtectedMemoryTests: XCTestCase {
    private var directory = ""
    private var store: CheckpointStore!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "brazos-protected-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        store = try CheckpointStore(directory: directory)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testCopyOnWriteSavesTheBufferAsItWasAtTheCheckpoint() throws {
        try requireWriteProtection()
        try checkFullThenIncremental(ProtectedMemory(copyOnWrite: true), copyOnWrite: true)
    }

    func testCopiesAtTheCheckpointSaveTheSame() throws {
        try checkFullThenIncremental(ProtectedMemory(copyOnWrite: false), copyOnWrite: false)
    }

    /// `unprotect` returns only once the part being written no longer reads the buffer:
    /// the program may then unmap it, and the part still holds it whole.
    func testUnprotectWaitsUntilTheWriterNoLongerReadsTheBuffer() throws {
        try requireWriteProtection()
        let size = 4 << 20
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        XCTAssertNotEqual(mapped, MAP_FAILED)
        let buffer = UnsafeMutableRawBufferPointer(start: mapped, count: size)
        fill(buffer, seed: 3)
        let expected = Array(buffer)
        let memory = ProtectedMemory(copyOnWrite: true)
        memory.protect(rank: 0, id: 1, buffer)
        _ = try memory.capture()
        let sealed = memory.seal(full: true)
        XCTAssertTrue(memory.isCopyingOnWrite)
        let unmapped = Guarded(false)
        let address = UInt(bitPattern: mapped)
        let program = NativeThread.spawnJoinable {
            memory.unprotect(rank: 0, id: 1)
            munmap(UnsafeMutableRawPointer(bitPattern: address), size)
            unmapped.withLock { $0 = true }
        }
        let sections = try write(sealed, epoch: 1)
        NativeThread.join(program)
        XCTAssertTrue(unmapped.withLock { $0 })
        XCTAssertEqual(restore(sections, size: size, key: "0 1"), expected)
    }

    // MARK: Helpers

    /// A full checkpoint while another thread rewrites the whole buffer (and the kernel
    /// writes into it, a read(2) from a pipe), an incremental one of all that, then one
    /// after three pages changed: each part holds the buffer as it was at its checkpoint,
    /// the last only the three pages.
    private func checkFullThenIncremental(_ memory: ProtectedMemory, copyOnWrite: Bool) throws {
        let size = 3 << 20 + 100
        let allocation = UnsafeMutableRawBufferPointer.allocate(byteCount: size + 8192, alignment: 4096)
        defer { allocation.deallocate() }
        // Not page-aligned: its first and last pages are shared with other memory.
        let buffer = UnsafeMutableRawBufferPointer(rebasing: allocation[123..<(123 + size)])
        fill(buffer, seed: 1)
        let atFirst = Array(buffer)
        memory.protect(rank: 2, id: 7, buffer)
        let counts = try memory.capture()
        XCTAssertEqual(counts.changed, counts.total, "a buffer seen for the first time is all changed")
        let sealed = memory.seal(full: true)
        XCTAssertEqual(memory.isCopyingOnWrite, copyOnWrite)
        // A write before the writer starts: with copy-on-write, the fault handler saves its
        // chunk first, and the part's costs say what that took.
        buffer[1 << 20] &+= 1
        var pipe: [Int32] = [0, 0]
        XCTAssertEqual(Glibc.pipe(&pipe), 0)
        let (reader, writer) = (pipe[0], pipe[1])
        let start = UInt(bitPattern: buffer.baseAddress)
        let program = NativeThread.spawnJoinable {
            let buffer = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: start), count: size)
            fill(buffer, seed: 2)
            let bytes = [UInt8](repeating: 0xA5, count: 3000)
            _ = bytes.withUnsafeBytes { Glibc.write(writer, $0.baseAddress, $0.count) }
            // The kernel writes into a page the checkpoint may still protect.
            let got = read(reader, buffer.baseAddress! + 1 << 20, 3000)
            precondition(got == 3000, "read into a protected buffer failed: \(got), errno \(errno)")
        }
        let full = try write(sealed, epoch: 1)
        if copyOnWrite {
            XCTAssertGreaterThan(sealed.costs.faultWaitSeconds, 0, "the thread waited while its chunk was copied")
            XCTAssertGreaterThan(sealed.costs.handlerCPUSeconds, 0)
        } else {
            XCTAssertEqual(sealed.costs.faultWaitSeconds, 0)
        }
        NativeThread.join(program)
        close(pipe[0])
        close(pipe[1])
        XCTAssertEqual(restore(full, size: size, key: "2 7"), atFirst)

        // Every page changed since: the next part holds them all.
        let afterFirst = Array(buffer)
        _ = try memory.capture()
        let second = try write(memory.seal(full: false), epoch: 2)
        let restoredSecond = restore(second, size: size, key: "2 7", over: restore(full, size: size, key: "2 7"))
        XCTAssertEqual(restoredSecond, afterFirst)

        // Three pages change: the first (partial), one inside, the last (partial).
        for offset in [5, size / 2, size - 3] { buffer[offset] &+= 1 }
        let expected = Array(buffer)
        _ = try memory.capture()
        let third = try write(memory.seal(full: false), epoch: 3)
        let bytes = third.filter { $0.name == "protected 2 7" }.reduce(0) { $0 + $1.payload.count - 16 }
        XCTAssertLessThanOrEqual(bytes, 3 * 4096, "an incremental part holds the changed pages only")
        XCTAssertGreaterThan(bytes, 0)
        XCTAssertEqual(restore(third, size: size, key: "2 7", over: restoredSecond), expected)
        memory.unprotect(rank: 2, id: 7)
    }

    private func requireWriteProtection() throws {
        if ProcessInfo.processInfo.environment["BRAZOS_COPY_ON_WRITE"] == "0" {
            throw XCTSkip("copy-on-write is turned off in this run (BRAZOS_COPY_ON_WRITE=0, as scripts/tsan does)")
        }
        if case let .failure(error) = WriteProtection.open() {
            if getuid() == 0 { XCTFail("no write protection as root: \(error)") }
            throw XCTSkip("userfaultfd needs privilege here (vm.unprivileged_userfaultfd = 0): \(error)")
        }
    }

    private func write(_ sealed: any SealedPieces, epoch: Int) throws -> [CheckpointSection] {
        try writtenSections(of: sealed, in: store, epoch: epoch)
    }

    /// The buffer the `protected KEY` runs of `sections` make, over `base`.
    private func restore(_ sections: [CheckpointSection], size: Int, key: String, over base: [UInt8]? = nil) -> [UInt8] {
        var bytes = base ?? [UInt8](repeating: 0, count: size)
        for section in sections where section.name == "protected \(key)" {
            let header = section.payload.prefix(16).withUnsafeBytes { (Int($0.loadUnaligned(as: UInt64.self)), Int($0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) }
            XCTAssertEqual(header.0, size)
            bytes.replaceSubrange(header.1..<(header.1 + section.payload.count - 16), with: section.payload.dropFirst(16))
        }
        return bytes
    }
}

private func fill(_ buffer: UnsafeMutableRawBufferPointer, seed: UInt64) {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    for index in stride(from: 0, to: buffer.count, by: 8) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        withUnsafeBytes(of: state) { word in
            for byte in 0..<min(8, buffer.count - index) { buffer[index + byte] = word[byte] }
        }
    }
}
