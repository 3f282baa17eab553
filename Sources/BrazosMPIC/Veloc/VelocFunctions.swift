import BrazosCore
import BrazosMPI
import CMPI

// veloc.h: VeloC's C API, each function a call on this process's `VelocClient`. A failure
// returns VELOC_FAILURE and says why on standard error, as VeloC does.

private let velocSuccess: Int32 = 0
private let velocFailure: Int32 = -1

/// Runs `body` for VeloC function `function`; a failure is said and returned as VELOC_FAILURE.
private func velocCall(_ function: StaticString, _ body: () throws(VelocFailure) -> Void) -> Int32 {
    do {
        try body()
        return velocSuccess
    } catch {
        diagnose("brazos: \(function): \(error)", level: .error)
        return velocFailure
    }
}

private func text(_ pointer: UnsafePointer<CChar>?, _ what: String) throws(VelocFailure) -> String {
    guard let pointer else { throw VelocFailure("\(what) is a null pointer") }
    return String(cString: pointer)
}

@_cdecl("VELOC_Init")
public func velocInit(_ comm: MPI_Comm?, _ configurationFile: UnsafePointer<CChar>?) -> Int32 {
    velocCall("VELOC_Init") { () throws(VelocFailure) in
        let rank: Runtime.RankState, communicator: Communicator
        do {
            rank = try Runtime.rank()
            communicator = try Handles.communicator(comm)
        } catch {
            throw VelocFailure("\(error)")
        }
        _ = try VelocClient.start(on: communicator, rank: rank, configurationFile: configurationFile.map { String(cString: $0) })
    }
}

@_cdecl("VELOC_Init_single")
public func velocInitSingle(_ uniqueID: UInt32, _ configurationFile: UnsafePointer<CChar>?) -> Int32 {
    velocCall("VELOC_Init_single") { () throws(VelocFailure) in
        throw VelocFailure("Brazos checkpoints are job-wide, never of one process: call VELOC_Init(MPI_COMM_WORLD, ...)")
    }
}

@_cdecl("VELOC_Finalize")
public func velocFinalize(_ drain: Int32) -> Int32 {
    velocCall("VELOC_Finalize") { () throws(VelocFailure) in try VelocClient.started().finalize(drain: drain != 0) }
}

@_cdecl("VELOC_Mem_protect")
public func velocMemProtect(_ id: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int, _ baseSize: Int) -> Int32 {
    velocCall("VELOC_Mem_protect") { () throws(VelocFailure) in
        let client = try VelocClient.started()
        // size_t arrives as Int: a count or size past Int.max reads negative.
        let (bytes, overflow) = count.multipliedReportingOverflow(by: baseSize)
        guard count >= 0, baseSize >= 0, !overflow else { throw VelocFailure("region \(id): \(UInt(bitPattern: count)) elements of \(UInt(bitPattern: baseSize)) bytes are more than memory") }
        if bytes == 0 {
            try? client.unprotect(Int(id))
            return
        }
        guard let pointer else { throw VelocFailure("region \(id) of \(bytes) bytes is at a null pointer") }
        client.protect(Int(id), UnsafeMutableRawBufferPointer(start: pointer, count: bytes))
    }
}

@_cdecl("VELOC_Mem_unprotect")
public func velocMemUnprotect(_ id: Int32) -> Int32 {
    velocCall("VELOC_Mem_unprotect") { () throws(VelocFailure) in try VelocClient.started().unprotect(Int(id)) }
}

@_cdecl("VELOC_Mem_clear")
public func velocMemClear() -> Int32 {
    velocCall("VELOC_Mem_clear") { () throws(VelocFailure) in try VelocClient.started().clear() }
}

@_cdecl("VELOC_Route_file")
public func velocRouteFile(_ original: UnsafePointer<CChar>?, _ routed: UnsafeMutablePointer<CChar>?) -> Int32 {
    velocCall("VELOC_Route_file") { () throws(VelocFailure) in
        let name = try text(original, "the original name")
        guard let routed else { throw VelocFailure("the routed name's buffer is a null pointer") }
        let path = try VelocClient.started().route(name)
        path.withCString { routed.update(from: $0, count: path.utf8.count + 1) }
    }
}

@_cdecl("VELOC_Checkpoint_begin")
public func velocCheckpointBegin(_ name: UnsafePointer<CChar>?, _ version: Int32) -> Int32 {
    velocCall("VELOC_Checkpoint_begin") { () throws(VelocFailure) in
        try VelocClient.started().beginCheckpoint(try text(name, "the checkpoint's name"), version: Int(version))
    }
}

