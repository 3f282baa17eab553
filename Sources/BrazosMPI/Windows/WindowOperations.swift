/// The accesses of a window (`MPI_Put`, `MPI_Get`, the accumulates and their request
/// forms) as the origin makes them: checked, described as a `WindowAccess`, then applied
/// at once to a member of this node or one whose memory is mapped here (`WindowFile`),
/// or sent to a member of another node in pieces. Data to
/// send is copied as the access is made, so the origin's buffer may be reused on return;
/// data read back lands when the target replies, which a synchronisation (or the
/// request) waits for.
extension Window {
    /// Memory of the origin: where, how many elements, of which type.
    public struct Buffer {
        let pointer: UnsafeRawPointer?
        let count: Int
        let datatype: Datatype

        public init(_ pointer: UnsafeRawPointer?, count: Int, datatype: Datatype) {
            self.pointer = pointer
            self.count = count
            self.datatype = datatype
        }
    }

    /// Where an access lands in a target: member `rank`, `displacement` units into its
    /// memory (an address, in a dynamic window), `count` elements of `datatype`.
    public struct Target {
        let rank: Int
        let displacement: Int
        let count: Int
        let datatype: Datatype

        public init(rank: Int, displacement: Int, count: Int, datatype: Datatype) {
            self.rank = rank
            self.displacement = displacement
            self.count = count
            self.datatype = datatype
        }
    }

    /// `MPI_Put`.
    public func put(_ origin: Buffer, to target: Target) throws(MPIError) {
        if let (address, bytes) = directSpan(origin, target) {
            address.copyMemory(from: origin.pointer!, byteCount: bytes)
            return
        }
        try access(.put, origin: origin, result: nil, target: target, request: nil)
    }

    /// `MPI_Get`: the data is in `origin` once the access is complete.
    public func get(into origin: Buffer, from target: Target) throws(MPIError) {
        if let (address, bytes) = directSpan(origin, target) {
            UnsafeMutableRawPointer(mutating: origin.pointer!).copyMemory(from: address, byteCount: bytes)
            return
        }
        try access(.get, origin: nil, result: origin, target: target, request: nil)
    }

    /// The fast path of a put or get: the origin's buffer and the target hold the same
    /// count of one committed type whose packed form is its memory, the target is in
    /// `directReach`, and the data lies inside its window. The target's address and the
    /// bytes; nil for anything else, which the general path checks (and reports).
    @inline(__always)
    private func directSpan(_ buffer: Buffer, _ target: Target) -> (address: UnsafeMutableRawPointer, bytes: Int)? {
        guard buffer.datatype === target.datatype, buffer.count == target.count, buffer.pointer != nil,
              target.datatype.isPackedAsIs, target.datatype.isCommitted, let span = directReach.span(of: target.rank) else { return nil }
        return span.address(of: target.count, target.datatype, at: target.displacement)
    }

    /// `MPI_Accumulate`: `target = origin op target`, elementwise and atomically per
    /// element; `op` is predefined, `MPI_REPLACE` or `MPI_NO_OP`.
    public func accumulate(_ origin: Buffer, to target: Target, op: Op) throws(MPIError) {
        let operation = try AccumulateOperation(op)
        if origin.datatype === target.datatype, origin.count == target.count,
           combinedInPlace(.accumulate, operation, data: origin.pointer, result: nil, compare: nil, target: target) { return }
        try access(.accumulate, origin: origin, result: nil, target: target, operation: operation, request: nil)
    }

    /// `MPI_Get_accumulate`: `result` gets the target's elements before `op` combines
    /// `origin` into them (with `MPI_NO_OP`, an atomic get: `origin` is not read).
    public func getAccumulate(_ origin: Buffer, result: Buffer, target: Target, op: Op) throws(MPIError) {
        let operation = try AccumulateOperation(op)
        if result.datatype === target.datatype, result.count == target.count,
           operation == .noOp || (origin.datatype === target.datatype && origin.count == target.count),
           combinedInPlace(.getAccumulate, operation, data: operation == .noOp ? nil : origin.pointer, result: result.pointer, compare: nil, target: target) {
            return
        }
        try access(.getAccumulate, origin: origin, result: result, target: target, operation: operation, request: nil)
    }

