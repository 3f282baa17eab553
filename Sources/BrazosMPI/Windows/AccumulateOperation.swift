/// What an accumulate does at the target with the origin's elements: one of the
/// predefined reductions, `MPI_REPLACE` (a put whose elements are atomic), or `MPI_NO_OP`
/// (nothing: a get-accumulate with it is an atomic get).
enum AccumulateOperation: Equatable {
    case reduce(Op.Predefined)
    case replace
    case noOp

    private static let reductions: [Op.Predefined] = [.sum, .prod, .min, .max, .land, .lor, .lxor, .band, .bor, .bxor, .minloc, .maxloc]

    /// The operation `op` stands for; a program's own operation is `MPI_ERR_OP` (MPI
    /// allows only predefined ones in accumulates).
    init(_ op: Op) throws(MPIError) {
        switch op.kind {
        case let .predefined(predefined): self = .reduce(predefined)
        case .replace: self = .replace
        case .noOp: self = .noOp
        case .user: throw MPIError(.op, "one-sided accumulates take predefined operations only, not a \(op)")
        }
    }

    init?(code: UInt8) {
        switch code {
        case 0: self = .replace
        case 1: self = .noOp
        case 2..<UInt8(2 + Self.reductions.count): self = .reduce(Self.reductions[Int(code) - 2])
        default: return nil
        }
    }

    var code: UInt8 {
        switch self {
        case .replace: return 0
        case .noOp: return 1
        case let .reduce(op): return UInt8(2 + Self.reductions.firstIndex(of: op)!)
        }
    }

    /// Whether it applies to elements of `value`.
    func isDefined(on value: BasicType.Value) -> Bool {
        guard case let .reduce(op) = self else { return true }
        return Reduction.isDefined(op, on: value)
    }

    /// `MPI_ERR_OP` unless it applies to elements of `value`.
    func check(on value: BasicType.Value, name: String) throws(MPIError) {
        guard case let .reduce(op) = self, !Reduction.isDefined(op, on: value) else { return }
        throw MPIError(.op, "\(op.rawValue) is not defined on \(name)")
    }

    /// `target[i] = origin[i] op target[i]` for `count` packed elements of `value`.
    func apply(_ value: BasicType.Value, count: Int, origin: UnsafeRawPointer, target: UnsafeMutableRawPointer) {
        switch self {
        case .replace: target.copyMemory(from: origin, byteCount: count * BasicType.valueSize(value))
        case .noOp: break
        case let .reduce(op): Reduction.apply(op, value, basicCount: count, origin, target)
        }
    }
}
