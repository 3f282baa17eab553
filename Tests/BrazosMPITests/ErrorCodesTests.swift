import XCTest
@testable import BrazosMPI

final class ErrorCodesTests: XCTestCase {
    func testEveryPredefinedClassHasItsOwnNameAndAMeaning() {
        let codes = ErrorCodes()
        XCTAssertEqual(ErrorClass.allCases.count, 63)
        XCTAssertEqual(Set(ErrorClass.allCases.map(\.description)).count, 63)
        for errorClass in ErrorClass.allCases {
            XCTAssertEqual(codes.errorClass(of: errorClass.rawValue), errorClass.rawValue)
            XCTAssertFalse(errorClass.meaning.isEmpty, "\(errorClass)")
            XCTAssertEqual(codes.string(of: errorClass.rawValue), "\(errorClass): \(errorClass.meaning)")
        }
        XCTAssertNil(codes.errorClass(of: 63), "a number between the classes and MPI_ERR_LASTCODE")
        XCTAssertNil(codes.string(of: -1))
    }

    func testAddedClassesAndCodesAreNumberedAboveTheLastCodeInOrder() throws {
        let codes = ErrorCodes()
        XCTAssertEqual(codes.lastUsedCode, ErrorCodes.lastPredefinedCode)
        let added = try codes.addClass()
        let code = try codes.addCode(inClass: added)
        let argumentCode = try codes.addCode(inClass: ErrorClass.arg.rawValue)
        XCTAssertEqual([added, code, argumentCode], [0x4000, 0x4001, 0x4002])
        XCTAssertEqual(codes.lastUsedCode, 0x4002)
        XCTAssertEqual(codes.errorClass(of: added), added)
        XCTAssertEqual(codes.errorClass(of: code), added)
        XCTAssertEqual(codes.errorClass(of: argumentCode), ErrorClass.arg.rawValue)
        XCTAssertThrowsError(try codes.addCode(inClass: code), "a code is not a class") { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .arg)
        }
    }

    func testStringsOfAddedCodesReplaceEachOtherAndPredefinedOnesStay() throws {
        let codes = ErrorCodes()
        let added = try codes.addClass()
        let code = try codes.addCode(inClass: added)
        XCTAssertEqual(codes.string(of: code), "", "no string yet")
        try codes.setString("first", forCode: code)
        try codes.setString("second", forCode: code)
        XCTAssertEqual(codes.string(of: code), "second")
        XCTAssertThrowsError(try codes.setString("mine", forCode: ErrorClass.rank.rawValue))
        XCTAssertThrowsError(try codes.setString(String(repeating: "x", count: 512), forCode: code))
        XCTAssertNoThrow(try codes.setString(String(repeating: "x", count: 511), forCode: code))
    }

    func testRemovalGoesStringThenCodeThenClassAndNumbersAreNotReused() throws {
        let codes = ErrorCodes()
        let added = try codes.addClass()
        let code = try codes.addCode(inClass: added)
        try codes.setString("text", forCode: code)
        XCTAssertThrowsError(try codes.removeClass(added), "it has a code")
        XCTAssertThrowsError(try codes.removeCode(code), "it has a string")
        try codes.removeString(ofCode: code)
        XCTAssertThrowsError(try codes.removeString(ofCode: code), "removed already")
        try codes.removeCode(code)
        XCTAssertNil(codes.errorClass(of: code))
        XCTAssertThrowsError(try codes.removeCode(added), "a class is not removed as a code")
        try codes.setString("class text", forCode: added)
        XCTAssertThrowsError(try codes.removeClass(added), "it has a string")
        try codes.removeString(ofCode: added)
        try codes.removeClass(added)
        XCTAssertNil(codes.string(of: added))
        XCTAssertThrowsError(try codes.removeClass(ErrorClass.other.rawValue), "predefined")
        XCTAssertEqual(try codes.addClass(), code + 1)
    }

    func testAnErrorOfAnAddedCodeCarriesItsCodeAndItsPredefinedClass() throws {
        let inClass = try ErrorCodes.shared.addClass()
        let ofClass = try ErrorCodes.shared.addCode(inClass: inClass)
        let ofArgument = try ErrorCodes.shared.addCode(inClass: ErrorClass.arg.rawValue)
        XCTAssertEqual(MPIError(code: ofClass, "x").code, ofClass)
        XCTAssertEqual(MPIError(code: ofClass, "x").errorClass, .other)
        XCTAssertEqual(MPIError(code: ofArgument, "x").errorClass, .arg)
        XCTAssertEqual(MPIError(code: ErrorClass.tag.rawValue, "x"), MPIError(.tag, "x"))
    }
}