    /// `MPI_Fetch_and_op`: `getAccumulate` of one element of a predefined type.
    public func fetchAndOp(_ origin: UnsafeRawPointer?, result: UnsafeMutableRawPointer?, datatype: Datatype, rank: Int, displacement: Int, op: Op) throws(MPIError) {
        try checkPredefined(datatype, "MPI_Fetch_and_op")
        let operation = try AccumulateOperation(op)
        let target = Target(rank: rank, displacement: displacement, count: 1, datatype: datatype)
        if combinedInPlace(.getAccumulate, operation, data: operation == .noOp ? nil : origin, result: result, compare: nil, target: target) { return }
        try access(.getAccumulate, origin: Buffer(origin, count: 1, datatype: datatype), result: Buffer(result, count: 1, datatype: datatype),
                   target: target, operation: operation, request: nil)
    }

    /// `MPI_Compare_and_swap`: where the target's element equals `compare`, it becomes
    /// `origin`; `result` gets the element as it was.
    public func compareAndSwap(_ origin: UnsafeRawPointer?, compare: UnsafeRawPointer?, result: UnsafeMutableRawPointer?, datatype: Datatype,
                               rank: Int, displacement: Int) throws(MPIError) {
        try checkPredefined(datatype, "MPI_Compare_and_swap")
        guard datatype.basic?.value.isSwappable == true else {
            throw MPIError(.type, "MPI_Compare_and_swap takes an integer, logical or byte type, not \(datatype)")
        }
        let target = Target(rank: rank, displacement: displacement, count: 1, datatype: datatype)
        if combinedInPlace(.compareAndSwap, .replace, data: origin, result: result, compare: compare, target: target) { return }
        try access(.compareAndSwap, origin: Buffer(origin, count: 1, datatype: datatype), result: Buffer(result, count: 1, datatype: datatype),
                   target: target, compare: compare, request: nil)
    }

    /// The fast path of the accumulates, fetch-and-op and compare-and-swap, beside
    /// `directSpan`'s: elements of one basic type (not pairs) whose packed form is their
    /// memory, an operation defined on them, the data inside the window of a target in
    /// `directReach`, and every buffer the access reads or writes given. Applied in place
    /// under the memory's atomicity; false, having done nothing, for anything else. The
    /// caller has checked that the origin's and result's types and counts are the target's.
    @inline(__always)
    private func combinedInPlace(_ kind: WindowMessage.Kind, _ operation: AccumulateOperation, data: UnsafeRawPointer?, result: UnsafeRawPointer?,
                                 compare: UnsafeRawPointer?, target: Target) -> Bool {
        guard let span = directReach.span(of: target.rank), target.datatype.isPackedAsIs, target.datatype.isCommitted,
              let element = target.datatype.basic?.value, element.pairIndexOffset == nil, operation.isDefined(on: element),
              data != nil || operation == .noOp, result != nil || kind == .accumulate, compare != nil || kind != .compareAndSwap,
              let (address, bytes) = span.address(of: target.count, target.datatype, at: target.displacement) else { return false }
        span.memory.combine(kind, operation, element: element, elementSize: BasicType.valueSize(element), at: address, bytes: bytes,
                            data: data, old: result.map(UnsafeMutableRawPointer.init(mutating:)), compare: compare)
        return true
    }

    // MARK: Request forms

    /// `MPI_Rput`: the request completes when `origin` may be reused (at once).
    public func rput(_ origin: Buffer, to target: Target) throws(MPIError) -> Request {
        try requested(target: target.rank) { (request) throws(MPIError) in try access(.put, origin: origin, result: nil, target: target, request: request) }
    }

    /// `MPI_Rget`: the request completes when the data is in `origin`.
    public func rget(into origin: Buffer, from target: Target) throws(MPIError) -> Request {
        try requested(target: target.rank) { (request) throws(MPIError) in try access(.get, origin: nil, result: origin, target: target, request: request) }
    }

