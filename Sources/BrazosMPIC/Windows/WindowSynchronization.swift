import BrazosMPI
import CMPI

/// `MPI_Win_fence`.
@_cdecl("MPI_Win_fence")
public func mpiWinFence(_ assert: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_fence", win) { (window) throws(MPIError) in try window.fence(try assertions(assert)) }
}

/// `MPI_Win_lock`: `MPI_LOCK_EXCLUSIVE` (301) or `MPI_LOCK_SHARED` (302).
@_cdecl("MPI_Win_lock")
public func mpiWinLock(_ lockType: Int32, _ rank: Int32, _ assert: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_lock", win) { (window) throws(MPIError) in
        let type: Window.LockType
        switch lockType {
        case 301: type = .exclusive
        case 302: type = .shared
        default: throw MPIError(.locktype, "lock type \(lockType) is neither MPI_LOCK_EXCLUSIVE nor MPI_LOCK_SHARED")
        }
        try window.lock(type, rank: Int(rank), assertions: try assertions(assert))
    }
}

/// `MPI_Win_unlock`.
@_cdecl("MPI_Win_unlock")
public func mpiWinUnlock(_ rank: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_unlock", win) { (window) throws(MPIError) in try window.unlock(rank: Int(rank)) }
}

/// `MPI_Win_lock_all`.
@_cdecl("MPI_Win_lock_all")
public func mpiWinLockAll(_ assert: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_lock_all", win) { (window) throws(MPIError) in try window.lockAll(assertions: try assertions(assert)) }
}

/// `MPI_Win_unlock_all`.
@_cdecl("MPI_Win_unlock_all")
public func mpiWinUnlockAll(_ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_unlock_all", win) { (window) throws(MPIError) in try window.unlockAll() }
}

/// `MPI_Win_flush`.
@_cdecl("MPI_Win_flush")
public func mpiWinFlush(_ rank: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_flush", win) { (window) throws(MPIError) in try window.flush(rank: Int(rank)) }
}

/// `MPI_Win_flush_all`.
@_cdecl("MPI_Win_flush_all")
public func mpiWinFlushAll(_ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_flush_all", win) { (window) throws(MPIError) in try window.flushAll() }
}

/// `MPI_Win_flush_local`.
@_cdecl("MPI_Win_flush_local")
public func mpiWinFlushLocal(_ rank: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_flush_local", win) { (window) throws(MPIError) in try window.flushLocal(rank: Int(rank)) }
}

/// `MPI_Win_flush_local_all`.
@_cdecl("MPI_Win_flush_local_all")
public func mpiWinFlushLocalAll(_ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_flush_local_all", win) { (window) throws(MPIError) in try window.flushLocalAll() }
}

/// `MPI_Win_sync`.
@_cdecl("MPI_Win_sync")
public func mpiWinSync(_ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_sync", win) { (window) throws(MPIError) in try window.sync() }
}

/// `MPI_Win_post`.
@_cdecl("MPI_Win_post")
public func mpiWinPost(_ group: MPI_Group?, _ assert: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_post", win) { (window) throws(MPIError) in try window.post(try Handles.group(group), assertions: try assertions(assert)) }
}

/// `MPI_Win_start`.
@_cdecl("MPI_Win_start")
public func mpiWinStart(_ group: MPI_Group?, _ assert: Int32, _ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_start", win) { (window) throws(MPIError) in try window.start(try Handles.group(group), assertions: try assertions(assert)) }
}

/// `MPI_Win_complete`.
@_cdecl("MPI_Win_complete")
public func mpiWinComplete(_ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_complete", win) { (window) throws(MPIError) in try window.complete() }
}

/// `MPI_Win_wait`.
@_cdecl("MPI_Win_wait")
public func mpiWinWait(_ win: MPI_Win?) -> Int32 {
    lentWindowCall("MPI_Win_wait", win) { (window) throws(MPIError) in try window.wait() }
}

/// `MPI_Win_test`.
@_cdecl("MPI_Win_test")
public func mpiWinTest(_ win: MPI_Win?, _ flag: UnsafeMutablePointer<Int32>?) -> Int32 {
    lentWindowCall("MPI_Win_test", win) { (window) throws(MPIError) in
        let result = try output(flag, "the flag")
        result.pointee = try window.test() ? 1 : 0
    }
}
