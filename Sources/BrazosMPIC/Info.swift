import BrazosMPI
import CMPI
#if canImport(Glibc)
import Glibc
#endif

extension Handles {
    static let infos = HandleTable<Info>()
    static let infoNull = 0x130, infoEnvironment = 0x131

    /// What the process was started with (`MPI_INFO_ENV`), read once.
    static let environmentInfo = Info.environment(arguments: commandLine(), worldSize: nil, workingDirectory: workingDirectory())

    /// An info object, nil for `MPI_INFO_NULL` (where a call takes it as no hints).
    static func optionalInfo(_ handle: MPI_Info?) throws(MPIError) -> Info? {
        if value(handle) == infoNull { return nil }
        return try info(handle)
    }

    /// An info object; `MPI_INFO_NULL` is `MPI_ERR_INFO`.
    static func info(_ handle: MPI_Info?) throws(MPIError) -> Info {
        switch value(handle) {
        case infoEnvironment: return environmentInfo
        default:
            guard let info = infos.object(handle) else { throw MPIError(.info, "invalid info object: \(describe(handle, null: infoNull, "MPI_INFO_NULL"))") }
            return info
        }
    }
}

/// The process's arguments, from /proc/self/cmdline (empty where there is none).
private func commandLine() -> [String] {
    guard let file = fopen("/proc/self/cmdline", "r") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    while bytes.count < 1 << 20 {
        let byte = fgetc(file)
        if byte == EOF { break }
        bytes.append(UInt8(byte))
    }
    return bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
}

private func workingDirectory() -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A C string argument: a null pointer is `MPI_ERR_ARG`. Reads at most `limit` bytes
/// (more is `error`, as a key or value longer than MPI allows).
func cString(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int, error: ErrorClass) throws(MPIError) -> String {
    guard let pointer else { throw MPIError(.arg, "null pointer for \(name)") }
    let length = strnlen(pointer, limit + 1)
    guard length <= limit else { throw MPIError(error, "\(name) is longer than \(limit) bytes") }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
}

/// Copies `text` into `buffer` of `capacity` bytes, cut to fit with its terminator; returns
/// the bytes copied (without it).
@discardableResult
func copyString(_ text: String, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
    guard capacity > 0 else { return 0 }
    let bytes = Array(text.utf8.prefix(capacity - 1))
    for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
    return bytes.count
}

private func key(_ pointer: UnsafePointer<CChar>?) throws(MPIError) -> String {
    try cString(pointer, "the key", limit: Info.maxKeyLength, error: .infoKey)
}

/// `MPI_Info_create`.
@_cdecl("MPI_Info_create")
public func mpiInfoCreate(_ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Info_create") { () throws(MPIError) in try output(info, "the info").pointee = Handles.infos.add(Info()) }
}

/// `MPI_Info_create_env`: `command` and `argv` from `argv` (the process's own arguments
/// where it is null), `maxprocs` once MPI is initialized, `wdir`. May be called before `MPI_Init`.
@_cdecl("MPI_Info_create_env")
public func mpiInfoCreateEnv(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Info_create_env") { () throws(MPIError) in
        let result = try output(info, "the info")
        var arguments: [String] = []
        if let argv, argc > 0 {
            for index in 0..<Int(argc) {
                guard let argument = argv[index] else { break }
                arguments.append(String(cString: argument))
            }
        } else {
            arguments = commandLine()
        }
        let worldSize = try? Runtime.rank().world.size
        result.pointee = Handles.infos.add(Info.environment(arguments: arguments, worldSize: worldSize, workingDirectory: workingDirectory()))
    }
}

/// `MPI_Info_set`: `MPI_ERR_INFO_KEY` / `_VALUE` for a key or value too long or empty.
@_cdecl("MPI_Info_set")
public func mpiInfoSet(_ info: MPI_Info?, _ keyText: UnsafePointer<CChar>?, _ valueText: UnsafePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Info_set") { () throws(MPIError) in
        let target = try Handles.info(info)
        guard Handles.value(info) != Handles.infoEnvironment else { throw MPIError(.info, "MPI_INFO_ENV cannot be changed") }
        try target.set(try key(keyText), try cString(valueText, "the value", limit: Info.maxValueLength, error: .infoValue))
    }
}