    /// `MPI_Raccumulate`.
    public func raccumulate(_ origin: Buffer, to target: Target, op: Op) throws(MPIError) -> Request {
        let operation = try AccumulateOperation(op)
        return try requested(target: target.rank) { (request) throws(MPIError) in
            try access(.accumulate, origin: origin, result: nil, target: target, operation: operation, request: request)
        }
    }

    /// `MPI_Rget_accumulate`: the request completes when `result` holds the old elements.
    public func rgetAccumulate(_ origin: Buffer, result: Buffer, target: Target, op: Op) throws(MPIError) -> Request {
        let operation = try AccumulateOperation(op)
        return try requested(target: target.rank) { (request) throws(MPIError) in
            try access(.getAccumulate, origin: origin, result: result, target: target, operation: operation, request: request)
        }
    }

    /// The request forms may only be used in passive-target epochs (MPI 4.1 §12.3.5); one
    /// aimed at `MPI.procNull` does nothing, anywhere.
    private func requested(target: Int, _ body: (Request) throws(MPIError) -> Void) throws(MPIError) -> Request {
        try checkUsable()
        switch accessEpoch {
        case .locked, .lockedAll: break
        case _ where target == MPI.procNull: break
        default: throw MPIError(.rmaSync, "request-based accesses need a passive-target epoch (MPI_Win_lock or MPI_Win_lock_all)")
        }
        let request = communicator.makeRequest()
        request.begin()
        try body(request)
        return request
    }

    private func checkPredefined(_ datatype: Datatype, _ call: String) throws(MPIError) {
        guard case .basic = datatype.layout else { throw MPIError(.type, "\(call) takes a predefined datatype, not \(datatype)") }
    }

    // MARK: One access

