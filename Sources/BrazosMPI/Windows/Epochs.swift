/// What a window member may access now, as an origin: which synchronisation opened the
/// epoch decides which targets an access may name and which call ends it.
enum AccessEpoch: CustomStringConvertible {
    case none
    /// Between two fences; `accessed` once an access was made (until then a lock or a
    /// start may still begin instead, as after a fence that only opened the window).
    case fence(accessed: Bool)
    /// Passive target: the members (communicator ranks) locked, each with whether its lock
    /// was asked for (not under `noCheck`), so that unlocking lets go of it.
    case locked(LockedTargets)
    case lockedAll(acquired: Bool)
    /// Post-start-complete-wait, as an origin: the targets of `start`.
    case started([Int])

    var description: String {
        switch self {
        case .none: return "none"
        case .fence: return "a fence epoch"
        case let .locked(targets): return "a lock epoch on \(targets.ranks.sorted().map(String.init).joined(separator: ","))"
        case .lockedAll: return "a lock-all epoch"
        case .started: return "an epoch begun by MPI_Win_start"
        }
    }

    /// Whether an access to `target` is allowed in this epoch.
    func allows(_ target: Int) -> Bool {
        switch self {
        case .none: return false
        case .fence, .lockedAll: return true
        case let .locked(targets): return targets[target] != nil
        case let .started(targets): return targets.contains(target)
        }
    }

    /// No access was made in it (a fence that opened it may be followed by another kind).
    var isOpenFence: Bool {
        switch self {
        case .none, .fence(accessed: false): return true
        default: return false
        }
    }
}

/// What a member exposes, as a target, through post-start-complete-wait.
enum ExposureEpoch {
    case none
    /// The origins (communicator ranks) of `post`.
    case posted([Int])
}

/// The members a lock epoch holds, each with whether its lock was asked for: a short
/// list, searched on every access (a dictionary's hashing cost more than the put it
/// checked, at 8 bytes).
struct LockedTargets {
    private var entries: [(rank: Int, acquired: Bool)] = []

    var isEmpty: Bool { entries.isEmpty }
    var ranks: [Int] { entries.map(\.rank) }

    /// Whether `rank`'s lock was asked for; nil when `rank` is not locked. Setting nil unlocks it.
    subscript(rank: Int) -> Bool? {
        get { entries.first { $0.rank == rank }?.acquired }
        set {
            entries.removeAll { $0.rank == rank }
            if let newValue { entries.append((rank, newValue)) }
        }
    }
}
