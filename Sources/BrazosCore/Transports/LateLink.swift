/// The link to a node that joins the job while it runs (`brazosrun join`). Every node
/// makes one per node number that may join, at wire-up, so that the tables indexed by
/// node never grow under the threads reading them; the link it wraps is set once the
/// joining node is announced (a shared-memory link, for a node of this host) or has
/// connected (TCP). A node numbered so whose link never came (it left, or it never
/// joined) is not in the job: sending there is an error that says so.
final class LateLink: PeerLink {
    let peerNode: Int
    /// Fixed before the link it wraps is known, and read by the layer above at wire-up:
    /// what both a TCP link and a shared-memory link take (`maximumFramePayload(...)`).
    let maximumFramePayload: Int
    let eagerLimit: Int
    let canPull = false
    let pushFragment: Int
    private let mutex = PthreadMutex()
    private let connected = PthreadCondition()
    private var link: PeerLink?
    private var expected = false

    init(peerNode: Int, eagerLimit: Int, maximumFramePayload: Int) {
        self.peerNode = peerNode
        self.maximumFramePayload = maximumFramePayload
        self.pushFragment = maximumFramePayload
        self.eagerLimit = min(eagerLimit, maximumFramePayload)
    }

    /// The largest frame payload a late link admits: a TCP link's, and where a joining
    /// node may come through shared memory, no more than a ring of `ringCapacity` holds.
    static func maximumFramePayload(ringCapacity: Int?) -> Int {
        min(TCPLink.framePayloadLimit, ringCapacity.map { SharedMemoryLink.maximumFramePayload(ringCapacity: $0) } ?? .max)
    }

    /// The node has been announced: a send may wait a moment for its connection (it is
    /// made before the node is admitted; its registration here may lag by a moment).
    func expect() { mutex.withLock { expected = true } }

    func connect(_ link: PeerLink) {
        mutex.withLock {
            self.link = link
            connected.broadcast()
        }
    }

    private func target() throws(BrazosError) -> PeerLink {
        try mutex.withLock { () throws(BrazosError) -> PeerLink in
            let deadline = monotonicSeconds() + 10
            while link == nil && expected && monotonicSeconds() < deadline { connected.wait(mutex, seconds: 0.1) }
            guard let link else { throw .peerLost(node: peerNode, reason: "node \(peerNode) is not in the job (it never joined, or it left)") }
            return link
        }
    }

    func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try target().send(header, payload: payload)
    }

    func send(_ header: FrameHeader, head: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) throws {
        try target().send(header, head: head, body: body)
    }

    func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        try target().pull(from: address, count: count, into: destination)
    }

    func close() {
        mutex.withLock { link }?.close()
    }
}
