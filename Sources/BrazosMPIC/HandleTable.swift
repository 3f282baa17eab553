import BrazosCore
import Synchronization

/// The handles the program holds for objects of one kind that it made (communicators,
/// datatypes, ...), and those objects, which the table keeps alive until freed.
///
/// A handle is a number, never an address: looking up a handle this table did not hand
/// out, or one already freed, finds nothing instead of reading memory. Numbers come from
/// one counter for every kind (`Handles.nextValue`), so a handle of one kind is never a
/// valid handle of another, and are never reused, so a stale handle stays invalid. An
/// object may have several handles (each `MPI_Comm_get_errhandler` gives one to free).
final class HandleTable<Object: AnyObject & Sendable>: Sendable {
    private struct Entries {
        var objects: [Int: Object] = [:]
        var handles: [ObjectIdentifier: Int] = [:]
    }

    private let entries = FastGuarded(Entries())
    /// The handle looked up last, found without the lock.
    private let recent = RecentHandle<Object>()
    /// Whether `handle(of:)` is asked: requests, made and freed for every message, never are.
    private let findsHandlesOfObjects: Bool

    /// An empty table; without `findsHandlesOfObjects`, `handle(of:)` finds nothing and
    /// adding and removing a handle touch one dictionary instead of two.
    init(findsHandlesOfObjects: Bool = true) { self.findsHandlesOfObjects = findsHandlesOfObjects }

    /// A new handle for `object`.
    func add(_ object: Object) -> OpaquePointer? {
        let value = Handles.nextValue.add(16, ordering: .relaxed).oldValue
        entries.withLock { entries in
            entries.objects[value] = object
            if findsHandlesOfObjects { entries.handles[ObjectIdentifier(object)] = value }
        }
        return Handles.opaque(value)
    }

    /// The object behind `handle`, or nil if it is not a live handle of this table.
    func object(_ handle: OpaquePointer?) -> Object? {
        let value = Handles.value(handle)
        return find(value)?.takeUnretainedValue()
    }

    /// Calls `body` with the object behind `handle` lent without a retain, or returns nil
    /// if `handle` is not live. For the calls of the hot paths (a put, a flush): the
    /// table keeps the object alive meanwhile, as MPI makes freeing a handle while a call
    /// on it runs erroneous; a call that frees its own handle takes `object` instead.
    func withObject<R, E: Error>(_ handle: OpaquePointer?, _ body: (Object) throws(E) -> R) throws(E) -> R? {
        let value = Handles.value(handle)
        guard let found = find(value) else { return nil }
        return try found._withUnsafeGuaranteedRef { object in Result { () throws(E) in try body(object) } }.get()
    }

    /// The object of handle `value`: the recent one, else looked up (and made recent).
    private func find(_ value: Int) -> Unmanaged<Object>? {
        if let found = recent.object(for: value) { return found }
        return entries.withLock { entries in
            guard let object = entries.objects[value] else { return nil }
            recent.remember(value, .passUnretained(object))
            return .passUnretained(object)
        }
    }

    /// Forgets `handle`; returns its object, or nil if it was not a live handle.
    @discardableResult
    func remove(_ handle: OpaquePointer?) -> Object? {
        let value = Handles.value(handle)
        return entries.withLock { entries in
            guard let object = entries.objects.removeValue(forKey: value) else { return nil }
            if recent.holds(value) { recent.remember(value, nil) }
            if findsHandlesOfObjects && entries.handles[ObjectIdentifier(object)] == value { entries.handles[ObjectIdentifier(object)] = nil }
            return object
        }
    }

    /// The latest handle of `object`, if the program holds one.
    func handle(of object: Object) -> OpaquePointer? {
        entries.withLock { $0.handles[ObjectIdentifier(object)] }.flatMap(Handles.opaque)
    }
}
