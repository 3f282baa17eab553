/// The seams between the transports and the layer above (BrazosMPI's message engine).
///
/// A transport gives, for each peer node it reaches, a `PeerLink` to send frames on, and
/// for the frames arriving to this node an `InboundSource` that the progress engine polls.

/// Receives frames. Called by whichever thread is polling; `payload` is valid only for
/// the duration of the call, so a receiver copies what it keeps.
public protocol FrameSink: AnyObject {
    func deliver(_ header: FrameHeader, payload: UnsafeRawBufferPointer, fromNode node: Int) throws
    /// Where the payload of a rendezvous data frame goes, if the sink knows before the
    /// bytes arrive: a stream transport then reads them straight there, and `deliver`
    /// gets a payload that already lies at that address.
    func destination(forPayloadOf header: FrameHeader) -> UnsafeMutableRawPointer?
    /// Work that `deliver` put off because it may wait on a peer (answering a rendezvous):
    /// run by the progress engine after a poll, outside the poller role.
    func performDeferredWork() throws
}

/// Sending side of one transport to one peer node.
public protocol PeerLink: AnyObject {
    var peerNode: Int { get }
    /// Largest payload a single frame may carry on this link.
    var maximumFramePayload: Int { get }
    /// Messages up to this size travel eagerly; larger ones use rendezvous.
    var eagerLimit: Int { get }
    /// Whether the receiver can copy the sender's buffer itself (single copy).
    var canPull: Bool { get }
    /// The largest piece of a pushed rendezvous message that one frame carries.
    var pushFragment: Int { get }
    /// Sends one frame. May wait for room, driving progress meanwhile so two nodes
    /// sending to each other cannot deadlock.
    func send(_ header: FrameHeader, payload: UnsafeRawBufferPointer) throws
    /// Sends one frame whose payload is `head` then `body`, each where it lies: a window
    /// message's head and its data in the program's buffer or the window (a fresh buffer
    /// of 256 KiB to join them comes from mmap, and its pages fault in on every message).
    func send(_ header: FrameHeader, head: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) throws
    /// Copies `count` bytes at `address` in the peer's memory into `destination`.
    func pull(from address: UInt64, count: Int, into destination: UnsafeMutableRawPointer) throws
    /// Tells the peer this node is finishing cleanly.
    func close()
}

/// Receiving side of a transport: polled, never blocking, by the progress engine.
public protocol InboundSource: AnyObject {
    /// Delivers every complete frame available now; returns how many.
    func poll(into sink: FrameSink) throws -> Int
    /// File descriptors whose readiness means frames may have arrived.
    var wakeDescriptors: [Int32] { get }
    /// Called before the poller blocks; false if frames arrived meanwhile and it must not.
    func prepareToBlock() -> Bool
    /// Called after the poller woke, whether or not it blocked.
    func finishedBlocking()
}

extension PeerLink {
    /// Joins the two parts in one buffer, for links that copy the payload anyway (a
    /// shared-memory ring, a loopback).
    public func send(_ header: FrameHeader, head: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) throws {
        guard body.count > 0 else { return try send(header, payload: head) }
        let joined = UnsafeMutableRawBufferPointer.allocate(byteCount: head.count + body.count, alignment: 16)
        defer { joined.deallocate() }
        if head.count > 0 { joined.baseAddress!.copyMemory(from: head.baseAddress!, byteCount: head.count) }
        (joined.baseAddress! + head.count).copyMemory(from: body.baseAddress!, byteCount: body.count)
        try send(header, payload: UnsafeRawBufferPointer(joined))
    }
}
