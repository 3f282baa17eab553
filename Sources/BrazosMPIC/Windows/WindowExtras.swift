import BrazosCore
import BrazosMPI
import CMPI
import Glibc

/// `MPI_Win_get_group`: a new group of the members, for the program to free.
@_cdecl("MPI_Win_get_group")
public func mpiWinGetGroup(_ win: MPI_Win?, _ group: UnsafeMutablePointer<MPI_Group?>?) -> Int32 {
    windowCall("MPI_Win_get_group", win) { (window) throws(MPIError) in
        try output(group, "the group").pointee = Handles.groups.add(window.group)
    }
}

/// `MPI_Win_set_name`: a name longer than `MPI_MAX_OBJECT_NAME` − 1 bytes is cut.
@_cdecl("MPI_Win_set_name")
public func mpiWinSetName(_ win: MPI_Win?, _ name: UnsafePointer<CChar>?) -> Int32 {
    windowCall("MPI_Win_set_name", win) { (window) throws(MPIError) in
        guard let name else { throw MPIError(.arg, "null pointer for the name") }
        window.name = String(decoding: UnsafeRawBufferPointer(start: name, count: strnlen(name, Communicator.maxNameLength)), as: UTF8.self)
    }
}

/// `MPI_Win_get_name`: empty until the program names the window; `MPI_WIN_NULL` is named
/// too, as in Open MPI (mpi4py relies on it).
@_cdecl("MPI_Win_get_name")
public func mpiWinGetName(_ win: MPI_Win?, _ name: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    let write = { (text: String) throws(MPIError) in
        let target = try output(name, "the name"), count = try output(length, "the length")
        count.pointee = Int32(copyString(text, into: target, capacity: Communicator.maxNameLength + 1))
    }
    if Handles.value(win) == Handles.windowNull { return mpiCall("MPI_Win_get_name") { () throws(MPIError) in try write("MPI_WIN_NULL") } }
    return windowCall("MPI_Win_get_name", win) { (window) throws(MPIError) in try write(window.name) }
}

/// `MPI_Win_set_info`: the window's known hints take the values `info` gives them.
@_cdecl("MPI_Win_set_info")
public func mpiWinSetInfo(_ win: MPI_Win?, _ info: MPI_Info?) -> Int32 {
    windowCall("MPI_Win_set_info", win) { (window) throws(MPIError) in window.setInfo(try Handles.info(info)) }
}

/// `MPI_Win_get_info`: a new info object of the window's hints, for the program to free.
@_cdecl("MPI_Win_get_info")
public func mpiWinGetInfo(_ win: MPI_Win?, _ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    windowCall("MPI_Win_get_info", win) { (window) throws(MPIError) in
        try output(info, "the info").pointee = Handles.infos.add(window.info)
    }
}

// MARK: Error handlers

/// `MPI_Win_create_errhandler`: a handler that calls `function` with the window and the
/// error code, after which the failed call returns that code.
@_cdecl("MPI_Win_create_errhandler")
public func mpiWinCreateErrhandler(_ function: ErrorHandlerFunction?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    mpiCall("MPI_Win_create_errhandler") { () throws(MPIError) in
        guard let function else { throw MPIError(.arg, "null pointer for the function") }
        let result = try output(handler, "the error handler")
        let address = Int(bitPattern: function)
        let made = CustomErrorHandler(window: { (window: Window, error: MPIError) in
            var handle = Handles.handle(of: window)
            var code = error.code
            brazos_call_win_errhandler(OpaquePointer(bitPattern: address), &handle, &code)
        })
        result.pointee = Handles.errorHandlers.add(made)
    }
}

/// `MPI_Win_set_errhandler`: a predefined handler or one from `MPI_Win_create_errhandler`.
@_cdecl("MPI_Win_set_errhandler")
public func mpiWinSetErrhandler(_ win: MPI_Win?, _ handler: MPI_Errhandler?) -> Int32 {
    windowCall("MPI_Win_set_errhandler", win) { (window) throws(MPIError) in
        let chosen = try Handles.errorHandler(handler)
        if case let .custom(custom) = chosen { try custom.check(settableOn: .window) }
        window.errorHandler = chosen
    }
}

/// `MPI_Win_get_errhandler`: a handle of one of the program's own handlers is a new one,
/// which the program frees with `MPI_Errhandler_free`.
@_cdecl("MPI_Win_get_errhandler")
public func mpiWinGetErrhandler(_ win: MPI_Win?, _ handler: UnsafeMutablePointer<MPI_Errhandler?>?) -> Int32 {
    windowCall("MPI_Win_get_errhandler", win) { (window) throws(MPIError) in
        try output(handler, "the error handler").pointee = Handles.handle(of: window.errorHandler)
    }
}

/// `MPI_Win_call_errhandler`: hands `code` to the window's handler, as an error of a call
/// on it would be.
@_cdecl("MPI_Win_call_errhandler")
public func mpiWinCallErrhandler(_ win: MPI_Win?, _ code: Int32) -> Int32 {
    windowCall("MPI_Win_call_errhandler", win) { (window) throws(MPIError) in
        _ = raise(MPIError(code: code, "raised by the program"), in: "MPI_Win_call_errhandler", on: window)
    }
}

// MARK: Predefined attributes

/// Where `MPI_Win_get_attr` points for the predefined attributes that MPI gives as the
/// address of a value (size, displacement unit, flavor, model): memory per window, freed
/// with it. Unchecked: the values are written once, in init, before the object is shared.
final class WindowPredefinedValues: @unchecked Sendable {
    private static let table = Guarded([ObjectIdentifier: WindowPredefinedValues]())
    /// `MPI_WIN_SIZE` and `MPI_WIN_DISP_UNIT` (MPI_Aint and int), then flavor and model (int).
    private let size: UnsafeMutablePointer<MPI_Aint>
    private let integers: UnsafeMutablePointer<Int32>

    private init(_ window: Window) {
        size = .allocate(capacity: 1)
        size.initialize(to: MPI_Aint(window.size))
        integers = .allocate(capacity: 3)
        let flavor: Int32
        switch window.flavor {
        case .create: flavor = 311
        case .allocate: flavor = 312
        case .dynamic: flavor = 313
        case .shared: flavor = 314
        }
        integers.initialize(from: [Int32(truncatingIfNeeded: window.displacementUnit), flavor, window.isUnified ? 321 : 322], count: 3)
    }

    deinit {
        size.deallocate()
        integers.deallocate()
    }

    /// The address `MPI_Win_get_attr` gives for `keyval` (601...605), or nil for another key.
    static func address(of keyval: Int32, in window: Window) -> UnsafeMutableRawPointer? {
        guard (601...605).contains(keyval) else { return nil }
        if keyval == 601 { return window.base }
        let values = table.withLock { table in
            if let made = table[ObjectIdentifier(window)] { return made }
            let made = WindowPredefinedValues(window)
            table[ObjectIdentifier(window)] = made
            return made
        }
        switch keyval {
        case 602: return UnsafeMutableRawPointer(values.integers)
        case 603: return UnsafeMutableRawPointer(values.size)
        case 604: return UnsafeMutableRawPointer(values.integers + 1)
        default: return UnsafeMutableRawPointer(values.integers + 2)
        }
    }

    static func forget(_ window: Window) {
        _ = table.withLock { $0.removeValue(forKey: ObjectIdentifier(window)) }
    }
}
