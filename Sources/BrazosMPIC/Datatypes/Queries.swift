import BrazosMPI
import BrazosCore
import CMPI
#if canImport(Glibc)
import Glibc
#endif

// What a datatype is: sizes, bounds, how it was made, its name; and the predefined types
// found by size, precision or pairing.

/// An `int` result, or `MPI_UNDEFINED` when it does not fit.
private func intOrUndefined(_ value: Int?) -> Int32 { value.flatMap { Int32(exactly: $0) } ?? Int32(MPI.undefined) }

/// `MPI_Type_size`: bytes of data in one element, padding excluded; `MPI_UNDEFINED` when
/// that does not fit an `int`.
@_cdecl("MPI_Type_size")
public func mpiTypeSize(_ datatype: MPI_Datatype?, _ size: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Type_size") { () throws(MPIError) in
        let bytes = try Handles.datatype(datatype).size
        try output(size, "the size").pointee = intOrUndefined(bytes)
    }
}

/// `MPI_Type_size_c`.
@_cdecl("MPI_Type_size_c")
public func mpiTypeSizeC(_ datatype: MPI_Datatype?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiCall("MPI_Type_size_c") { () throws(MPIError) in
        try output(size, "the size").pointee = MPI_Count(try Handles.datatype(datatype).size)
    }
}

/// `MPI_Type_size_x` (deprecated in MPI 4.1 for `MPI_Type_size_c`).
@_cdecl("MPI_Type_size_x")
public func mpiTypeSizeX(_ datatype: MPI_Datatype?, _ size: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    mpiTypeSizeC(datatype, size)
}

/// Writes two bounds of a datatype for the extent calls.
private func bounds<T: BinaryInteger>(_ name: StaticString, _ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<T>?, _ extent: UnsafeMutablePointer<T>?,
                                      true isTrue: Bool) -> Int32 {
    mpiCall(name) { () throws(MPIError) in
        let type = try Handles.datatype(datatype)
        try output(lower, "the lower bound").pointee = T(isTrue ? type.trueLowerBound : type.lowerBound)
        try output(extent, "the extent").pointee = T(isTrue ? type.trueExtent : type.extent)
    }
}

/// `MPI_Type_get_extent`.
@_cdecl("MPI_Type_get_extent")
public func mpiTypeGetExtent(_ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<MPI_Aint>?, _ extent: UnsafeMutablePointer<MPI_Aint>?) -> Int32 {
    bounds("MPI_Type_get_extent", datatype, lower, extent, true: false)
}

/// `MPI_Type_get_extent_c`.
@_cdecl("MPI_Type_get_extent_c")
public func mpiTypeGetExtentC(_ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<MPI_Count>?, _ extent: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    bounds("MPI_Type_get_extent_c", datatype, lower, extent, true: false)
}

/// `MPI_Type_get_extent_x` (deprecated in MPI 4.1).
@_cdecl("MPI_Type_get_extent_x")
public func mpiTypeGetExtentX(_ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<MPI_Count>?, _ extent: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    bounds("MPI_Type_get_extent_x", datatype, lower, extent, true: false)
}

/// `MPI_Type_get_true_extent`.
@_cdecl("MPI_Type_get_true_extent")
public func mpiTypeGetTrueExtent(_ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<MPI_Aint>?, _ extent: UnsafeMutablePointer<MPI_Aint>?) -> Int32 {
    bounds("MPI_Type_get_true_extent", datatype, lower, extent, true: true)
}

/// `MPI_Type_get_true_extent_c`.
@_cdecl("MPI_Type_get_true_extent_c")
public func mpiTypeGetTrueExtentC(_ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<MPI_Count>?, _ extent: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    bounds("MPI_Type_get_true_extent_c", datatype, lower, extent, true: true)
}

/// `MPI_Type_get_true_extent_x` (deprecated in MPI 4.1).
@_cdecl("MPI_Type_get_true_extent_x")
public func mpiTypeGetTrueExtentX(_ datatype: MPI_Datatype?, _ lower: UnsafeMutablePointer<MPI_Count>?, _ extent: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    bounds("MPI_Type_get_true_extent_x", datatype, lower, extent, true: true)
}

// MARK: Envelope and contents

