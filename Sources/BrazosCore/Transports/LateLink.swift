/// The link to a node that joins the job while it runs (`brazosrun join`). Every node
/// makes one per node number that may join, at wire-up, so that the tables indexed by
/// node never grow under the threads reading them; the TCP link is set in it once the
/// joining node has connected. A node numbered so whose connection never came (it left,
/// or it never joined) is not in the job: sending there is an error that says so.
final class LateLink: PeerLink {
    let peerNode: Int
    /// As a TCP link's: nodes that join reach every node by TCP.
    let maximumFramePayload = TCPLink.framePayloadLimit
    let eagerLimit: Int
    let canPull = false
    let pushFragment = TCPLink.framePayloadLimit
    private let mutex = PthreadMutex()
    private let connected = PthreadCondition()
    private var link: PeerLink?
    private var expected = false

    init(peerNode: Int, eagerLimit: Int) {
        self.peerNode = peerNode
        self.eagerLimit = min(eagerLimit, maximumFramePayload)
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

    func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        try target().pull(from: address, count: count, into: destination)
    }

    func close() {
        mutex.withLock { link }?.close()
    }
}
