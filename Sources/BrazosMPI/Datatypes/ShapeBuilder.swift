/// Adds up the blocks of a new datatype into its `Datatype.Shape`: size, bounds, basic
/// type and density, with every sum and product checked for overflow (`.count`).
struct ShapeBuilder {
    private enum Basic { case none, one(BasicType), mixed }

    private let name: String
    private var size = 0, basicCount = 0, external32Size = 0
    private var bounds: (lower: Int, upper: Int)?
    private var trueBounds: (lower: Int, upper: Int)?
    private var basic = Basic.none
    /// Just past the data so far while it is one run in order; nil once it is not.
    private var denseEnd: Int? = nil
    private var isDense = true
    private var alignment = 1
    private var hasExplicitBounds = false

    init(_ name: String) { self.name = name }

    /// Adds `count` elements of `type`, the first at `offset`, one extent apart.
    mutating func add(_ count: Int, of type: Datatype, at offset: Int) throws(MPIError) {
        guard count > 0 else { return }
        alignment = Swift.max(alignment, type.alignment)
        hasExplicitBounds = hasExplicitBounds || type.hasExplicitBounds
        let last = try product(count - 1, type.extent)
        let lower = try sum(try sum(offset, type.lowerBound), Swift.min(0, last))
        let upper = try sum(try sum(offset, type.upperBound), Swift.max(0, last))
        bounds = bounds.map { (Swift.min($0.lower, lower), Swift.max($0.upper, upper)) } ?? (lower, upper)
        size = try sum(size, try product(count, type.size))
        basicCount = try sum(basicCount, try product(count, type.basicCount))
        external32Size = try sum(external32Size, try product(count, type.external32Size))
        guard type.size > 0 else { return }
        let trueLower = try sum(try sum(offset, type.trueLowerBound), Swift.min(0, last))
        let trueUpper = try sum(try sum(try sum(offset, type.trueLowerBound), type.trueExtent), Swift.max(0, last))
        trueBounds = trueBounds.map { (Swift.min($0.lower, trueLower), Swift.max($0.upper, trueUpper)) } ?? (trueLower, trueUpper)
        switch (basic, type.basic) {
        case (.none, let one?): basic = .one(one)
        case (.one(let current), let one?) where current == one: break
        default: basic = .mixed
        }
        let start = offset + type.trueLowerBound
        if isDense, type.isDense, count == 1 || type.extent == type.size, denseEnd.map({ $0 == start }) ?? true {
            denseEnd = start + count * type.size
        } else {
            isDense = false
        }
    }

    /// Adds `blocks` blocks of `length` elements of `type`, block starts `stride` bytes
    /// apart, in time independent of `blocks`: bounds are the first and the last block's.
    mutating func addBlocks(_ blocks: Int, of length: Int, _ type: Datatype, stride: Int) throws(MPIError) {
        guard blocks > 0, length > 0 else { return }
        if try stride == product(length, type.extent) {
            return try add(try product(blocks, length), of: type, at: 0)
        }
        try add(length, of: type, at: 0)
        guard blocks > 1 else { return }
        try add(length, of: type, at: try product(blocks - 1, stride))
        guard blocks > 2 else { return }
        let middle = try product(blocks - 2, length)
        size = try sum(size, try product(middle, type.size))
        basicCount = try sum(basicCount, try product(middle, type.basicCount))
        external32Size = try sum(external32Size, try product(middle, type.external32Size))
        if type.size > 0 { isDense = false }
    }

    /// The shape of `layout` with the blocks added; an empty type has all bounds 0. With
    /// `padded` (a struct), the extent is rounded up to the alignment of the basic types,
    /// as a C struct's size is, unless a part's bounds were set explicitly.
    func shape(_ layout: Layout, padded: Bool = false) -> Datatype.Shape {
        var bounds = bounds ?? (0, 0)
        let trueBounds = trueBounds ?? (0, 0)
        let excess = (bounds.upper - bounds.lower) % alignment
        if padded, !hasExplicitBounds, excess != 0 { bounds.upper += alignment - excess }
        var one: BasicType? = nil
        if case let .one(type) = basic { one = type }
        return Datatype.Shape(layout: layout, size: size, lowerBound: bounds.lower, upperBound: bounds.upper,
                              trueLowerBound: trueBounds.lower, trueUpperBound: trueBounds.upper, basicCount: basicCount,
                              external32Size: external32Size, basic: one, isDense: isDense,
                              alignment: alignment, hasExplicitBounds: hasExplicitBounds)
    }

    func product(_ left: Int, _ right: Int) throws(MPIError) -> Int {
        let (result, overflow) = left.multipliedReportingOverflow(by: right)
        guard !overflow else { throw MPIError(.count, "\(name) is larger than any memory (\(left) x \(right) overflows)") }
        return result
    }

    func sum(_ left: Int, _ right: Int) throws(MPIError) -> Int {
        let (result, overflow) = left.addingReportingOverflow(right)
        guard !overflow else { throw MPIError(.count, "\(name) is larger than any memory (\(left) + \(right) overflows)") }
        return result
    }
}
