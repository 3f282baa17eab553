/// The "transport" between threads of one node: the sending thread hands frames to the
/// sink itself, and a rendezvous pull is a plain copy.
public final class LoopbackLink: PeerLink {
    /// This node: the link leads back to itself.
    public let peerNode: Int
    /// `FrameHeader.maximumPayload`: no ring limits a frame that stays in the process.
    public let maximumFramePayload = Int(FrameHeader.maximumPayload)
    /// Messages up to this size travel eagerly; larger ones use rendezvous.
    public let eagerLimit: Int
    /// Always true: the receiver copies straight from the sender's buffer in the same process.
    public let canPull = true
    /// Unused (nothing is pushed): a whole frame.
    public let pushFragment = Int(FrameHeader.maximumPayload)
    private let progress: ProgressEngine

    /// A link from `node` to itself whose frames go straight to `progress`.
    public init(node: Int, eagerLimit: Int, progress: ProgressEngine) {
        self.peerNode = node
        self.eagerLimit = eagerLimit
        self.progress = progress
    }

    /// Delivers the frame to this node's progress engine on the calling thread.
    public func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try progress.deliverInMemory(header, payload: payload, fromNode: peerNode)
    }

    /// Copies `count` bytes from `address` in this process; does nothing for zero bytes or a null address.
    public func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        guard count > 0, let source = UnsafeRawPointer(bitPattern: UInt(address)) else { return }
        destination.copyMemory(from: source, byteCount: count)
    }

    /// Nothing to close.
    public func close() {}
}