/// `MPI_Type_get_envelope`: `MPI_ERR_TYPE` for a type whose arguments do not fit `int`s
/// (made by a `_c` constructor with large values: ask `MPI_Type_get_envelope_c`).
@_cdecl("MPI_Type_get_envelope")
public func mpiTypeGetEnvelope(_ datatype: MPI_Datatype?, _ integers: UnsafeMutablePointer<Int32>?, _ addresses: UnsafeMutablePointer<Int32>?,
                               _ datatypes: UnsafeMutablePointer<Int32>?, _ combiner: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Type_get_envelope") { () throws(MPIError) in
        let envelope = try Handles.datatype(datatype).envelope
        let split = envelope.split(largeCounts: false)
        guard split.integers.allSatisfy({ Int32(exactly: $0) != nil }) else {
            throw MPIError(.type, "the arguments of this datatype do not fit int: use MPI_Type_get_envelope_c")
        }
        try output(integers, "the number of integers").pointee = Int32(split.integers.count)
        try output(addresses, "the number of addresses").pointee = Int32(split.addresses.count)
        try output(datatypes, "the number of datatypes").pointee = Int32(envelope.datatypes.count)
        try output(combiner, "the combiner").pointee = Int32(envelope.combiner.rawValue)
    }
}

/// `MPI_Type_get_envelope_c`.
@_cdecl("MPI_Type_get_envelope_c")
public func mpiTypeGetEnvelopeC(_ datatype: MPI_Datatype?, _ integers: UnsafeMutablePointer<MPI_Count>?, _ addresses: UnsafeMutablePointer<MPI_Count>?,
                                _ largeCounts: UnsafeMutablePointer<MPI_Count>?, _ datatypes: UnsafeMutablePointer<MPI_Count>?,
                                _ combiner: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Type_get_envelope_c") { () throws(MPIError) in
        let envelope = try Handles.datatype(datatype).envelope
        let split = envelope.split(largeCounts: true)
        try output(integers, "the number of integers").pointee = MPI_Count(split.integers.count)
        try output(addresses, "the number of addresses").pointee = MPI_Count(split.addresses.count)
        try output(largeCounts, "the number of large counts").pointee = MPI_Count(split.largeCounts.count)
        try output(datatypes, "the number of datatypes").pointee = MPI_Count(envelope.datatypes.count)
        try output(combiner, "the combiner").pointee = Int32(envelope.combiner.rawValue)
    }
}

/// Writes `values` to a program's array of room for `room`: `MPI_ERR_ARG` if too small.
private func fill<T: BinaryInteger>(_ target: UnsafeMutablePointer<T>?, room: Int, _ values: [Int], _ name: String) throws(MPIError) {
    guard !values.isEmpty else { return }
    guard room >= values.count, let target else { throw MPIError(.arg, "room for \(room) \(name), \(values.count) needed") }
    for (index, value) in values.enumerated() { target[index] = T(truncatingIfNeeded: value) }
}

/// The datatypes of a contents call: predefined ones as themselves, derived ones as new
/// handles the program frees (MPI 4.1 §5.1.13).
private func fillDatatypes(_ target: UnsafeMutablePointer<MPI_Datatype?>?, room: Int, _ types: [Datatype]) throws(MPIError) {
    guard !types.isEmpty else { return }
    guard room >= types.count, let target else { throw MPIError(.arg, "room for \(room) datatypes, \(types.count) needed") }
    for (index, type) in types.enumerated() { target[index] = Handles.predefinedHandle(of: type) ?? Handles.datatypes.add(type) }
}

/// `MPI_Type_get_contents`: `MPI_ERR_TYPE` for a predefined type.
@_cdecl("MPI_Type_get_contents")
public func mpiTypeGetContents(_ datatype: MPI_Datatype?, _ maxIntegers: Int32, _ maxAddresses: Int32, _ maxDatatypes: Int32,
                               _ integers: UnsafeMutablePointer<Int32>?, _ addresses: UnsafeMutablePointer<MPI_Aint>?,
                               _ datatypes: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_get_contents") { () throws(MPIError) in
        let envelope = try Handles.datatype(datatype).envelope
        guard envelope.combiner != .named else { throw MPIError(.type, "MPI_Type_get_contents of a predefined datatype") }
        let split = envelope.split(largeCounts: false)
        try fill(integers, room: Int(maxIntegers), split.integers, "integers")
        try fill(addresses, room: Int(maxAddresses), split.addresses, "addresses")
        try fillDatatypes(datatypes, room: Int(maxDatatypes), envelope.datatypes)
    }
}

