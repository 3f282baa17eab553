/// A target's passive-target lock (`MPI_Win_lock`): any number of shared holders, or one
/// exclusive; requests that cannot be granted wait in arrival order, so an exclusive
/// request is not starved by a stream of shared ones. Holders are world ranks; a grant is
/// a closure, run once, outside nothing (the caller holds the endpoint's lock, which a
/// grant must not need: grants only post work or set a flag).
struct WindowLock {
    enum Holders: Equatable {
        case none
        case shared([Int: Int])
        case exclusive(Int)
    }

    struct Waiter {
        let origin: Int
        let exclusive: Bool
        let grant: () -> Void
    }

    private(set) var holders = Holders.none
    private var waiting: [Waiter] = []

    /// Nobody holds it and nobody waits for it.
    var isFree: Bool { holders == .none && waiting.isEmpty }

    /// Grants at once when nothing waits and the holders allow it, else queues.
    mutating func request(_ waiter: Waiter) {
        if waiting.isEmpty && admit(waiter) { waiter.grant() } else { waiting.append(waiter) }
    }

    /// `origin` lets go; waiters that can now hold it are granted, in order. False if
    /// `origin` did not hold it.
    mutating func release(_ origin: Int) -> Bool {
        switch holders {
        case .exclusive(origin):
            holders = .none
        case var .shared(counts) where counts[origin] != nil:
            counts[origin]! -= 1
            if counts[origin] == 0 { counts[origin] = nil }
            holders = counts.isEmpty ? .none : .shared(counts)
        default:
            return false
        }
        while let first = waiting.first, admit(first) {
            waiting.removeFirst()
            first.grant()
        }
        return true
    }

    private mutating func admit(_ waiter: Waiter) -> Bool {
        switch (holders, waiter.exclusive) {
        case (.none, true):
            holders = .exclusive(waiter.origin)
        case (.none, false):
            holders = .shared([waiter.origin: 1])
        case (var .shared(counts), false):
            counts[waiter.origin, default: 0] += 1
            holders = .shared(counts)
        default:
            return false
        }
        return true
    }
}
