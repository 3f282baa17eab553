/// `count` values of `Element` in the shared region, at the same address in every node.
/// Reads and writes go straight to memory; the coherence protocol makes other nodes'
/// writes visible at synchronisation points.
///
/// Unchecked: a `let` pointer into the shared region and a count; the coherence protocol
/// and the program's barriers and locks, not Swift, order access to the memory behind it.
public struct SharedArray<Element: BitwiseCopyable>: @unchecked Sendable {
    /// The first element, in the application view.
    public let base: UnsafeMutablePointer<Element>
    /// Elements in the array.
    public let count: Int

    /// Element `index`; an index outside `0..<count` stops the process.
    public subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "shared index \(index) out of 0..<\(count)")
            return base[index]
        }
        nonmutating set {
            precondition(index >= 0 && index < count, "shared index \(index) out of 0..<\(count)")
            base[index] = newValue
        }
    }

    /// `0..<count`.
    public var indices: Range<Int> { 0..<count }

    /// The elements as a buffer (no bounds checks on access).
    public var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}

/// One value of `Value` in the shared region (a shared counter, a flag, a total).
///
/// Unchecked: a `let` pointer into the shared region; the coherence protocol and the
/// program's barriers and locks, not Swift, order access to the value behind it.
public struct SharedValue<Value: BitwiseCopyable>: @unchecked Sendable {
    /// Where the value lives, in the application view.
    public let address: UnsafeMutablePointer<Value>

    /// Reads or writes the value in place.
    public var value: Value {
        get { address.pointee }
        nonmutating set { address.pointee = newValue }
    }
}
