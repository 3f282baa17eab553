@testable import BrazosCore
import XCTest

final class SlurmHostListTests: XCTestCase {
    func testPlainNamesAndRanges() throws {
        XCTAssertEqual(try SlurmHostList.expand("vm"), ["vm"])
        XCTAssertEqual(try SlurmHostList.expand("node[1-3,5]"), ["node1", "node2", "node3", "node5"])
        XCTAssertEqual(try SlurmHostList.expand("login,gpu[7-8],bz3"), ["login", "gpu7", "gpu8", "bz3"])
        XCTAssertEqual(try SlurmHostList.expand("a[2],b[10-11]"), ["a2", "b10", "b11"])
    }

    func testZeroPaddingFollowsTheFirstBound() throws {
        XCTAssertEqual(try SlurmHostList.expand("n[008-011]"), ["n008", "n009", "n010", "n011"])
        XCTAssertEqual(try SlurmHostList.expand("n[9-10]"), ["n9", "n10"])
    }

    func testSeveralBracketsAndASuffix() throws {
        XCTAssertEqual(try SlurmHostList.expand("rack[1-2]-n[01-02]"), ["rack1-n01", "rack1-n02", "rack2-n01", "rack2-n02"])
        XCTAssertEqual(try SlurmHostList.expand("c[1-2]-ib"), ["c1-ib", "c2-ib"])
    }

    func testBadListsAreRefusedWithTheirReason() {
        let cases: [(String, String)] = [
            ("node[1-3", "'[' without ']'"), ("node1-3]", "']' without '['"), ("a[[1]]", "brackets inside brackets"),
            ("a,,b", "empty entry"), ("", "empty entry"), ("n[3-1]", "runs backwards"), ("n[x]", "'x' is not a number"),
            ("n[1-]", "'1-' is not a number"), ("n[1,]", "'' is not a number"), ("n[1-2-3]", "'1-2-3' is not a number"),
            ("n[0-99999999]", "more than 65536 hosts"), ("n[1-300]x[1-300]", "more than 65536 hosts"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try SlurmHostList.expand(text), text) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(text): \(error)")
            }
        }
    }

    func testTaskCounts() throws {
        XCTAssertEqual(try SlurmTaskCounts.expand("2(x3),1"), [2, 2, 2, 1])
        XCTAssertEqual(try SlurmTaskCounts.expand("4"), [4])
        XCTAssertEqual(try SlurmTaskCounts.expand("1(x2),3(x1)"), [1, 1, 3])
        for bad in ["", "0", "2(x0)", "2(3)", "2(x3", "x", "2,,1", "-1", "1(x99999999)"] {
            XCTAssertThrowsError(try SlurmTaskCounts.expand(bad), bad)
        }
    }
}
