import BrazosMPI
import CMPI

/// Makes a window over `comm` and hands its handle out; errors go to the communicator's
/// handler (there is no window yet).
private func makeWindow(_ function: StaticString, _ comm: MPI_Comm?, _ info: MPI_Info?, _ result: UnsafeMutablePointer<MPI_Win?>?,
                        baseOut: UnsafeMutableRawPointer? = nil, _ make: (Communicator, Info) throws(MPIError) -> Window) -> Int32 {
    mpiCall(function, on: comm) { () throws(MPIError) in
        let output = try output(result, "the window")
        let hints = try Handles.optionalInfo(info) ?? Info()
        let window = try make(try Handles.communicator(comm), hints)
        if let baseOut { baseOut.assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee = window.base }
        output.pointee = Handles.windows.add(window)
    }
}

/// A window's size or displacement unit from C.
private func windowInteger<Value: BinaryInteger>(_ value: Value) throws(MPIError) -> Int {
    guard let integer = Int(exactly: value) else { throw MPIError(.arg, "\(value) does not fit this host") }
    return integer
}

/// `MPI_Win_create`.
@_cdecl("MPI_Win_create")
public func mpiWinCreate(_ base: UnsafeMutableRawPointer?, _ size: MPI_Aint, _ unit: Int32, _ info: MPI_Info?, _ comm: MPI_Comm?,
                         _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    makeWindow("MPI_Win_create", comm, info, win) { (communicator, hints) throws(MPIError) in
        try Window.create(base: base, size: try windowInteger(size), displacementUnit: Int(unit), info: hints, communicator: communicator)
    }
}

/// `MPI_Win_create_c`.
@_cdecl("MPI_Win_create_c")
public func mpiWinCreateC(_ base: UnsafeMutableRawPointer?, _ size: MPI_Aint, _ unit: MPI_Aint, _ info: MPI_Info?, _ comm: MPI_Comm?,
                          _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    makeWindow("MPI_Win_create_c", comm, info, win) { (communicator, hints) throws(MPIError) in
        try Window.create(base: base, size: try windowInteger(size), displacementUnit: try windowInteger(unit), info: hints, communicator: communicator)
    }
}

/// `MPI_Win_allocate`: `baseptr` points to where the new memory's address goes.
@_cdecl("MPI_Win_allocate")
public func mpiWinAllocate(_ size: MPI_Aint, _ unit: Int32, _ info: MPI_Info?, _ comm: MPI_Comm?, _ baseptr: UnsafeMutableRawPointer?,
                           _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    allocate("MPI_Win_allocate", size, Int(unit), info, comm, baseptr, win, shared: false)
}

/// `MPI_Win_allocate_c`.
@_cdecl("MPI_Win_allocate_c")
public func mpiWinAllocateC(_ size: MPI_Aint, _ unit: MPI_Aint, _ info: MPI_Info?, _ comm: MPI_Comm?, _ baseptr: UnsafeMutableRawPointer?,
                            _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    allocate("MPI_Win_allocate_c", size, Int(unit), info, comm, baseptr, win, shared: false)
}

/// `MPI_Win_allocate_shared`.
@_cdecl("MPI_Win_allocate_shared")
public func mpiWinAllocateShared(_ size: MPI_Aint, _ unit: Int32, _ info: MPI_Info?, _ comm: MPI_Comm?, _ baseptr: UnsafeMutableRawPointer?,
                                 _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    allocate("MPI_Win_allocate_shared", size, Int(unit), info, comm, baseptr, win, shared: true)
}

/// `MPI_Win_allocate_shared_c`.
@_cdecl("MPI_Win_allocate_shared_c")
public func mpiWinAllocateSharedC(_ size: MPI_Aint, _ unit: MPI_Aint, _ info: MPI_Info?, _ comm: MPI_Comm?, _ baseptr: UnsafeMutableRawPointer?,
                                  _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    allocate("MPI_Win_allocate_shared_c", size, Int(unit), info, comm, baseptr, win, shared: true)
}

