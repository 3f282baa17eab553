/// The "transport" between threads of one node: frames are handed to the sink in memory
/// by the sending thread, and a rendezvous pull is a plain copy.
public final class LoopbackLink: PeerLink {
    public let peerNode: Int
    public let maximumFramePayload = Int(FrameHeader.maximumPayload)
    public let eagerLimit: Int
    public let canPull = true
    private unowned let sink: FrameSink
    private let progress: ProgressEngine

    public init(node: Int, sink: FrameSink, eagerLimit: Int, progress: ProgressEngine) {
        self.peerNode = node
        self.sink = sink
        self.eagerLimit = eagerLimit
        self.progress = progress
    }

    public func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try sink.deliver(header, payload: payload, fromNode: peerNode)
        progress.notify()
    }

    public func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        guard count > 0, let source = UnsafeRawPointer(bitPattern: UInt(address)) else { return }
        destination.copyMemory(from: source, byteCount: count)
    }

    public func close() {}
}
