import XCTest
@testable import BrazosCore

final class HMACTests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0x0f)])
        }
        return s
    }

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: SHA-256 (FIPS 180-4 / NIST example vectors)

    func testSHA256Empty() {
        XCTAssertEqual(hex(SHA256.hash([UInt8]())),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testSHA256ABC() {
        XCTAssertEqual(hex(SHA256.hash(bytes("abc"))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testSHA256TwoBlockMessage() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        XCTAssertEqual(hex(SHA256.hash(bytes(message))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testSHA256OneMillionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        XCTAssertEqual(hex(SHA256.hash(message)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testSHA256AcceptsNonContiguousCollections() {
        // Exercises the non-contiguous fallback path with the same "abc" vector.
        let lazyABC = [UInt8]("xabc".utf8).lazy.dropFirst()
        XCTAssertEqual(hex(SHA256.hash(lazyABC)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hash(bytes("abc")[...]), SHA256.hash(bytes("abc")))
    }

    // MARK: HMAC-SHA-256 (RFC 4231)

    func testHMACCase1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        XCTAssertEqual(hex(HMAC.sha256(key: key, message: bytes("Hi There"))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    func testHMACCase2() {
        XCTAssertEqual(hex(HMAC.sha256(key: bytes("Jefe"), message: bytes("what do ya want for nothing?"))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testHMACCase3() {
        let key = [UInt8](repeating: 0xaa, count: 20)
        let message = [UInt8](repeating: 0xdd, count: 50)
        XCTAssertEqual(hex(HMAC.sha256(key: key, message: message)),
                       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    func testHMACCase4() {
        let key = (1...25).map { UInt8($0) }
        let message = [UInt8](repeating: 0xcd, count: 50)
        XCTAssertEqual(hex(HMAC.sha256(key: key, message: message)),
                       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    }

    func testHMACCase6LargeKey() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message = bytes("Test Using Larger Than Block-Size Key - Hash Key First")
        XCTAssertEqual(hex(HMAC.sha256(key: key, message: message)),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testHMACCase7LargeKeyAndData() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let message = bytes("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.")
        XCTAssertEqual(hex(HMAC.sha256(key: key, message: message)),
                       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    // MARK: constantTimeEquals

    func testConstantTimeEqualsEqual() {
        XCTAssertTrue(constantTimeEquals([], []))
        XCTAssertTrue(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        let mac = HMAC.sha256(key: bytes("secret"), message: bytes("hello"))
        XCTAssertTrue(constantTimeEquals(mac, HMAC.sha256(key: bytes("secret"), message: bytes("hello"))))
    }

    func testConstantTimeEqualsMismatch() {
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(constantTimeEquals([0, 2, 3], [1, 2, 3]))
        let mac = HMAC.sha256(key: bytes("secret"), message: bytes("hello"))
        XCTAssertFalse(constantTimeEquals(mac, HMAC.sha256(key: bytes("Secret"), message: bytes("hello"))))
    }

    func testConstantTimeEqualsDifferentLengths() {
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2]))
        XCTAssertFalse(constantTimeEquals([], [0]))
    }
}