    /// Checks an access, describes it, and applies or sends it. `origin`: the data sent
    /// (put, accumulates, the new value of compare-and-swap); `result`: where data read
    /// back goes (get, get-accumulate, compare-and-swap).
    private func access(_ kind: WindowMessage.Kind, origin: Buffer?, result: Buffer?, target: Target,
                        operation: AccumulateOperation = .replace, compare: UnsafeRawPointer? = nil, request: Request?) throws(MPIError) {
        try checkUsable()
        try checkTarget(target.rank)
        try Communicator.checkBuffer(count: target.count, datatype: target.datatype)
        let bytes = target.datatype.packedSize(target.count)
        let sendsData = origin != nil && operation != .noOp
        if let origin, sendsData { try checkMatches(origin, bytes: bytes, "origin") }
        if let result { try checkMatches(result, bytes: bytes, "result") }
        guard target.rank != MPI.procNull else {
            request?.complete(.empty)
            return
        }
        guard accessEpoch.allows(target.rank) else {
            throw MPIError(.rmaSync, "an access to rank \(target.rank) outside an epoch that allows it (the window is in \(accessEpoch))")
        }
        if case .fence = accessEpoch { accessEpoch = .fence(accessed: true) }

        guard bytes > 0 else {
            request?.complete(.empty)
            return
        }
        if try copiedDirectly(kind, origin: origin, result: result, target: target, bytes: bytes) {
            request?.complete(.empty)
            return
        }
        var described = WindowAccess(kind: kind, runs: [], operation: operation)
        if kind == .accumulate || kind == .getAccumulate || kind == .compareAndSwap {
            guard let basic = target.datatype.basic else {
                throw MPIError(.type, "an accumulate's target type must be of one basic type, not \(target.datatype)")
            }
            if let origin, sendsData, let originBasic = origin.datatype.basic, originBasic.value != basic.value {
                throw MPIError(.type, "origin elements of \(originBasic) do not match target elements of \(basic)")
            }
            try operation.check(on: basic.value, name: basic.name)
            described.element = basic.value
            described.elementSize = BasicType.valueSize(basic.value)
            if try accumulatedDirectly(described, origin: origin, result: result, compare: compare, target: target, bytes: bytes) {
                request?.complete(.empty)
                return
            }
        }
        if try heldDirectly(described, origin: origin, target: target, bytes: bytes, request: request) { return }
        let peer = peers[target.rank]
        let (offset, overflow) = target.displacement.multipliedReportingOverflow(by: peer.displacementUnit)
        guard !overflow else { throw MPIError(.disp, "displacement \(target.displacement) overflows an address") }
        described.runs = WindowAccess.runs(of: target.datatype, count: target.count, at: offset, pairs: described.isPair)
        if flavor != .dynamic {
            let footprintEnd = described.isPair ? { (run: WindowRun) in run.offset + (described.element.pairIndexOffset ?? 0) + 4 } : { $0.offset + $0.length }
            guard described.runs.allSatisfy({ $0.offset >= 0 && footprintEnd($0) <= peer.size }) else {
                throw MPIError(.rmaRange, "\(bytes) bytes at displacement \(target.displacement) reach outside rank \(target.rank)'s \(peer.size)-byte window")
            }
        }

        // The origin's data, packed (as it lies, when its type packs as is).
        var packed: PackedCopy?
        var data: UnsafeRawPointer?
        if let origin, sendsData {
            if origin.datatype.isPackedAsIs {
                data = origin.pointer
            } else {
                let copy = PackedCopy(byteCount: bytes)
                origin.datatype.pack(origin.count, from: origin.pointer, into: copy.pointer)
                packed = copy
                data = UnsafeRawPointer(copy.pointer)
            }
        }
        if kind == .compareAndSwap {
            // The new value, then the one compared with, as the target reads them.
            let both = PackedCopy(byteCount: 2 * bytes)
            both.pointer.copyMemory(from: data!, byteCount: bytes)
            (both.pointer + bytes).copyMemory(from: compare!, byteCount: bytes)
            packed = both
            data = UnsafeRawPointer(both.pointer)
        }

        // Where data read back lands: the result buffer, or a packed copy unpacked at the end.
        var landing: UnsafeMutableRawPointer?
        var staging: PackedCopy?
        if let result {
            if result.datatype.isPackedAsIs {
                landing = UnsafeMutableRawPointer(mutating: result.pointer)
            } else {
                staging = PackedCopy(byteCount: bytes)
                landing = staging!.pointer
            }
        }
        if let memory = peer.local?.memory ?? peer.mapped {
            try awaitFenceOpened(by: peer)
            do {
                try withExtendedLifetime(packed) { () throws(MPIError) in try memory.apply(described, data: data, result: landing, owner: peer.worldRank) }
            } catch {
                request?.complete(.empty, failure: error)
                throw error
            }
            if let staging, let result {
                result.datatype.unpack(result.count, from: staging.pointer, into: UnsafeMutableRawPointer(mutating: result.pointer))
            }
            request?.complete(.empty)
            return
        }
        let finish = { [staging, packed] (failure: MPIError?) in
            if let staging, let result, failure == nil {
                result.datatype.unpack(result.count, from: staging.pointer, into: UnsafeMutableRawPointer(mutating: result.pointer))
            }
            _ = packed  // the packed origin lives until the access is done
            request?.complete(.empty, failure: failure)
        }

        try sendPieces(of: described, data: data, landing: landing, bytes: bytes, to: target.rank, finish: finish)
    }

    /// A put or get of contiguous data to memory reached here (a member of this node, or
    /// mapped) that the fast path (`directSpan`) did not take, in any epoch: one copy.
    /// False, having done nothing, for any other.
    private func copiedDirectly(_ kind: WindowMessage.Kind, origin: Buffer?, result: Buffer?, target: Target, bytes: Int) throws(MPIError) -> Bool {
        guard kind == .put || kind == .get, target.datatype.isPackedAsIs,
              (kind == .put ? origin?.datatype : result?.datatype)?.isPackedAsIs == true,
              let source = kind == .put ? origin?.pointer : result?.pointer,
              let address = try directAddress(of: target, bytes: bytes) else { return false }
        if kind == .put {
            address.copyMemory(from: source, byteCount: bytes)
        } else {
            UnsafeMutableRawPointer(mutating: source).copyMemory(from: address, byteCount: bytes)
        }
        return true
    }