/// `MPI_Type_get_contents_c`.
@_cdecl("MPI_Type_get_contents_c")
public func mpiTypeGetContentsC(_ datatype: MPI_Datatype?, _ maxIntegers: MPI_Count, _ maxAddresses: MPI_Count, _ maxLargeCounts: MPI_Count,
                                _ maxDatatypes: MPI_Count, _ integers: UnsafeMutablePointer<Int32>?, _ addresses: UnsafeMutablePointer<MPI_Aint>?,
                                _ largeCounts: UnsafeMutablePointer<MPI_Count>?, _ datatypes: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_get_contents_c") { () throws(MPIError) in
        let envelope = try Handles.datatype(datatype).envelope
        guard envelope.combiner != .named else { throw MPIError(.type, "MPI_Type_get_contents_c of a predefined datatype") }
        let split = envelope.split(largeCounts: true)
        try fill(integers, room: Int(maxIntegers), split.integers, "integers")
        try fill(addresses, room: Int(maxAddresses), split.addresses, "addresses")
        try fill(largeCounts, room: Int(maxLargeCounts), split.largeCounts, "large counts")
        try fillDatatypes(datatypes, room: Int(maxDatatypes), envelope.datatypes)
    }
}

// MARK: Names

/// `MPI_MAX_OBJECT_NAME` of the ABI: room for a name and its terminating NUL.
let maxObjectName = 128

/// `MPI_Type_set_name`: names longer than `MPI_MAX_OBJECT_NAME - 1` bytes are cut.
@_cdecl("MPI_Type_set_name")
public func mpiTypeSetName(_ datatype: MPI_Datatype?, _ name: UnsafePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Type_set_name") { () throws(MPIError) in
        let type = try Handles.datatype(datatype)
        guard let name else { throw MPIError(.arg, "null pointer for the name") }
        type.name = String(decoding: UnsafeRawBufferPointer(start: name, count: strnlen(name, maxObjectName - 1)), as: UTF8.self)
    }
}

/// `MPI_Type_get_name`: a predefined type's MPI name, a derived type's given name, or
/// the empty string.
@_cdecl("MPI_Type_get_name")
public func mpiTypeGetName(_ datatype: MPI_Datatype?, _ name: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Type_get_name") { () throws(MPIError) in
        // MPI_DATATYPE_NULL is named too, as in Open MPI (mpi4py relies on it).
        let typeName = Handles.value(datatype) == Handles.Value.datatypeNull ? "MPI_DATATYPE_NULL" : try Handles.datatype(datatype).name
        let target = try output(name, "the name"), resultLength = try output(length, "the name's length")
        let bytes = Array(typeName.utf8.prefix(maxObjectName - 1))
        for (index, byte) in bytes.enumerated() { target[index] = CChar(bitPattern: byte) }
        target[bytes.count] = 0
        resultLength.pointee = Int32(bytes.count)
    }
}

// MARK: Predefined types by property

/// `MPI_Type_match_size`: the type of `typeclass` (`MPI_TYPECLASS_INTEGER`, `_REAL`,
/// `_COMPLEX`) and `size` bytes (a sized Fortran type, or the C `long double` types for
/// 16 and 32 bytes); `MPI_ERR_ARG` if there is none.
@_cdecl("MPI_Type_match_size")
public func mpiTypeMatchSize(_ typeclass: Int32, _ size: Int32, _ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_match_size") { () throws(MPIError) in
        let candidates: [Datatype]
        switch typeclass {
        case 192: candidates = [.integer1, .integer2, .integer4, .integer8]
        case 193: candidates = [.real4, .real8, .longDouble]
        case 194: candidates = [.complex8, .complex16, .longDoubleComplex]
        default: throw MPIError(.arg, "invalid type class \(typeclass)")
        }
        guard let found = candidates.first(where: { $0.size == Int(size) }) else {
            throw MPIError(.arg, "no predefined type of class \(typeclass) has \(size) bytes")
        }
        try output(datatype, "the datatype").pointee = Handles.predefinedHandle(of: found)
    }
}

/// `MPI_Type_get_value_index` (MPI 4.1): the predefined pair type, or `MPI_DATATYPE_NULL`.
@_cdecl("MPI_Type_get_value_index")
public func mpiTypeGetValueIndex(_ value: MPI_Datatype?, _ index: MPI_Datatype?, _ pair: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_get_value_index") { () throws(MPIError) in
        let found = Datatype.valueIndex(value: try Handles.datatype(value), index: try Handles.datatype(index))
        try output(pair, "the pair type").pointee = found.flatMap(Handles.predefinedHandle) ?? Handles.opaque(Handles.Value.datatypeNull)
    }
}

/// `MPI_Type_create_f90_integer`: the `INTEGER*n` of at least `range` decimal digits.
@_cdecl("MPI_Type_create_f90_integer")
public func mpiTypeCreateF90Integer(_ range: Int32, _ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_f90_integer") { () throws(MPIError) in
        try output(datatype, "the datatype").pointee = try F90Types.integer(range: Int(range))
    }
}

