/// Per rank hosted here, one counter per rank of the job: the number of the next message
/// between the two (sent, or expected). Where threads move, these numbers keep each
/// pair's messages in order whatever path they take, and travel with the rank.
///
/// A row is used by one thread at a time (the sending rank's own, or whoever holds the
/// engine's lock), so its counters are plain words; the rows are reached through one
/// fixed block of pointers so that the send path reads them without retains.
struct SequenceTable {
    private let rows: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
    let rankCount: Int

    init(rankCount: Int) {
        self.rankCount = rankCount
        rows = .allocate(capacity: max(rankCount, 1))
        rows.initialize(repeating: nil, count: max(rankCount, 1))
    }

    /// Frees every row and the table; nothing may use it after.
    func deallocate() {
        for rank in 0..<rankCount { rows[rank]?.deallocate() }
        rows.deallocate()
    }

    /// Whether `rank` has a row here (it is hosted here).
    func has(_ rank: Int) -> Bool { row(rank) != nil }

    /// The counter of `rank` towards `peer`, then counts one more; nil if `rank` has no row
    /// or either is outside the job.
    @inline(__always)
    func take(_ rank: Int, _ peer: Int) -> UInt32? {
        guard let row = row(rank), peer >= 0, peer < rankCount else { return nil }
        defer { row[peer] &+= 1 }
        return row[peer]
    }

    /// The counter of `rank` towards `peer`; nil if `rank` has no row or either is outside the job.
    func value(_ rank: Int, _ peer: Int) -> UInt32? {
        guard let row = row(rank), peer >= 0, peer < rankCount else { return nil }
        return row[peer]
    }

    /// Gives `rank` a row: `values` (those past the job's ranks ignored), or zeros. False,
    /// and nothing changed, for a rank outside the job.
    func install(_ rank: Int, _ values: [UInt32]? = nil) -> Bool {
        guard rank >= 0, rank < rankCount else { return false }
        let row = UnsafeMutablePointer<UInt32>.allocate(capacity: max(rankCount, 1))
        row.initialize(repeating: 0, count: max(rankCount, 1))
        if let values { for (peer, value) in values.prefix(rankCount).enumerated() { row[peer] = value } }
        rows[rank] = row
        return true
    }

    /// Takes `rank`'s row away and returns its counters (empty if it had none).
    func remove(_ rank: Int) -> [UInt32] {
        guard let row = row(rank) else { return [] }
        rows[rank] = nil
        defer { row.deallocate() }
        return Array(UnsafeBufferPointer(start: row, count: rankCount))
    }

    /// `rank`'s row; nil if it has none or is outside the job (a rank a peer named).
    @inline(__always)
    private func row(_ rank: Int) -> UnsafeMutablePointer<UInt32>? {
        rank >= 0 && rank < rankCount ? rows[rank] : nil
    }
}
