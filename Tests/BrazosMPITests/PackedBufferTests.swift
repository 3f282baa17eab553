@testable import BrazosMPI
import XCTest

/// The packed copies collectives make: one larger than the machine can give is an error
/// of the call (MPI_ERR_INTERN), not the end of the process.
final class PackedBufferTests: XCTestCase {
    func testACopyTheMachineCannotGiveIsAnInternError() throws {
#if BRAZOS_TSAN
        throw XCTSkip("ThreadSanitizer's allocator ends the process on a size this large instead of failing it")
#else
        XCTAssertThrowsError(try PackedBuffer.scratch(1 << 62)) { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .intern, "\(error)")
            XCTAssertTrue("\(error)".contains("4611686018427387904 bytes"), "\(error)")
        }
        let copy = try PackedBuffer.scratch(100)
        defer { copy.release() }
        XCTAssertEqual(copy.bytes.count, 100)
        copy.bytes.initializeMemory(as: UInt8.self, repeating: 1)
#endif
    }
}