/// `MPI_Type_create_f90_real`: the `REAL*n` of at least `precision` digits and `range`
/// exponent (`MPI_UNDEFINED` for either: no requirement).
@_cdecl("MPI_Type_create_f90_real")
public func mpiTypeCreateF90Real(_ precision: Int32, _ range: Int32, _ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_f90_real") { () throws(MPIError) in
        try output(datatype, "the datatype").pointee = try F90Types.real(precision: Int(precision), range: Int(range), complex: false)
    }
}

/// `MPI_Type_create_f90_complex`: as `MPI_Type_create_f90_real`, for `COMPLEX*2n`.
@_cdecl("MPI_Type_create_f90_complex")
public func mpiTypeCreateF90Complex(_ precision: Int32, _ range: Int32, _ datatype: UnsafeMutablePointer<MPI_Datatype?>?) -> Int32 {
    mpiCall("MPI_Type_create_f90_complex") { () throws(MPIError) in
        try output(datatype, "the datatype").pointee = try F90Types.real(precision: Int(precision), range: Int(range), complex: true)
    }
}

/// The types `MPI_Type_create_f90_*` return: predefined (never freed), one handle per
/// distinct arguments, with the F90 combiner in their envelope.
enum F90Types {
    private static let made = Guarded([String: Int]())

    static func integer(range: Int) throws(MPIError) -> MPI_Datatype? {
        let ranges: [(Int, Datatype)] = [(2, .integer1), (4, .integer2), (9, .integer4), (18, .integer8)]
        guard let found = ranges.first(where: { range <= $0.0 }) else { throw MPIError(.arg, "no integer type has a range of \(range) digits") }
        return handle("i\(range)", found.1, Datatype.Envelope(.f90Integer, [.integer(range)]))
    }

    static func real(precision: Int, range: Int, complex: Bool) throws(MPIError) -> MPI_Datatype? {
        let undefined = MPI.undefined
        let kinds: [(precision: Int, range: Int, real: Datatype, complex: Datatype)] = [(6, 37, .real4, .complex8), (15, 307, .real8, .complex16)]
        guard let found = kinds.first(where: { (precision == undefined || precision <= $0.precision) && (range == undefined || range <= $0.range) }) else {
            throw MPIError(.arg, "no floating-point type has \(precision) digits and an exponent range of \(range)")
        }
        let envelope = Datatype.Envelope(complex ? .f90Complex : .f90Real, [.integer(precision), .integer(range)])
        return handle("\(complex ? "c" : "r")\(precision),\(range)", complex ? found.complex : found.real, envelope)
    }

    private static func handle(_ key: String, _ base: Datatype, _ envelope: Datatype.Envelope) -> MPI_Datatype? {
        made.withLock { made in
            if let value = made[key] { return Handles.opaque(value) }
            let handle = Handles.datatypes.add(Datatype.f90(base, envelope))
            made[key] = Handles.value(handle)
            return handle
        }
    }
}

// MARK: Elements

/// `MPI_Get_elements` of either width.
private func elements<T: BinaryInteger>(_ name: StaticString, _ status: UnsafePointer<MPI_Status>?, _ datatype: MPI_Datatype?,
                                        _ count: UnsafeMutablePointer<T>?, _ convert: (Int?) -> T) -> Int32 {
    mpiCall(name) { () throws(MPIError) in
        guard let status else { throw MPIError(.arg, "null pointer for the status") }
        let type = try Handles.datatype(datatype)
        try output(count, "the count").pointee = convert(type.elements(inBytes: status.pointee.byteCount))
    }
}

/// `MPI_Get_elements`: basic elements received; `MPI_UNDEFINED` if they do not fit an `int`.
@_cdecl("MPI_Get_elements")
public func mpiGetElements(_ status: UnsafePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    elements("MPI_Get_elements", status, datatype, count, intOrUndefined)
}

/// `MPI_Get_elements_c`.
@_cdecl("MPI_Get_elements_c")
public func mpiGetElementsC(_ status: UnsafePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    elements("MPI_Get_elements_c", status, datatype, count) { MPI_Count($0 ?? MPI.undefined) }
}

/// `MPI_Get_elements_x` (deprecated in MPI 4.1).
@_cdecl("MPI_Get_elements_x")
public func mpiGetElementsX(_ status: UnsafePointer<MPI_Status>?, _ datatype: MPI_Datatype?, _ count: UnsafeMutablePointer<MPI_Count>?) -> Int32 {
    elements("MPI_Get_elements_x", status, datatype, count) { MPI_Count($0 ?? MPI.undefined) }
}