private func allocate(_ function: StaticString, _ size: MPI_Aint, _ unit: Int, _ info: MPI_Info?, _ comm: MPI_Comm?,
                      _ baseptr: UnsafeMutableRawPointer?, _ win: UnsafeMutablePointer<MPI_Win?>?, shared: Bool) -> Int32 {
    guard let baseptr else { return mpiCall(function, on: comm) { () throws(MPIError) in throw MPIError(.arg, "null pointer for the base") } }
    return makeWindow(function, comm, info, win, baseOut: baseptr) { (communicator, hints) throws(MPIError) in
        shared ? try Window.allocateShared(size: try windowInteger(size), displacementUnit: unit, info: hints, communicator: communicator)
            : try Window.allocate(size: try windowInteger(size), displacementUnit: unit, info: hints, communicator: communicator)
    }
}

/// `MPI_Win_create_dynamic`.
@_cdecl("MPI_Win_create_dynamic")
public func mpiWinCreateDynamic(_ info: MPI_Info?, _ comm: MPI_Comm?, _ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    makeWindow("MPI_Win_create_dynamic", comm, info, win) { (communicator, hints) throws(MPIError) in
        try Window.createDynamic(info: hints, communicator: communicator)
    }
}

/// `MPI_Win_shared_query`.
@_cdecl("MPI_Win_shared_query")
public func mpiWinSharedQuery(_ win: MPI_Win?, _ rank: Int32, _ size: UnsafeMutablePointer<MPI_Aint>?, _ unit: UnsafeMutablePointer<Int32>?,
                              _ baseptr: UnsafeMutableRawPointer?) -> Int32 {
    windowCall("MPI_Win_shared_query", win) { (window) throws(MPIError) in
        let (sizeOut, unitOut) = (try output(size, "the size"), try output(unit, "the displacement unit"))
        guard let baseptr else { throw MPIError(.arg, "null pointer for the base") }
        let part = try window.sharedQuery(rank: Int(rank))
        sizeOut.pointee = MPI_Aint(part.size)
        unitOut.pointee = Int32(truncatingIfNeeded: part.displacementUnit)
        baseptr.assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee = part.base
    }
}

/// `MPI_Win_shared_query_c`.
@_cdecl("MPI_Win_shared_query_c")
public func mpiWinSharedQueryC(_ win: MPI_Win?, _ rank: Int32, _ size: UnsafeMutablePointer<MPI_Aint>?, _ unit: UnsafeMutablePointer<MPI_Aint>?,
                               _ baseptr: UnsafeMutableRawPointer?) -> Int32 {
    windowCall("MPI_Win_shared_query_c", win) { (window) throws(MPIError) in
        let (sizeOut, unitOut) = (try output(size, "the size"), try output(unit, "the displacement unit"))
        guard let baseptr else { throw MPIError(.arg, "null pointer for the base") }
        let part = try window.sharedQuery(rank: Int(rank))
        sizeOut.pointee = MPI_Aint(part.size)
        unitOut.pointee = MPI_Aint(part.displacementUnit)
        baseptr.assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee = part.base
    }
}

/// `MPI_Win_attach`.
@_cdecl("MPI_Win_attach")
public func mpiWinAttach(_ win: MPI_Win?, _ base: UnsafeMutableRawPointer?, _ size: MPI_Aint) -> Int32 {
    windowCall("MPI_Win_attach", win) { (window) throws(MPIError) in try window.attach(base, size: Int(size)) }
}

/// `MPI_Win_detach`.
@_cdecl("MPI_Win_detach")
public func mpiWinDetach(_ win: MPI_Win?, _ base: UnsafeRawPointer?) -> Int32 {
    windowCall("MPI_Win_detach", win) { (window) throws(MPIError) in try window.detach(base) }
}

/// `MPI_Win_free`: collective; sets the handle to `MPI_WIN_NULL`.
@_cdecl("MPI_Win_free")
public func mpiWinFree(_ win: UnsafeMutablePointer<MPI_Win?>?) -> Int32 {
    guard let win else { return mpiCall("MPI_Win_free") { () throws(MPIError) in throw MPIError(.arg, "null pointer for the window") } }
    return windowCall("MPI_Win_free", win.pointee) { (window) throws(MPIError) in
        try window.free()
        WindowPredefinedValues.forget(window)
        Handles.windows.remove(win.pointee)
        win.pointee = Handles.opaque(Handles.windowNull)
    }
}