    /// An accumulate, get-accumulate or compare-and-swap of contiguous elements of one
    /// basic type to memory reached here, that the fast path (`combinedInPlace`) did not
    /// take: applied in place, with no access description or runs. False, having done
    /// nothing, for any other.
    private func accumulatedDirectly(_ access: WindowAccess, origin: Buffer?, result: Buffer?, compare: UnsafeRawPointer?,
                                     target: Target, bytes: Int) throws(MPIError) -> Bool {
        let data = access.operation == .noOp ? nil : origin?.pointer
        guard !access.isPair, access.elementSize > 0, target.datatype.isPackedAsIs,
              origin?.datatype.isPackedAsIs ?? true, result?.datatype.isPackedAsIs ?? true,
              data != nil || access.operation == .noOp, result == nil || result?.pointer != nil,
              access.kind != .compareAndSwap || compare != nil,
              let memory = peers[target.rank].local?.memory ?? peers[target.rank].mapped,
              let address = try directAddress(of: target, bytes: bytes) else { return false }
        memory.combine(access.kind, access.operation, element: access.element, elementSize: access.elementSize, at: address, bytes: bytes,
                       data: data, old: result.map { UnsafeMutableRawPointer(mutating: $0.pointer!) }, compare: compare)
        return true
    }

    /// Where `bytes` at `target`'s displacement lie here, when its memory is reached
    /// directly (nil when it is not: the access goes by message); in a fence epoch, once
    /// the target has finished the fence that opened it.
    private func directAddress(of target: Target, bytes: Int) throws(MPIError) -> UnsafeMutableRawPointer? {
        guard let base = peers[target.rank].directBase else { return nil }
        let size = peers[target.rank].size
        let (offset, overflow) = target.displacement.multipliedReportingOverflow(by: peers[target.rank].displacementUnit)
        guard !overflow, offset >= 0, offset <= size - bytes else {
            throw MPIError(.rmaRange, "\(bytes) bytes at displacement \(target.displacement) reach outside rank \(target.rank)'s \(size)-byte window")
        }
        if case .fence = accessEpoch { try awaitFenceOpened(by: peers[target.rank]) }
        return base + offset
    }

    /// In a fence epoch a target reached directly may still be finishing the fence that
    /// opened it (waiting for accesses of the epoch before); its memory is touched after.
    private func awaitFenceOpened(by peer: Peer) throws(MPIError) {
        if case .fence = accessEpoch, !peer.hasCompleted(fences: fenceEpoch) {
            try communicator.engine.wait { peer.hasCompleted(fences: fenceEpoch) }
        }
    }

    /// Sends an access to a member of another node, piece by piece; data read back is
    /// awaited as one `PendingReply`, which the next synchronisation waits for.
    private func sendPieces(of access: WindowAccess, data: UnsafeRawPointer?, landing: UnsafeMutableRawPointer?, bytes: Int, to target: Int,
                            finish: @escaping (MPIError?) -> Void) throws(MPIError) {
        let limit = communicator.engine.windowMessageLimit(to: peers[target].worldRank)
        let pieces: [(packedOffset: Int, runs: [WindowRun])]
        if access.kind == .compareAndSwap {
            pieces = [(0, access.runs)]
        } else {
            guard let cut = access.pieces(limit: limit) else {
                throw MPIError(.intern, "an element of \(access.elementSize) bytes does not fit a \(limit)-byte message to rank \(target)")
            }
            pieces = cut
        }
        var cookie: UInt64 = 0
        if let landing, access.kind != .put, access.kind != .accumulate {
            let reply = PendingReply(expecting: bytes, into: landing, target: target, finish: finish)
            cookie = endpoint.expect(reply)
            outstanding.append(reply)
        }
        let holds = pieces.count == 1 && cookie == 0 && (access.kind == .put || access.kind == .accumulate) && bytes <= Window.heldAccessLimit
        for piece in pieces {
            let message = message(of: access, runs: piece.runs, packedOffset: piece.packedOffset, cookie: cookie)
            let carried = access.kind == .compareAndSwap ? UnsafeRawBufferPointer(start: data, count: 2 * bytes)
                : UnsafeRawBufferPointer(start: message.carriedBytes == 0 ? nil : data! + piece.packedOffset, count: message.carriedBytes)
            if holds {
                try hold(message, data: carried, to: target)
            } else {
                try send(message, data: carried, to: target)
            }
        }
        if case .fence = accessEpoch { sentInEpoch[target] += pieces.count }
        // The target answers an access in the order sent: once this one's answer is in,
        // so is every access before it, and a flush needs no message of its own.
        if cookie == 0 {
            unflushed.insert(target)
            finish(nil)
        } else {
            unflushed.remove(target)
        }
    }

