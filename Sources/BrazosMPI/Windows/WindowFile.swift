import BrazosCore

/// How window memory lies in a `MemoryFile` that the nodes of a host map, so that origins
/// on another node of the host copy into it and out of it themselves. The file starts
/// with a control slot of 64 bytes for each member whose part it holds, whole pages of
/// them, then the parts one after the other. A slot holds the fences its member has
/// completed (an origin's direct access of a later fence epoch waits for it, as one of
/// the member's own node waits for the endpoint's count) and the lock every accumulate to
/// the part takes, wherever it is applied.
///
/// `MPI_Win_allocate` makes a file of one slot for a member that has members on other
/// nodes of the host; `MPI_Win_allocate_shared` over several nodes of one host makes one
/// file for all, which every member maps.
enum WindowFile {
    static let slotSize = 64
    private static let pageSize = 4096

    /// Bytes before the first part: `members` slots, in whole pages.
    static func controlSize(members: Int) -> Int {
        (Swift.max(members, 1) * slotSize + pageSize - 1) / pageSize * pageSize
    }

    /// The file's name, which a member opening it checks: the world rank of the member
    /// that made it.
    static func name(owner: Int) -> String { "brazos-window-\(owner)" }

    /// Maps the file world rank `owner` made and holds open as `descriptor`; nil where it
    /// cannot be had (the owner's node is on another host, or reached by TCP alone), and
    /// the caller goes without.
    static func open(owner: Int, descriptor: Int, engine: MessageEngine) -> MemoryFile? {
        guard let process = engine.hostProcess(ofRank: owner), let fd = Int32(exactly: descriptor), fd >= 0 else { return nil }
        return try? MemoryFile.open(name: name(owner: owner), process: process, descriptor: fd)
    }

    /// One member's slot and part in a file, as this process maps it.
    struct Part: Sendable {
        let file: MemoryFile
        /// The world rank of the member that made the file.
        let owner: Int
        let slot: Int
        let dataOffset: Int

        var base: UnsafeMutableRawPointer { file.base + dataOffset }

        /// Whether a part of `size` bytes at `dataOffset`, and slot `slot`, lie in the
        /// file as this process maps it (what another member described is checked before
        /// it is used).
        func fits(size: Int) -> Bool {
            let slotEnd = slot.multipliedReportingOverflow(by: WindowFile.slotSize)
            let dataEnd = dataOffset.addingReportingOverflow(size)
            return slot >= 0 && !slotEnd.overflow && slotEnd.partialValue + WindowFile.slotSize <= dataOffset
                && size >= 0 && !dataEnd.overflow && dataEnd.partialValue <= file.size
        }

        /// The fences the member has completed.
        var fencesCompleted: Int { Int(file.loadAcquire(wordAt: slot * WindowFile.slotSize)) }

        /// Called by the member as it completes a fence, after applying what it waited for.
        func publish(fencesCompleted count: Int) {
            file.storeRelease(UInt64(count), wordAt: slot * WindowFile.slotSize)
        }

        /// The lock of the part's accumulates.
        var atomicity: SharedSpinLock { SharedSpinLock(word: file.base + slot * WindowFile.slotSize + 8) }
    }
}
