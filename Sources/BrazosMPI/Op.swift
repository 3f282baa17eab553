/// A reduction operation (`MPI_Op`): one of the predefined ones, or a function of the
/// program's (`MPI_Op_create`).
///
/// Operations work on packed data (see `Datatype`): `apply` combines `count` elements of
/// `input` into `output`, `output[i] = input[i] op output[i]`, so that for an operation that
/// does not commute the left operand is always the lower ranks' data.
///
/// Unchecked: both stored properties are `let`s set in init, but a program's `Function`
/// is not `@Sendable`: it is called on the thread of whichever rank reduces, several at
/// once, so (as MPI requires of `MPI_Op_create`'s functions) it must be safe to call so.
public final class Op: @unchecked Sendable, CustomStringConvertible {
    /// The predefined operations; the raw value is the MPI name.
    public enum Predefined: String, Sendable, CaseIterable {
        case sum = "MPI_SUM", prod = "MPI_PROD", min = "MPI_MIN", max = "MPI_MAX"
        case land = "MPI_LAND", lor = "MPI_LOR", lxor = "MPI_LXOR"
        case band = "MPI_BAND", bor = "MPI_BOR", bxor = "MPI_BXOR"
        case minloc = "MPI_MINLOC", maxloc = "MPI_MAXLOC"

        /// Its bit in `Reduction.Traits.defined`: its place among all cases (worked out
        /// where an `Op` or a datatype is made, not per call).
        var bit: UInt16 { UInt16(1) << UInt16(Self.allCases.firstIndex(of: self)!) }
    }

    /// A program's operation on `count` elements of `datatype`, laid out in memory as the
    /// datatype describes: `output[i] = input[i] op output[i]`.
    public typealias Function = (_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ count: Int, _ datatype: Datatype) -> Void

    /// A plain value (the program's function is kept beside it), so that telling the
    /// kind of an operation costs no reference counting on the accumulates' fast path.
    enum Kind {
        case predefined(Predefined)
        /// The program's `function`.
        case user
        /// `MPI_REPLACE`, `MPI_NO_OP`: only one-sided accumulates take them.
        case replace, noOp
    }

    let kind: Kind
    /// A predefined operation's `Predefined.bit`; 0 for the others.
    private let bit: UInt16
    /// The program's operation, for a `user` kind.
    private let function: Function?
    /// Whether operand order does not matter; true for every predefined operation.
    public let isCommutative: Bool

    /// A predefined operation; use the static members rather than making new ones.
    public init(_ predefined: Predefined) {
        kind = .predefined(predefined)
        bit = predefined.bit
        function = nil
        isCommutative = true
    }

    /// `MPI_Op_create`.
    public init(commutative: Bool, _ function: @escaping Function) {
        kind = .user
        bit = 0
        self.function = function
        isCommutative = commutative
    }

    private init(kind: Kind) {
        self.kind = kind
        bit = 0
        function = nil
        isCommutative = true
    }

    /// The MPI name, or "user operation" with whether it commutes.
    public var description: String {
        switch kind {
        case let .predefined(op): return op.rawValue
        case .user: return isCommutative ? "user operation (commutative)" : "user operation (not commutative)"
        case .replace: return "MPI_REPLACE"
        case .noOp: return "MPI_NO_OP"
        }
    }

    /// `MPI_SUM`, `MPI_PROD`, `MPI_MIN`, `MPI_MAX`: arithmetic, not on `bool` or `byte`.
    public static let sum = Op(.sum), prod = Op(.prod), min = Op(.min), max = Op(.max)
    /// `MPI_LAND`, `MPI_LOR`, `MPI_LXOR`: logical, on integers and `bool`.
    public static let land = Op(.land), lor = Op(.lor), lxor = Op(.lxor)
    /// `MPI_BAND`, `MPI_BOR`, `MPI_BXOR`: bitwise, on integers and `byte`.
    public static let band = Op(.band), bor = Op(.bor), bxor = Op(.bxor)
    /// `MPI_MINLOC`, `MPI_MAXLOC`: on the value-index pair types only.
    public static let minloc = Op(.minloc), maxloc = Op(.maxloc)
    /// `MPI_REPLACE`, `MPI_NO_OP`: for `Window.accumulate` and its relatives only.
    public static let replace = Op(kind: .replace), noOp = Op(kind: .noOp)

    /// Throws `MPI_ERR_OP` when a predefined operation is not defined on the datatype: on
    /// one of several basic types, or of a basic type the operation does not apply to.
    func check(_ datatype: Datatype) throws(MPIError) {
        // The usual case, inline: a predefined operation that the datatype takes.
        if case .predefined = kind, datatype.size == 0 || datatype.reduction.defined & bit != 0 { return }
        try checkOtherwise(datatype)
    }

    /// `check` of every other case.
    @inline(never)
    private func checkOtherwise(_ datatype: Datatype) throws(MPIError) {
        switch kind {
        case .replace, .noOp: throw MPIError(.op, "\(self) applies only to one-sided accumulates")
        case .predefined, .user: break
        }
        if case .user = kind, !datatype.isPackedAsIs, datatype.trueExtent > Datatype.hostMemory {
            // The program's function gets copies laid out as the type says: impossible here.
            throw MPIError(.count, "\(datatype) spans \(datatype.trueExtent) bytes, more than this host's memory, for a user operation")
        }
        guard case let .predefined(op) = kind, datatype.size > 0, datatype.reduction.defined & bit == 0 else { return }
        guard let basic = datatype.basic else {
            throw MPIError(.op, "\(op.rawValue) is not defined on \(datatype), which mixes basic types")
        }
        throw MPIError(.op, "\(op.rawValue) is not defined on \(basic.name)")
    }

    /// Combines packed data: `output = input op output`, elementwise.
    func apply(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int, datatype: Datatype) {
        switch kind {
        case let .predefined(op):
            let traits = datatype.reduction
            guard traits.basicSize > 0 else { return }  // `check` refused it, or it has no data
            Reduction.apply(op, traits.kernel, basicCount: count * datatype.size / traits.basicSize, input, output)
        case .user:
            guard let function else { return }
            if datatype.isPackedAsIs {
                function(input, output, count, datatype)
                return
            }
            // The program's function expects its datatype's memory layout: copies that
            // cover the data's footprint, which may start before the elements' address.
            let footprint = datatype.footprint(count)
            let left = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(footprint.count, 1), alignment: 16)
            let right = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(footprint.count, 1), alignment: 16)
            defer { left.deallocate(); right.deallocate() }
            let leftStart = left - footprint.lowerBound, rightStart = right - footprint.lowerBound
            datatype.unpack(count, from: input, into: leftStart)
            datatype.unpack(count, from: output, into: rightStart)
            function(leftStart, rightStart, count, datatype)
            datatype.pack(count, from: rightStart, into: output)
        case .replace, .noOp:
            break  // `check` refused them
        }
    }
}
