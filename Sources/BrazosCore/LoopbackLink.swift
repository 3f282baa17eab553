/// The "transport" between threads of one node: the sending thread hands frames to the
/// sink itself, and a rendezvous pull is a plain copy.
public final class LoopbackLink: PeerLink {
    public let peerNode: Int
    public let maximumFramePayload = Int(FrameHeader.maximumPayload)
    public let eagerLimit: Int
    public let canPull = true
    private let progress: ProgressEngine

    public init(node: Int, eagerLimit: Int, progress: ProgressEngine) {
        self.peerNode = node
        self.eagerLimit = eagerLimit
        self.progress = progress
    }

    public func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try progress.deliverInMemory(header, payload: payload, fromNode: peerNode)
    }

    public func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        guard count > 0, let source = UnsafeRawPointer(bitPattern: UInt(address)) else { return }
        destination.copyMemory(from: source, byteCount: count)
    }

    public func close() {}
}
