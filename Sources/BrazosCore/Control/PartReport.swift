/// What a node tells brazosrun once its part of a checkpoint is durable. It travels as a
/// control message (`NodeMessage.partWritten`), so it is defined here with them; the rules
/// built on it (when an epoch is complete, which epoch a recovery uses) are in the
/// Checkpoint module (`EpochAssembly`).
public struct PartReport: Equatable, Sendable {
    /// The checkpoint the part belongs to.
    public var epoch: Int
    /// The node that wrote it.
    public var node: Int
    /// The part file's size in bytes and its CRC-32C, as the manifest will vouch for them.
    public var bytes: Int
    public var checksum: UInt32
    /// The epoch an incremental part builds on; nil for a full one.
    public var base: Int?
    /// Home pages that changed since the last checkpoint (and were written), and home
    /// pages in all.
    public var changedPages: Int
    public var homePages: Int
    /// How long the node held the checkpointing barrier, in microseconds.
    public var stallMicroseconds: Int
    /// How many ranks' threads the part saved: an epoch is complete only when its parts
    /// hold every rank.
    public var ranks: Int
    /// How long the node's writer took to make the part durable, in microseconds.
    public var writeMicroseconds: Int
    /// The CPU time the node's checkpoint threads (the writer, a fault handler) spent on
    /// the part, in microseconds: the checkpoint's cost beside the barrier held, which a
    /// shared machine's drifting wall clock cannot resolve.
    public var cpuMicroseconds: Int
    /// How long the node's ranks waited in copy-on-write faults while the part was
    /// written (summed over the faults), in microseconds.
    public var faultWaitMicroseconds: Int

    public init(epoch: Int, node: Int, bytes: Int, checksum: UInt32, base: Int?, changedPages: Int, homePages: Int,
                stallMicroseconds: Int, ranks: Int, writeMicroseconds: Int, cpuMicroseconds: Int, faultWaitMicroseconds: Int) {
        self.epoch = epoch
        self.node = node
        self.bytes = bytes
        self.checksum = checksum
        self.base = base
        self.changedPages = changedPages
        self.homePages = homePages
        self.stallMicroseconds = stallMicroseconds
        self.ranks = ranks
        self.writeMicroseconds = writeMicroseconds
        self.cpuMicroseconds = cpuMicroseconds
        self.faultWaitMicroseconds = faultWaitMicroseconds
    }

    /// `EPOCH NODE BYTES CRC32C-HEX BASE CHANGED HOME STALL_US RANKS WRITE_US CPU_US
    /// FAULT_WAIT_US`, BASE -1 for
    /// a full part: the control message's fields, and the report file a node writes
    /// beside its part where no launcher coordinates (`InJobCoordinator`).
    public var text: String {
        "\(epoch) \(node) \(bytes) \(String(checksum, radix: 16)) \(base ?? -1) \(changedPages) \(homePages) "
            + "\(stallMicroseconds) \(ranks) \(writeMicroseconds) \(cpuMicroseconds) \(faultWaitMicroseconds)"
    }

    /// A report read back from its `text`.
    public init(text: String) throws(ControlMessageError) {
        var fields = ControlFields(verb: "part", text: Substring(text))
        try self.init(&fields)
    }

    init(_ fields: inout ControlFields) throws(ControlMessageError) {
        epoch = try fields.integer("an epoch")
        node = try fields.integer("a node")
        bytes = try fields.integer("a size")
        let checksumText = try fields.word("a checksum")
        guard checksumText.count <= 8, let checksum = UInt32(checksumText, radix: 16) else {
            throw .malformed(verb: fields.verb, reason: "has checksum '\(checksumText.prefix(32))', not 32 bits in hex")
        }
        self.checksum = checksum
        let base = try fields.integer("a base", minimum: -1)
        self.base = base >= 0 ? base : nil
        changedPages = try fields.integer("a count of changed pages")
        homePages = try fields.integer("a count of home pages")
        stallMicroseconds = try fields.integer("a stall")
        ranks = try fields.integer("a rank count")
        writeMicroseconds = try fields.integer("a write time")
        cpuMicroseconds = try fields.integer("a CPU time")
        faultWaitMicroseconds = try fields.integer("a fault wait")
        try fields.end()
    }
}
