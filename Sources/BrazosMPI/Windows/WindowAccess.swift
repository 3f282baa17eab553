/// One access of an origin to a target's window memory, as the target applies it: the
/// kind, the byte runs of the target's memory it covers, and, for the accumulates, the
/// operation and the elements' basic type. The same description is applied at once to
/// an endpoint of this node and travels, cut into pieces, to another node.
struct WindowAccess {
    var kind: WindowMessage.Kind
    var runs: [WindowRun]
    var operation = AccumulateOperation.replace
    var element: BasicType.Value = .byte
    /// Bytes of one element: runs are cut only between elements.
    var elementSize = 1
    /// A value-index pair lies in memory with its index at an offset: each run is then
    /// one element (see `pairRuns`).
    var isPair: Bool { if case .pair = element { return true } else { return false } }

    /// The data bytes the runs cover.
    var byteCount: Int { runs.reduce(0) { $0 + $1.length } }

    /// The runs of `count` elements of `datatype` placed at byte `offset`: the target side
    /// of an access. For an accumulate on value-index pairs, one run per element, each of
    /// the pair's packed size, starting at the value.
    static func runs(of datatype: Datatype, count: Int, at offset: Int, pairs: Bool) -> [WindowRun] {
        if !pairs, datatype.isPackedAsIs { return [WindowRun(offset: offset, length: datatype.packedSize(count))] }
        if pairs {
            var collector = PairRunCollector()
            datatype.walk(count, at: offset, &collector)
            return collector.runs
        }
        var collector = RunCollector()
        datatype.walk(count, at: offset, &collector)
        return collector.runs
    }

    /// The access cut into pieces whose message (head, runs, data) fits `limit` bytes,
    /// each with its offset in the packed data; runs are cut between elements. Nil when
    /// not even one element fits.
    func pieces(limit: Int) -> [(packedOffset: Int, runs: [WindowRun])]? {
        var pieces: [(packedOffset: Int, runs: [WindowRun])] = []
        var current: [WindowRun] = [], currentBytes = 0, packedOffset = 0
        for run in runs {
            var remaining = run
            while remaining.length > 0 {
                let room = limit - WindowMessage.headLength - (current.count + 1) * WindowMessage.runLength - currentBytes
                let taken = Swift.min(remaining.length, room / elementSize * elementSize)
                if taken <= 0 {
                    guard !current.isEmpty else { return nil }
                    pieces.append((packedOffset, current))
                    packedOffset += currentBytes
                    current = []
                    currentBytes = 0
                    continue
                }
                current.append(WindowRun(offset: remaining.offset, length: taken))
                currentBytes += taken
                remaining.offset += taken
                remaining.length -= taken
            }
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append((packedOffset, current)) }
        return pieces
    }
}

/// Collects the runs of a walk, joining those that touch.
private struct RunCollector: PieceVisitor {
    static var needsBasicTypes: Bool { false }
    var runs: [WindowRun] = []

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        guard length > 0 else { return }
        if let last = runs.last, last.offset &+ last.length == address {
            runs[runs.count - 1].length += length
        } else {
            runs.append(WindowRun(offset: address, length: length))
        }
    }
}

/// Collects one run per value-index pair: a walk visits a pair's value, then its index.
private struct PairRunCollector: PieceVisitor {
    static var needsBasicTypes: Bool { true }
    var runs: [WindowRun] = []
    private var pending: (address: Int, length: Int)?

    mutating func visit(address: Int, length: Int, basic: BasicType) {
        if let value = pending {
            runs.append(WindowRun(offset: value.address, length: value.length + length))
            pending = nil
        } else {
            pending = (address, length)
        }
    }
}
