import Synchronization

/// The handle a `HandleTable` found last and its object, read without taking the table's
/// lock: a program calls on one window (or communicator) many times in a row, and the
/// lock's two atomic exchanges cost more than an 8-byte put.
///
/// A sequence lock: the writer (one at a time, under the table's lock) makes `version`
/// odd while it changes the pair, even after; a reader takes the pair only when
/// `version` was the same even number before and after reading it. The object is held
/// unretained: the table keeps it alive while its handle is live, and forgets it here
/// when the handle is removed (MPI makes freeing a handle while a call on it runs
/// erroneous).
final class RecentHandle<Object: AnyObject>: @unchecked Sendable {
    private let version = Atomic<Int>(0)
    private let value = Atomic<Int>(0)
    /// The object's address (`Unmanaged`), 0 for none.
    private let object = Atomic<Int>(0)

    /// The object of handle `value`, when it is the recent one.
    @inline(__always)
    func object(for value: Int) -> Unmanaged<Object>? {
        let before = version.load(ordering: .acquiring)
        guard before & 1 == 0, self.value.load(ordering: .relaxed) == value,
              let address = UnsafeRawPointer(bitPattern: object.load(ordering: .relaxed)) else { return nil }
        atomicMemoryFence(ordering: .acquiring)
        guard version.load(ordering: .relaxed) == before else { return nil }
        return Unmanaged.fromOpaque(address)
    }

    /// Whether `value` is the recent handle (for the writer, under the table's lock).
    func holds(_ value: Int) -> Bool {
        self.value.load(ordering: .relaxed) == value
    }

    /// Makes (`value`, `object`) the recent pair; nil forgets it. Under the table's lock.
    func remember(_ value: Int, _ object: Unmanaged<Object>?) {
        let current = version.load(ordering: .relaxed)
        version.store(current + 1, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        self.value.store(object == nil ? 0 : value, ordering: .relaxed)
        self.object.store(object.map { Int(bitPattern: $0.toOpaque()) } ?? 0, ordering: .relaxed)
        version.store(current + 2, ordering: .releasing)
    }
}
