import Synchronization
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The transport between nodes on one host: each node owns one inbound segment holding a
/// control word and one `ShmRing` per possible sender; senders map the receiver's
/// segment and write into their own ring in it. Large messages are pushed through the ring
/// in pieces of `SharedMemoryLink.pieceSize`: the receiver copies one piece out while the
/// sender copies the next in. (A process_vm_readv straight from the sender's buffer, one
/// copy, took 3x longer on this VM: 66-73 us for 1 MiB against 17-19 us for a memcpy,
/// the pinning of pages costing more than the second copy, which runs on the other core.)
public enum SharedMemoryLayout {
    /// Bytes reserved at the start of each segment for its control words, before the rings.
    public static let controlSize = 128
    /// Offset of the "the receiver is (about to be) asleep in poll()" word.
    static let sleepingOffset = 0

    /// Bytes of a node's inbound segment: the control words and one ring per node of the job.
    public static func segmentSize(nodes: Int, ringCapacity: Int) -> Int {
        controlSize + nodes * ShmRing.footprint(capacity: ringCapacity)
    }

    /// How many rings `segment` holds: one per node number, from its size.
    static func rings(in segment: SharedSegment, ringCapacity: Int) -> Int {
        max(0, (segment.size - controlSize) / ShmRing.footprint(capacity: ringCapacity))
    }

    static func ring(in segment: SharedSegment, from sender: Int, ringCapacity: Int) -> ShmRing {
        ShmRing(base: segment.base + controlSize + sender * ShmRing.footprint(capacity: ringCapacity), capacity: ringCapacity)
    }

    /// The POSIX shared-memory name of `node`'s inbound segment in `job`.
    public static func segmentName(job: String, node: Int) -> String { "/brazos-\(job)-\(node)" }
    /// The abstract socket name of `node`'s `Doorbell` in `job`.
    public static func doorbellName(job: String, node: Int) -> String { "brazos-\(job)-\(node)" }
}

/// The receiving side: the rings of this node's segment that peers write, and its doorbell.
/// A segment has a ring for every node number the job may have (those that join later
/// too); the rings of nodes that share this host are polled, and a node of this host
/// that joins is added to them (`addSender`).
public final class SharedMemoryInbound: InboundSource {
    private let segment: SharedSegment
    /// A plain buffer, not an array: it is scanned on every spin of every wait, and an
    /// array would be retained and released each time. Room for a ring per node number;
    /// the first `activeRings` entries are polled.
    private let rings: UnsafeMutableBufferPointer<(sender: Int, ring: ShmRing)>
    /// Grows only, by `addSender` (one thread at a time: the launcher session's), which
    /// writes the entry before it publishes the count with a release store; the poller
    /// reads the count with acquire, so it never reads an entry half written.
    private let activeRings = Atomic<Int>(0)
    private let ringCapacity: Int
    private let doorbell: Doorbell

    /// Reads the rings in this node's own `segment` from each of `senders`, and sleeps on `doorbell`.
    public init(segment: SharedSegment, senders: [Int], ringCapacity: Int, doorbell: Doorbell) {
        self.segment = segment
        self.ringCapacity = ringCapacity
        rings = .allocate(capacity: SharedMemoryLayout.rings(in: segment, ringCapacity: ringCapacity))
        self.doorbell = doorbell
        for sender in senders { _ = addSender(sender) }
    }

    deinit { rings.deallocate() }

    /// Polls the ring `sender` writes from now on; false if the segment has no ring for
    /// that number, or it is polled already.
    public func addSender(_ sender: Int) -> Bool {
        let count = activeRings.load(ordering: .relaxed)
        guard sender >= 0, sender < rings.count, count < rings.count, !rings[..<count].contains(where: { $0.sender == sender }) else { return false }
        (rings.baseAddress! + count).initialize(to: (sender, SharedMemoryLayout.ring(in: segment, from: sender, ringCapacity: ringCapacity)))
        activeRings.store(count + 1, ordering: .releasing)
        return true
    }

    /// The indices of the rings polled. A range, not a slice of `rings`: a slice's
    /// indices went through the generic runtime on every poll (40 ns a message).
    @inline(__always)
    private var polled: Range<Int> { 0..<activeRings.load(ordering: .acquiring) }

    /// Drains every ring that has frames into `sink`; returns how many were delivered. A
    /// broken ring throws `peerLost` naming its sender.
    public func poll(into sink: FrameSink) throws -> Int { try poll(intoBorrowed: sink) }