@_cdecl("VELOC_Checkpoint_mem")
public func velocCheckpointMem() -> Int32 {
    velocCall("VELOC_Checkpoint_mem") { () throws(VelocFailure) in try VelocClient.started().selectRegions(.all) }
}

@_cdecl("VELOC_Checkpoint_selective")
public func velocCheckpointSelective(_ mode: Int32, _ ids: UnsafeMutablePointer<Int32>?, _ count: Int32) -> Int32 {
    velocCall("VELOC_Checkpoint_selective") { () throws(VelocFailure) in
        try VelocClient.started().selectRegions(try VelocClient.Selection(mode: mode, ids: ids, count: count))
    }
}

@_cdecl("VELOC_Checkpoint_end")
public func velocCheckpointEnd(_ success: Int32) -> Int32 {
    velocCall("VELOC_Checkpoint_end") { () throws(VelocFailure) in try VelocClient.started().endCheckpoint(success: success != 0) }
}

@_cdecl("VELOC_Checkpoint_wait")
public func velocCheckpointWait() -> Int32 {
    velocCall("VELOC_Checkpoint_wait") { () throws(VelocFailure) in try VelocClient.started().checkpoints.waitUntilWritten() }
}

@_cdecl("VELOC_Checkpoint_finished")
public func velocCheckpointFinished() -> Int32 {
    do {
        return try VelocClient.started().checkpoints.isWritten ? velocSuccess : velocFailure
    } catch {
        diagnose("brazos: VELOC_Checkpoint_finished: \(error)", level: .error)
        return velocFailure
    }
}

@_cdecl("VELOC_Checkpoint")
public func velocCheckpoint(_ name: UnsafePointer<CChar>?, _ version: Int32) -> Int32 {
    velocCall("VELOC_Checkpoint") { () throws(VelocFailure) in
        let client = try VelocClient.started()
        client.checkpoints.waitUntilWritten()
        try client.beginCheckpoint(try text(name, "the checkpoint's name"), version: Int(version))
        try client.selectRegions(.all)
        try client.endCheckpoint(success: true)
    }
}

/// The version, or VELOC_FAILURE; a version too large for an `int` cannot have been saved.
@_cdecl("VELOC_Restart_test")
public func velocRestartTest(_ name: UnsafePointer<CChar>?, _ neededVersion: Int32) -> Int32 {
    do {
        let wanted = try text(name, "the checkpoint's name")
        guard let saved = try VelocClient.started().restartedFrom(), saved.name == wanted,
              neededVersion <= 0 || saved.version < Int(neededVersion) else { return velocFailure }
        return Int32(saved.version)
    } catch {
        diagnose("brazos: VELOC_Restart_test: \(error)", level: .error)
        return velocFailure
    }
}

@_cdecl("VELOC_Restart_begin")
public func velocRestartBegin(_ name: UnsafePointer<CChar>?, _ version: Int32) -> Int32 {
    velocCall("VELOC_Restart_begin") { () throws(VelocFailure) in
        try VelocClient.started().beginRestart(try text(name, "the checkpoint's name"), version: Int(version))
    }
}

@_cdecl("VELOC_Recover_selective")
public func velocRecoverSelective(_ mode: Int32, _ ids: UnsafeMutablePointer<Int32>?, _ count: Int32) -> Int32 {
    velocCall("VELOC_Recover_selective") { () throws(VelocFailure) in
        try VelocClient.started().recover(try VelocClient.Selection(mode: mode, ids: ids, count: count))
    }
}

@_cdecl("VELOC_Recover_mem")
public func velocRecoverMem() -> Int32 {
    velocCall("VELOC_Recover_mem") { () throws(VelocFailure) in try VelocClient.started().recover(.all) }
}

@_cdecl("VELOC_Restart_end")
public func velocRestartEnd(_ success: Int32) -> Int32 {
    velocCall("VELOC_Restart_end") { () throws(VelocFailure) in try VelocClient.started().endRestart(success: success != 0) }
}

@_cdecl("VELOC_Restart")
public func velocRestart(_ name: UnsafePointer<CChar>?, _ version: Int32) -> Int32 {
    velocCall("VELOC_Restart") { () throws(VelocFailure) in
        let client = try VelocClient.started()
        try client.beginRestart(try text(name, "the checkpoint's name"), version: Int(version))
        var recovered = true
        do {
            try client.recover(.all)
        } catch {
            recovered = false
            diagnose("brazos: VELOC_Restart: \(error)", level: .error)
        }
        // Every rank ends the phase, which is collective, whether or not it recovered.
        try client.endRestart(success: recovered)
    }
}
