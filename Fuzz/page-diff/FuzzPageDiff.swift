@testable import BrazosSharedMemory
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as a page diff from a peer. Applying it
/// writes inside the page only (AddressSanitizer watches the bytes around it) or is a
/// typed error, never a trap.
@main
enum FuzzPageDiff {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        let page = UnsafeMutableRawPointer.allocate(byteCount: SharedRegion.pageSize, alignment: 64)
        defer { page.deallocate() }
        page.initializeMemory(as: UInt8.self, repeating: 0, count: SharedRegion.pageSize)
        do {
            try PageDiff.apply(Array(input), to: page)
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