    /// A small put or accumulate (with data) to a member on another node, contiguous at
    /// both ends and inside its window: encoded straight into the held frame, without
    /// the general path's runs, pieces and completion (which cost more than the rest of
    /// an 8-byte put across hosts). False, having done nothing, for any other; the
    /// general path then checks and reports.
    private func heldDirectly(_ access: WindowAccess, origin: Buffer?, target: Target, bytes: Int, request: Request?) throws(MPIError) -> Bool {
        guard request == nil, access.kind == .put || (access.kind == .accumulate && access.operation != .noOp), !access.isPair,
              bytes <= Window.heldAccessLimit, let origin, let data = origin.pointer, origin.datatype.isPackedAsIs,
              target.datatype.isPackedAsIs else { return false }
        let peer = peers[target.rank]
        guard peer.local == nil, peer.mapped == nil else { return false }
        let (offset, overflow) = target.displacement.multipliedReportingOverflow(by: peer.displacementUnit)
        guard !overflow, flavor == .dynamic || (offset >= 0 && offset <= peer.size - bytes) else { return false }
        let message = message(of: access, runs: [WindowRun(offset: offset, length: bytes)])
        try hold(message, data: UnsafeRawBufferPointer(start: data, count: bytes), to: target.rank)
        if message.countedByFence { sentInEpoch[target.rank] += 1 }
        unflushed.insert(target.rank)
        return true
    }

    /// The message of a piece of `access` in the current epoch: its runs, where its data
    /// starts in the access's packed data, the cookie its answer carries.
    private func message(of access: WindowAccess, runs: [WindowRun], packedOffset: Int = 0, cookie: UInt64 = 0) -> WindowMessage {
        var message = WindowMessage(kind: access.kind)
        if case .fence = accessEpoch { message.countedByFence = true }
        message.parity = fenceEpoch & 1
        message.operation = access.operation
        message.element = access.element
        message.cookie = cookie
        message.packedOffset = packedOffset
        message.runs = runs
        message.dataLength = runs.reduce(0) { $0 + $1.length }
        return message
    }

    /// A buffer whose elements carry exactly the target's `bytes`.
    private func checkMatches(_ buffer: Buffer, bytes: Int, _ what: String) throws(MPIError) {
        try Communicator.checkBuffer(buffer.pointer, count: buffer.count, datatype: buffer.datatype)
        let own = buffer.datatype.packedSize(buffer.count)
        guard own == bytes else {
            throw MPIError(.type, "the \(what) has \(own) bytes of data (\(buffer.count) of \(buffer.datatype)), the target \(bytes)")
        }
    }
}

extension BasicType.Value {
    /// Whether `MPI_Compare_and_swap` takes it: integers, logicals, bytes, 8- and 16-bit characters.
    var isSwappable: Bool {
        switch self {
        case .signed, .unsigned, .bool, .logical, .byte: return true
        case let .character(bits): return bits != 32
        case .float, .double, .longDouble, .complex, .packed, .pair: return false
        }
    }

    /// Where a value-index pair's index lies; nil for other values.
    var pairIndexOffset: Int? {
        if case let .pair(_, indexOffset) = self { return indexOffset }
        return nil
    }
}
