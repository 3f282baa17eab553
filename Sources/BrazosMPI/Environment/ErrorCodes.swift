import BrazosCore

/// The error classes and codes of the process: the predefined classes, and the classes,
/// codes and strings the program adds (`MPI_Add_error_class`, `MPI_Add_error_code`,
/// `MPI_Add_error_string`) and removes again (MPI 5.0's `MPI_Remove_error_*`).
///
/// Added classes and codes share one series of numbers above `lastPredefinedCode`
/// (`MPI_ERR_LASTCODE`), handed out in order and never reused, so a removed code can
/// never be mistaken for a later one. One table for the process: MPI's error codes are
/// the process's, whatever communicator or session raises them.
public final class ErrorCodes: Sendable {
    /// The process's table.
    public static let shared = ErrorCodes()

    /// `MPI_ERR_LASTCODE`: every predefined code is at most this, every added one above
    /// it. Fixed by the MPI 5.0 ABI.
    public static let lastPredefinedCode: Int32 = 0x3fff
    /// The longest string an added code may have: `MPI_MAX_ERROR_STRING` less the NUL.
    public static let longestString = 511

    private struct Table {
        var lastUsed = ErrorCodes.lastPredefinedCode
        /// Every added code, and added class (its own class), with its class.
        var classOfCode: [Int32: Int32] = [:]
        var strings: [Int32: String] = [:]
    }

    private let table = Guarded(Table())

    /// An empty table: only the predefined classes.
    public init() {}

    /// `MPI_LASTUSEDCODE`: the largest code handed out, `lastPredefinedCode` before any.
    public var lastUsedCode: Int32 { table.withLock { $0.lastUsed } }

    /// `MPI_Add_error_class`: a new class, which is also a code of itself.
    public func addClass() throws(MPIError) -> Int32 {
        try table.withLock { (table: inout Table) throws(MPIError) -> Int32 in
            let added = try Self.next(after: table.lastUsed)
            table.lastUsed = added
            table.classOfCode[added] = added
            return added
        }
    }

    /// `MPI_Add_error_code`: a new code of `errorClass`, a predefined class or one added.
    public func addCode(inClass errorClass: Int32) throws(MPIError) -> Int32 {
        try table.withLock { (table: inout Table) throws(MPIError) -> Int32 in
            guard ErrorClass(rawValue: errorClass) != nil || table.classOfCode[errorClass] == errorClass else {
                throw MPIError(.arg, "\(errorClass) is not an error class")
            }
            let added = try Self.next(after: table.lastUsed)
            table.lastUsed = added
            table.classOfCode[added] = errorClass
            return added
        }
    }

    /// `MPI_Add_error_string`: the text of an added code or class, replacing any earlier.
    public func setString(_ text: String, forCode code: Int32) throws(MPIError) {
        guard text.utf8.count <= Self.longestString else {
            throw MPIError(.arg, "an error string of \(text.utf8.count) bytes, longer than \(Self.longestString)")
        }
        try table.withLock { (table: inout Table) throws(MPIError) in
            guard table.classOfCode[code] != nil else { throw Self.notAdded(code) }
            table.strings[code] = text
        }
    }

    /// `MPI_Remove_error_class`: once its codes and its string are removed (MPI 5.0 §9.5).
    public func removeClass(_ errorClass: Int32) throws(MPIError) {
        try table.withLock { (table: inout Table) throws(MPIError) in
            guard table.classOfCode[errorClass] == errorClass else { throw MPIError(.arg, "\(errorClass) is not an error class the program added") }
            let codes = table.classOfCode.filter { $0.value == errorClass && $0.key != errorClass }.keys.sorted()
            guard codes.isEmpty else { throw MPIError(.arg, "error class \(errorClass) still has codes \(codes)") }
            guard table.strings[errorClass] == nil else { throw MPIError(.arg, "error class \(errorClass) still has a string") }
            table.classOfCode[errorClass] = nil
        }
    }

    /// `MPI_Remove_error_code`: once its string is removed.
    public func removeCode(_ code: Int32) throws(MPIError) {
        try table.withLock { (table: inout Table) throws(MPIError) in
            guard let errorClass = table.classOfCode[code], errorClass != code else { throw MPIError(.arg, "\(code) is not an error code the program added") }
            guard table.strings[code] == nil else { throw MPIError(.arg, "error code \(code) still has a string") }
            table.classOfCode[code] = nil
        }
    }

    /// `MPI_Remove_error_string`.
    public func removeString(ofCode code: Int32) throws(MPIError) {
        try table.withLock { (table: inout Table) throws(MPIError) in
            guard table.strings.removeValue(forKey: code) != nil else { throw MPIError(.arg, "error code \(code) has no string the program added") }
        }
    }

    /// `MPI_Error_class`: the class of a predefined or added code, nil for any other number.
    public func errorClass(of code: Int32) -> Int32? {
        if ErrorClass(rawValue: code) != nil { return code }
        return table.withLock { $0.classOfCode[code] }
    }

    /// `MPI_Error_string`: a predefined class's name and meaning, an added code's string
    /// (empty until it has one), nil for any other number.
    public func string(of code: Int32) -> String? {
        if let predefined = ErrorClass(rawValue: code) { return "\(predefined): \(predefined.meaning)" }
        return table.withLock { table in table.classOfCode[code].map { _ in table.strings[code] ?? "" } }
    }

    private static func next(after code: Int32) throws(MPIError) -> Int32 {
        guard code < Int32.max else { throw MPIError(.other, "every error code has been handed out") }
        return code + 1
    }

    private static func notAdded(_ code: Int32) -> MPIError {
        code <= lastPredefinedCode ? MPIError(.arg, "predefined error code \(code) keeps its string")
            : MPIError(.arg, "\(code) is not an error code or class the program added")
    }
}