/// `MPI_Info_get` (deprecated in MPI 4): at most `valuelen` bytes of the value, and its
/// terminator.
@_cdecl("MPI_Info_get")
public func mpiInfoGet(_ info: MPI_Info?, _ keyText: UnsafePointer<CChar>?, _ valueLength: Int32, _ value: UnsafeMutablePointer<CChar>?,
                       _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Info_get") { () throws(MPIError) in
        let found = try Handles.info(info).value(try key(keyText))
        guard valueLength >= 0 else { throw MPIError(.arg, "negative value length \(valueLength)") }
        try output(flag, "the flag").pointee = found == nil ? 0 : 1
        if let found { copyString(found, into: try output(value, "the value"), capacity: Int(valueLength) + 1) }
    }
}

/// `MPI_Info_get_string`: `buflen` in, the value's size with its terminator out; the
/// value is cut to fit the buffer.
@_cdecl("MPI_Info_get_string")
public func mpiInfoGetString(_ info: MPI_Info?, _ keyText: UnsafePointer<CChar>?, _ bufferLength: UnsafeMutablePointer<Int32>?,
                             _ value: UnsafeMutablePointer<CChar>?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Info_get_string") { () throws(MPIError) in
        let found = try Handles.info(info).value(try key(keyText))
        let length = try output(bufferLength, "the buffer length")
        try output(flag, "the flag").pointee = found == nil ? 0 : 1
        guard let found else { return }
        let capacity = Int(length.pointee)
        if capacity > 0 { copyString(found, into: try output(value, "the value"), capacity: capacity) }
        length.pointee = Int32(found.utf8.count + 1)
    }
}

/// `MPI_Info_get_valuelen` (deprecated in MPI 4): the value's length without its terminator.
@_cdecl("MPI_Info_get_valuelen")
public func mpiInfoGetValuelen(_ info: MPI_Info?, _ keyText: UnsafePointer<CChar>?, _ valueLength: UnsafeMutablePointer<Int32>?,
                               _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Info_get_valuelen") { () throws(MPIError) in
        let found = try Handles.info(info).value(try key(keyText))
        let length = try output(valueLength, "the value length")
        try output(flag, "the flag").pointee = found == nil ? 0 : 1
        if let found { length.pointee = Int32(found.utf8.count) }
    }
}

/// `MPI_Info_get_nkeys`.
@_cdecl("MPI_Info_get_nkeys")
public func mpiInfoGetNkeys(_ info: MPI_Info?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Info_get_nkeys") { () throws(MPIError) in
        try output(count, "the number of keys").pointee = Int32(try Handles.info(info).count)
    }
}

/// `MPI_Info_get_nthkey`: `key` holds `MPI_MAX_INFO_KEY` bytes.
@_cdecl("MPI_Info_get_nthkey")
public func mpiInfoGetNthkey(_ info: MPI_Info?, _ n: Int32, _ keyText: UnsafeMutablePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Info_get_nthkey") { () throws(MPIError) in
        let found = try Handles.info(info).key(at: Int(n))
        copyString(found, into: try output(keyText, "the key"), capacity: Info.maxKeyLength + 1)
    }
}

/// `MPI_Info_delete`: `MPI_ERR_INFO_NOKEY` if the key has no value.
@_cdecl("MPI_Info_delete")
public func mpiInfoDelete(_ info: MPI_Info?, _ keyText: UnsafePointer<CChar>?) -> Int32 {
    mpiCall("MPI_Info_delete") { () throws(MPIError) in
        let target = try Handles.info(info)
        guard Handles.value(info) != Handles.infoEnvironment else { throw MPIError(.info, "MPI_INFO_ENV cannot be changed") }
        try target.delete(try key(keyText))
    }
}

/// `MPI_Info_dup`.
@_cdecl("MPI_Info_dup")
public func mpiInfoDup(_ info: MPI_Info?, _ newInfo: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Info_dup") { () throws(MPIError) in
        let copy = try Handles.info(info).duplicate()
        try output(newInfo, "the new info").pointee = Handles.infos.add(copy)
    }
}

/// `MPI_Info_free`: sets the handle to `MPI_INFO_NULL`; `MPI_INFO_ENV` cannot be freed (`MPI_ERR_INFO`).
@_cdecl("MPI_Info_free")
public func mpiInfoFree(_ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Info_free") { () throws(MPIError) in
        let handle = try output(info, "the info")
        _ = try Handles.info(handle.pointee)
        guard Handles.infos.remove(handle.pointee) != nil else { throw MPIError(.info, "MPI_INFO_ENV cannot be freed") }
        handle.pointee = Handles.opaque(Handles.infoNull)
    }
}
