import BrazosCore
import BrazosMPI
import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// `MPI_Init`: `MPI_Init_thread` asking for `MPI_THREAD_SINGLE`.
@_cdecl("MPI_Init")
public func mpiInit(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    mpiCall("MPI_Init") { () throws(MPIError) in _ = try Runtime.initialize(required: .single) }
}

/// `MPI_Init_thread`: joins the job and makes the calling thread this process's one rank.
/// Provides the level asked for (`MPI_THREAD_MULTIPLE` included: the node's engine then
/// locks), except where threads move (`brazosrun --migratable`): at most
/// `MPI_THREAD_SERIALIZED`. A level that is none of the four fails with `MPI_ERR_ARG`;
/// `argc` and `argv` are ignored; a second call fails with `MPI_ERR_OTHER`.
@_cdecl("MPI_Init_thread")
public func mpiInitThread(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?,
                          _ required: Int32, _ provided: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Init_thread") { () throws(MPIError) in
        let result = try output(provided, "the provided level")
        result.pointee = ThreadLevels.value(of: try Runtime.initialize(required: try ThreadLevels.level(required)))
    }
}

/// The thread levels' values in the MPI 5.0 ABI.
enum ThreadLevels {
    static func value(of level: ThreadLevel) -> Int32 {
        switch level {
        case .single: return 0
        case .funneled: return 1024
        case .serialized: return 2048
        case .multiple: return 4096
        }
    }

    static func level(_ value: Int32) throws(MPIError) -> ThreadLevel {
        guard let level = ThreadLevel.allCases.first(where: { Self.value(of: $0) == value }) else {
            throw MPIError(.arg, "\(value) is not a thread level")
        }
        return level
    }
}

/// `MPI_Query_thread`: the level `MPI_Init_thread` provided.
@_cdecl("MPI_Query_thread")
public func mpiQueryThread(_ provided: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Query_thread") { () throws(MPIError) in
        let level = try Runtime.rank().job.threadLevel
        try output(provided, "the provided level").pointee = ThreadLevels.value(of: level)
    }
}

/// `MPI_Is_thread_main`: whether the caller is the thread that called `MPI_Init_thread`.
@_cdecl("MPI_Is_thread_main")
public func mpiIsThreadMain(_ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Is_thread_main") { () throws(MPIError) in
        _ = try Runtime.rank()
        try output(flag, "the flag").pointee = pthread_equal(Runtime.mainThread, pthread_self()) != 0 ? 1 : 0
    }
}

/// `MPI_Initialized`: whether the world model was initialized (sessions do not count).
/// Callable at any time, from any thread.
@_cdecl("MPI_Initialized")
public func mpiInitialized(_ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Initialized") { () throws(MPIError) in try output(flag, "the flag").pointee = Runtime.isInitialized ? 1 : 0 }
}

/// `MPI_Finalize`: ends the world model; the process leaves the job together with the
/// others unless a session is still open (then the last `MPI_Session_finalize` does).
@_cdecl("MPI_Finalize")
public func mpiFinalize() -> Int32 {
    mpiCall("MPI_Finalize") { () throws(MPIError) in try Runtime.finalize() }
}

/// `MPI_Finalized`: whether the world model was finalized. Callable at any time.
@_cdecl("MPI_Finalized")
public func mpiFinalized(_ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Finalized") { () throws(MPIError) in try output(flag, "the flag").pointee = Runtime.isFinalized ? 1 : 0 }
}

/// `MPI_Abort`: ends this process at once with `code` and the launcher stops the whole
/// job, whatever `comm` is. Never returns.
@_cdecl("MPI_Abort")
public func mpiAbort(_ comm: MPI_Comm?, _ code: Int32) -> Int32 {
    let rank = (Runtime.process?.world.rank).map { "rank \($0)" } ?? "a rank"
    Brazos.abort(code: code, reason: "\(rank) called MPI_Abort with error code \(code)")
}

/// `MPI_Get_processor_name`: the node's host name, at most 255 characters. Callable at
/// any time.
@_cdecl("MPI_Get_processor_name")
public func mpiGetProcessorName(_ name: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_processor_name") { () throws(MPIError) in
        try copy(Brazos.processorName, into: name, length: length, capacity: 256)
    }
}

/// `MPI_Get_version`: 4.1, the standard whose semantics this library follows (see
/// `MPIStandard`); callable at any time.
@_cdecl("MPI_Get_version")
public func mpiGetVersion(_ version: UnsafeMutablePointer<Int32>?, _ subversion: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_version") { () throws(MPIError) in
        let major = try output(version, "the version"), minor = try output(subversion, "the subversion")
        major.pointee = Int32(MPIStandard.version)
        minor.pointee = Int32(MPIStandard.subversion)
    }
}