    /// `sink`, opened to its type, is borrowed by the drain's closure: captured as a
    /// protocol type it would be retained and released around every drain.
    @inline(__always)
    private func poll<Sink: FrameSink>(intoBorrowed sink: Sink) throws -> Int {
        let borrowed = Unmanaged.passUnretained(sink)
        var delivered = 0
        for index in polled where rings[index].ring.hasData {
            let (sender, ring) = rings[index]
            do {
                delivered += try ring.drain { header, payload in
                    try borrowed._withUnsafeGuaranteedRef { try $0.deliver(header, payload: payload, fromNode: sender) }
                }
            } catch BrazosError.peerLost(_, let reason) {
                throw BrazosError.peerLost(node: sender, reason: "\(reason) from node \(sender)")
            }
        }
        return delivered
    }

    /// The doorbell, which senders ring when they see this node asleep.
    public var wakeDescriptors: [Int32] { [doorbell.descriptor] }

    /// Marks this node asleep for senders; false (and awake again) if a ring has data already.
    public func prepareToBlock() -> Bool {
        brazos_store_seq_cst_u32(segment.base + SharedMemoryLayout.sleepingOffset, 1)
        brazos_fence_seq_cst()
        if polled.contains(where: { rings[$0].ring.hasData }) {
            brazos_store_seq_cst_u32(segment.base + SharedMemoryLayout.sleepingOffset, 0)
            return false
        }
        return true
    }

    /// Marks this node awake and empties its doorbell.
    public func finishedBlocking() {
        brazos_store_seq_cst_u32(segment.base + SharedMemoryLayout.sleepingOffset, 0)
        doorbell.drain()
    }
}

/// The sending side to one peer on this host.
public final class SharedMemoryLink: PeerLink {
    /// The node this link sends to.
    public let peerNode: Int
    /// The largest payload a ring record can hold with its header.
    public let maximumFramePayload: Int
    /// Messages up to this size travel eagerly; the configured limit, capped by the frame payload.
    public let eagerLimit: Int
    /// Always false: rendezvous data is pushed, in pieces.
    public let canPull = false
    /// `pieceSize`, at most a frame.
    public let pushFragment: Int
    /// Pieces of a pushed message: eight fit in the default 1 MiB ring, and one is copied
    /// out while the next is copied in (pieces of 16, 64 and 128 KiB and whole frames
    /// were slower here).
    public static let pieceSize = 32 << 10
    private let segment: SharedSegment
    private var ring: ShmRing
    private let peerDoorbell: String
    private let ringer: Doorbell
    private let progress: ProgressEngine
    /// Serialises this node's threads on the ring; not needed with a single thread.
    private let sendLock: FastLock

    /// A link writing into this node's (`myNode`) ring in the peer's mapped segment. With
    /// `senders` above one, sends are serialised by a lock. Throws `configuration` if the
    /// segment has no ring for `myNode`.
    public init(peerNode: Int, peerSegment: SharedSegment, myNode: Int, ringCapacity: Int,
                peerDoorbell: String, ringer: Doorbell, eagerLimit: Int, progress: ProgressEngine, senders: Int) throws(BrazosError) {
        guard myNode >= 0, myNode < SharedMemoryLayout.rings(in: peerSegment, ringCapacity: ringCapacity) else {
            throw .configuration("shared-memory segment \(peerSegment.name) of node \(peerNode) has no ring for node \(myNode)")
        }
        self.sendLock = FastLock(needed: senders > 1)
        self.peerNode = peerNode
        self.segment = peerSegment
        self.ring = SharedMemoryLayout.ring(in: peerSegment, from: myNode, ringCapacity: ringCapacity)
        self.peerDoorbell = peerDoorbell
        self.ringer = ringer
        self.progress = progress
        self.maximumFramePayload = Self.maximumFramePayload(ringCapacity: ringCapacity)
        self.pushFragment = min(Self.pieceSize, maximumFramePayload)
        self.eagerLimit = min(eagerLimit, maximumFramePayload)
    }

    /// Writes the frame into the ring, waiting (and driving progress) while it is full, and
    /// rings the peer's doorbell if it sleeps. Thread-safe.
    public func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws {
        try sendLock.withLock { () throws -> Void in
            var pause: UInt32 = 0
            while !ring.tryWrite(header: header, payload: payload) {
                // The receiver is behind: ring its bell in case it sleeps, and keep our own
                // inbound moving so that it can drain toward us as well. Nothing signals
                // room, so back off from a yield to naps of at most a millisecond.
                ringer.ring(peerDoorbell)
                if try progress.pollInbound() == 0 {
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

    /// The largest payload a frame on rings of `ringCapacity` bytes carries.
    public static func maximumFramePayload(ringCapacity: Int) -> Int {
        ShmRing.maximumRecord(capacity: ringCapacity) - FrameHeader.size
    }

    /// Always throws `configuration`: check `canPull` first.
    public func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws {
        throw BrazosError.configuration("shared-memory links push rendezvous data; they do not read a peer's memory")
    }

    /// Nothing to close: the mapping goes with the link.
    public func close() {}
}
