import BrazosCore

/// Accesses applied to a member's memory, by whoever holds it or maps it: the member's
/// node as it handles a message, an origin of the same node, or an origin of another
/// node of the host that maps the member's `WindowFile`.
extension WindowMemory {
    /// Applies `access` to the memory. `data`: the origin's packed data (put, the
    /// accumulates; compare-and-swap: the new value, then the compared one). `result`
    /// receives what the access reads (get, get-accumulate, compare-and-swap), packed.
    /// `MPI_ERR_RMA_RANGE` before anything is touched when a run lies outside the memory.
    func apply(_ access: WindowAccess, data: UnsafeRawPointer?, result: UnsafeMutableRawPointer?, owner: Int) throws(MPIError) {
        // Every run is checked before any is touched; an address is cheap to find again.
        for run in access.runs where address(of: footprint(of: run, in: access)) == nil {
            throw MPIError(.rmaRange, "\(run.length) bytes at \(run.offset) lie outside the window memory of rank \(owner)")
        }
        switch access.kind {
        case .put:
            var at = 0
            for run in access.runs where run.length > 0 {
                address(of: run)?.copyMemory(from: data! + at, byteCount: run.length)
                at += run.length
            }
        case .get:
            var at = 0
            for run in access.runs where run.length > 0 {
                if let address = address(of: run) { (result! + at).copyMemory(from: address, byteCount: run.length) }
                at += run.length
            }
        case .accumulate, .getAccumulate:
            atomicity.withLock {
                var at = 0
                for run in access.runs where run.length > 0 {
                    if let address = address(of: footprint(of: run, in: access)) {
                        combine(access, run: run, at: address, origin: data.map { $0 + at }, old: result.map { $0 + at })
                    }
                    at += run.length
                }
            }
        case .compareAndSwap:
            guard let run = access.runs.first, let address = address(of: run), let data, let result, access.elementSize > 0 else { return }
            let size = access.elementSize
            atomicity.withLock {
                result.copyMemory(from: address, byteCount: size)
                let current = UnsafeRawBufferPointer(start: address, count: size)
                if current.elementsEqual(UnsafeRawBufferPointer(start: data + size, count: size)) {
                    address.copyMemory(from: data, byteCount: size)
                }
            }
        case .reply, .lock, .unlock, .flush, .post, .complete:
            break
        }
    }

    /// An accumulate, get-accumulate or compare-and-swap of `bytes` of contiguous
    /// elements of `element` (not pairs) at `address`, in this memory, under its
    /// atomicity: the old elements into `old`, then `operation` with `data`'s (none for
    /// `MPI_NO_OP`); a compare-and-swap writes `data` where the element equals `compare`.
    func combine(_ kind: WindowMessage.Kind, _ operation: AccumulateOperation, element: BasicType.Value, elementSize: Int,
                 at address: UnsafeMutableRawPointer, bytes: Int, data: UnsafeRawPointer?, old: UnsafeMutableRawPointer?, compare: UnsafeRawPointer?) {
        atomicity.withLock {
            old?.copyMemory(from: address, byteCount: bytes)
            if kind == .compareAndSwap {
                if let data, UnsafeRawBufferPointer(start: address, count: bytes).elementsEqual(UnsafeRawBufferPointer(start: compare, count: bytes)) {
                    address.copyMemory(from: data, byteCount: bytes)
                }
            } else if let data {
                operation.apply(element, count: bytes / elementSize, origin: data, target: address)
            }
        }
    }

    /// The memory a run touches: a value-index pair's index lies past its packed size.
    private func footprint(of run: WindowRun, in access: WindowAccess) -> WindowRun {
        guard case let .pair(_, indexOffset) = access.element, run.length > 0 else { return run }
        return WindowRun(offset: run.offset, length: indexOffset + 4)
    }

    /// One run of an accumulate: the old elements into `old` (a get-accumulate), then the
    /// operation with the origin's (none for `MPI_NO_OP`, whose `origin` may be nil).
    private func combine(_ access: WindowAccess, run: WindowRun, at address: UnsafeMutableRawPointer, origin: UnsafeRawPointer?, old: UnsafeMutableRawPointer?) {
        guard case let .pair(value, indexOffset) = access.element else {
            old?.copyMemory(from: address, byteCount: run.length)
            if let origin { access.operation.apply(access.element, count: run.length / access.elementSize, origin: origin, target: address) }
            return
        }
        // One pair: gathered into its packed form, combined, and put back.
        let valueSize = BasicType.valueSize(value)
        withUnsafeTemporaryAllocation(byteCount: valueSize + 4, alignment: 16) { packed in
            let pair = packed.baseAddress!
            pair.copyMemory(from: address, byteCount: valueSize)
            (pair + valueSize).copyMemory(from: address + indexOffset, byteCount: 4)
            old?.copyMemory(from: pair, byteCount: valueSize + 4)
            guard let origin else { return }
            access.operation.apply(access.element, count: 1, origin: origin, target: pair)
            address.copyMemory(from: pair, byteCount: valueSize)
            (address + indexOffset).copyMemory(from: pair + valueSize, byteCount: 4)
        }
    }
}
