/// `count` values of `Element` in the shared region, at the same address in every node.
/// Reads and writes go straight to memory; the coherence protocol makes other nodes'
/// writes visible at synchronisation points.
public struct SharedArray<Element: BitwiseCopyable>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public let count: Int

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

    public var indices: Range<Int> { 0..<count }

    /// The elements as a buffer (no bounds checks on access).
    public var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}

/// One value of `Value` in the shared region (a shared counter, a flag, a total).
public struct SharedValue<Value: BitwiseCopyable>: @unchecked Sendable {
    public let address: UnsafeMutablePointer<Value>

    public var value: Value {
        get { address.pointee }
        nonmutating set { address.pointee = newValue }
    }
}