/// `MPI_Get_library_version`; callable at any time.
@_cdecl("MPI_Get_library_version")
public func mpiGetLibraryVersion(_ text: UnsafeMutablePointer<CChar>?, _ length: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Get_library_version") { () throws(MPIError) in
        try copy(MPIStandard.libraryVersion, into: text, length: length, capacity: 8192)
    }
}

/// `MPI_Abi_get_version`: the MPI 5.0 standard ABI's version, 1.0, whose handle and
/// constant values mpi.h follows.
@_cdecl("MPI_Abi_get_version")
public func mpiAbiGetVersion(_ major: UnsafeMutablePointer<Int32>?, _ minor: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPI_Abi_get_version") { () throws(MPIError) in
        let majorOut = try output(major, "the ABI version"), minorOut = try output(minor, "the ABI subversion")
        majorOut.pointee = 1
        minorOut.pointee = 0
    }
}

/// `MPI_Abi_get_info`: the sizes of the ABI's integer types (`mpi_aint_size`,
/// `mpi_count_size`, `mpi_offset_size`), in a new info object.
@_cdecl("MPI_Abi_get_info")
public func mpiAbiGetInfo(_ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Abi_get_info") { () throws(MPIError) in
        let result = try output(info, "the info")
        result.pointee = try newInfo([("mpi_aint_size", "\(MemoryLayout<MPI_Aint>.size)"), ("mpi_count_size", "\(MemoryLayout<MPI_Count>.size)"),
                                  ("mpi_offset_size", "\(MemoryLayout<MPI_Offset>.size)")])
    }
}

/// `MPI_Get_hw_resource_info` (MPI 4.1): a new info object with no entries, as Open MPI
/// gives: the library describes no hardware to programs.
@_cdecl("MPI_Get_hw_resource_info")
public func mpiGetHwResourceInfo(_ info: UnsafeMutablePointer<MPI_Info?>?) -> Int32 {
    mpiCall("MPI_Get_hw_resource_info") { () throws(MPIError) in try output(info, "the info").pointee = try newInfo([]) }
}

/// `MPI_Wtime`: seconds on the monotonic clock.
@_cdecl("MPI_Wtime")
public func mpiWtime() -> Double { Brazos.wtime() }

/// `MPI_Wtick`: the monotonic clock's resolution (`clock_getres`), one nanosecond on Linux.
@_cdecl("MPI_Wtick")
public func mpiWtick() -> Double { Brazos.wtick() }

/// `MPI_Alloc_mem`: `size` bytes, aligned to 64, for `MPI_Free_mem`. `info` is accepted
/// whatever it is and not read. A negative size fails with `MPI_ERR_ARG`, memory that
/// cannot be had with `MPI_ERR_NO_MEM`; zero bytes give a valid, distinct address.
@_cdecl("MPI_Alloc_mem")
public func mpiAllocMem(_ size: MPI_Aint, _ info: MPI_Info?, _ base: UnsafeMutableRawPointer?) -> Int32 {
    mpiCall("MPI_Alloc_mem") { () throws(MPIError) in
        guard let base else { throw MPIError(.arg, "null pointer for the base address") }
        base.storeBytes(of: try AllocatedMemory.shared.allocate(byteCount: Int(size)), as: UnsafeMutableRawPointer.self)
    }
}

/// `MPI_Free_mem`: memory from `MPI_Alloc_mem`; a null pointer does nothing, any other
/// address fails with `MPI_ERR_BASE`.
@_cdecl("MPI_Free_mem")
public func mpiFreeMem(_ base: UnsafeMutableRawPointer?) -> Int32 {
    mpiCall("MPI_Free_mem") { () throws(MPIError) in
        guard let base else { return }
        try AllocatedMemory.shared.free(base)
    }
}

/// `MPI_Aint_add`: `base + displacement`, wrapping as address arithmetic does.
@_cdecl("MPI_Aint_add")
public func mpiAintAdd(_ base: MPI_Aint, _ displacement: MPI_Aint) -> MPI_Aint { base &+ displacement }

/// `MPI_Aint_diff`: `first - second`, wrapping as address arithmetic does.
@_cdecl("MPI_Aint_diff")
public func mpiAintDiff(_ first: MPI_Aint, _ second: MPI_Aint) -> MPI_Aint { first &- second }

/// Copies `text` into a C buffer of `capacity` bytes (the standard's maximum for it),
/// cut to fit, NUL-terminated, with its length less the NUL.
func copy(_ text: String, into buffer: UnsafeMutablePointer<CChar>?, length: UnsafeMutablePointer<Int32>?, capacity: Int) throws(MPIError) {
    let target = try output(buffer, "the text"), count = try output(length, "the length")
    let bytes = Array(text.utf8.prefix(capacity - 1))
    for (index, byte) in bytes.enumerated() { target[index] = CChar(bitPattern: byte) }
    target[bytes.count] = 0
    count.pointee = Int32(bytes.count)
}
