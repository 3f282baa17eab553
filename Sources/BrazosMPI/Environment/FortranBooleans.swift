import BrazosCore

/// The bit patterns of Fortran's `.TRUE.` and `.FALSE.`, which a Fortran binding layer
/// tells the library once (`MPI_Abi_set_fortran_booleans`) for one size of `LOGICAL`.
/// This library has no Fortran bindings of its own, so nothing is known until then.
public final class FortranBooleans: Sendable {
    /// The process's values.
    public static let shared = FortranBooleans()
    /// The largest `LOGICAL` kept: 16 bytes, the largest kind compilers offer.
    public static let largestSize = 16

    private struct Values {
        let size: Int
        let trueBytes: [UInt8]
        let falseBytes: [UInt8]
    }

    private let values = Guarded<Values?>(nil)

    /// Nothing set.
    public init() {}

    /// Sets the values for `LOGICAL`s of `size` bytes, a power of two up to
    /// `largestSize` (else `MPI_ERR_ARG`); only once (`MPI_ERR_ABI` after).
    public func set(size: Int, true trueBytes: [UInt8], false falseBytes: [UInt8]) throws(MPIError) {
        try Self.check(size)
        guard trueBytes.count == size, falseBytes.count == size else { throw MPIError(.arg, "values of \(size) bytes expected") }
        try values.withLock { (values: inout Values?) throws(MPIError) in
            guard values == nil else { throw MPIError(.abi, "the Fortran booleans were set already") }
            values = Values(size: size, trueBytes: trueBytes, falseBytes: falseBytes)
        }
    }

    /// The values for `LOGICAL`s of `size` bytes, nil if none were set for that size.
    public func values(size: Int) throws(MPIError) -> (true: [UInt8], false: [UInt8])? {
        try Self.check(size)
        return values.withLock { values in values.flatMap { $0.size == size ? ($0.trueBytes, $0.falseBytes) : nil } }
    }

    private static func check(_ size: Int) throws(MPIError) {
        guard size > 0, size <= largestSize, size & (size - 1) == 0 else {
            throw MPIError(.arg, "a Fortran LOGICAL of \(size) bytes: a power of two up to \(largestSize) expected")
        }
    }
}
