import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The transport between nodes on one host: each node owns one inbound segment holding a
/// control word and one `ShmRing` per possible sender; senders map the receiver's
/// segment and write into their own ring in it. Large messages are copied once, straight
/// from the sender's buffer, with process_vm_readv (`pull`).
public enum SharedMemoryLayout {
    public static let controlSize = 128
    /// Offset of the "the receiver is (about to be) asleep in poll()" word.
    static let sleepingOffset = 0

    public static func segmentSize(nodes: Int, ringCapacity: Int) -> Int {
        controlSize + nodes * ShmRing.footprint(capacity: ringCapacity)
    }

    static func ring(in segment: SharedSegment, from sender: Int, ringCapacity: Int) -> ShmRing {
        ShmRing(base: segment.base + controlSize + sender * ShmRing.footprint(capacity: ringCapacity), capacity: ringCapacity)
    }

    public static func segmentName(job: String, node: Int) -> String { "/brazos-\(job)-\(node)" }
    public static func doorbellName(job: String, node: Int) -> String { "brazos-\(job)-\(node)" }
}

/// The receiving side: all rings of this node's segment, and its doorbell.
public final class SharedMemoryInbound: InboundSource {
    private let segment: SharedSegment
    /// A plain buffer, not an array: it is scanned on every spin of every wait, and an
    /// array would be retained and released each time.
    private let rings: UnsafeMutableBufferPointer<(sender: Int, ring: ShmRing)>
    private let doorbell: Doorbell

    public init(segment: SharedSegment, senders: [Int], ringCapacity: Int, doorbell: Doorbell) {
        self.segment = segment
        rings = .allocate(capacity: senders.count)
        _ = rings.initialize(from: senders.map { ($0, SharedMemoryLayout.ring(in: segment, from: $0, ringCapacity: ringCapacity)) })
        self.doorbell = doorbell
    }

    deinit { rings.deallocate() }

    public func poll(into sink: FrameSink) throws -> Int {
        var delivered = 0
        for index in rings.indices where rings[index].ring.hasData {
            let (sender, ring) = rings[index]
            do {
                delivered += try drain(ring, from: sender, into: sink)
            } catch BrazosError.peerLost(_, let reason) {
                throw BrazosError.peerLost(node: sender, reason: "\(reason) from node \(sender)")
            }
        }
        return delivered
    }

    private func drain(_ ring: ShmRing, from sender: Int, into sink: FrameSink) throws -> Int {
        try ring.drain { header, payload in
            try sink.deliver(header, payload: payload, fromNode: sender)
        }
    }

    public var wakeDescriptors: [Int32] { [doorbell.descriptor] }

    public func prepareToBlock() -> Bool {
        brazos_store_seq_cst_u32(segment.base + SharedMemoryLayout.sleepingOffset, 1)
        brazos_fence_seq_cst()
        if rings.contains(where: { $0.ring.hasData }) {
            brazos_store_seq_cst_u32(segment.base + SharedMemoryLayout.sleepingOffset, 0)
            return false
        }
        return true
    }

    public func finishedBlocking() {
        brazos_store_seq_cst_u32(segment.base + SharedMemoryLayout.sleepingOffset, 0)
        doorbell.drain()
    }
}

/// The sending side to one peer on this host.
public final class SharedMemoryLink: PeerLink {
    public let peerNode: Int
    public let maximumFramePayload: Int
    public let eagerLimit: Int
    public private(set) var canPull = true
    private let segment: SharedSegment
    private var ring: ShmRing
    private let peerPid: pid_t
    private let peerDoorbell: String
    private let ringer: Doorbell
    private let progress: ProgressEngine
    /// Serialises this node's threads on the ring; not needed with a single thread.
    private let sendLock: FastLock

    public init(peerNode: Int, peerPid: Int32, peerSegment: SharedSegment, myNode: Int, ringCapacity: Int,
                peerDoorbell: String, ringer: Doorbell, eagerLimit: Int, progress: ProgressEngine, senders: Int) {
        self.sendLock = FastLock(needed: senders > 1)
        self.peerNode = peerNode
        self.peerPid = peerPid
        self.segment = peerSegment
        self.ring = SharedMemoryLayout.ring(in: peerSegment, from: myNode, ringCapacity: ringCapacity)
        self.peerDoorbell = peerDoorbell
        self.ringer = ringer
        self.progress = progress
        self.maximumFramePayload = ring.maximumRecord - FrameHeader.size
        self.eagerLimit = min(eagerLimit, maximumFramePayload)
    }

    public func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try sendLock.withLock { () throws -> Void in
            var pause: UInt32 = 0
            while !ring.tryWrite(header: header, payload: payload) {
                // The receiver is behind: ring its bell in case it sleeps, and keep our own
                // inbound moving so that it can drain toward us as well. Nothing signals
                // room, so back off from a yield to naps of at most a millisecond.
                ringer.ring(peerDoorbell)
                if try progress.poll() == 0 {
                    if pause == 0 { sched_yield() } else { usleep(pause) }
                    pause = min(max(pause * 2, 20), 1000)
                }
            }
        }
        brazos_fence_seq_cst()
        if brazos_load_acquire_u32(segment.base + SharedMemoryLayout.sleepingOffset) != 0 {
            ringer.ring(peerDoorbell)
        }
    }

    public func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        let rc = brazos_read_peer_memory(peerPid, UnsafeRawPointer(bitPattern: UInt(address)), destination, count)
        if rc != 0 {
            canPull = false  // e.g. EPERM under a strict ptrace policy: push from now on
            throw BrazosError.system(call: "process_vm_readv(node \(peerNode))", errno: -rc)
        }
    }

    public func close() {}
}
