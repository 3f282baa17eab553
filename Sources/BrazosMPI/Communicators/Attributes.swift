import BrazosCore

/// What an attribute hangs on; the callbacks are told which object they copy or delete for.
public enum AttributeOwner: Sendable {
    case communicator(Communicator)
    case datatype(Datatype)
    case window(Window)
}

/// An attribute key (`MPI_Comm_create_keyval`, `MPI_Type_create_keyval`): the number a
/// program names it by, the kind of object it may be set on, and what happens to its
/// values when that object is duplicated or freed. Attribute values are address-sized
/// integers (a C `void *`).
///
/// Freeing a key (`free()`) marks it freed; its number still finds it, so that values
/// set with it can be copied, read and deleted and their callbacks still run, as MPI
/// requires (freed keys stay in the registry: a key is a few words).
public final class Keyval: Sendable {
    public enum Kind: Sendable { case communicator, datatype, window }

    /// What a duplicate of the object gets.
    public enum Copy: Sendable {
        /// No value (`MPI_COMM_NULL_COPY_FN`, `MPI_TYPE_NULL_COPY_FN`, `MPI_NULL_COPY_FN`).
        case never
        /// The same value (`MPI_COMM_DUP_FN`, `MPI_TYPE_DUP_FN`, `MPI_DUP_FN`).
        case sameValue
        /// The program's function: the value for the copy, or nil for none.
        case custom(@Sendable (AttributeOwner, Keyval, Int) throws(MPIError) -> Int?)
    }

    /// Runs when a value is deleted, replaced, or its object freed; nil: nothing runs.
    public typealias Delete = @Sendable (AttributeOwner, Keyval, Int) throws(MPIError) -> Void

    /// The number the C interface hands out (`MPI_KEYVAL_INVALID` is 0, the predefined
    /// keys 501...507).
    public let id: Int
    public let kind: Kind
    let copy: Copy
    let delete: Delete?

    private init(id: Int, kind: Kind, copy: Copy, delete: Delete?) {
        self.id = id
        self.kind = kind
        self.copy = copy
        self.delete = delete
    }

    private struct Registry {
        var next = 0x1000
        var known: [Int: Keyval] = [:]
        var freed = Set<Int>()
    }

    private static let registry = Guarded(Registry())

    /// A new key for objects of `kind`.
    public static func create(kind: Kind, copy: Copy, delete: Delete?) -> Keyval {
        registry.withLock { registry in
            let keyval = Keyval(id: registry.next, kind: kind, copy: copy, delete: delete)
            registry.next += 1
            registry.known[keyval.id] = keyval
            return keyval
        }
    }

    /// The key numbered `id`, of `kind` (freed or not): `.keyval` otherwise (a predefined
    /// key is not one: see `PredefinedAttribute`).
    public static func find(_ id: Int, kind: Kind) throws(MPIError) -> Keyval {
        guard let keyval = registry.withLock({ $0.known[id] }) else {
            let what = PredefinedAttribute(rawValue: id) != nil ? "a predefined attribute key, which programs cannot set or delete" : "not a live attribute key"
            throw MPIError(.keyval, "keyval \(id) is \(what)")
        }
        guard keyval.kind == kind else { throw MPIError(.keyval, "keyval \(id) is a \(keyval.kind) key, not a \(kind) key") }
        return keyval
    }

    /// `MPI_Comm_free_keyval`, `MPI_Type_free_keyval`: a second free is `.keyval`.
    public func free() throws(MPIError) {
        let first = Keyval.registry.withLock { $0.freed.insert(id).inserted }
        guard first else { throw MPIError(.keyval, "keyval \(id) is freed already") }
    }

    /// The value a duplicate of `owner` gets for `value`, nil for none.
    func copied(_ value: Int, from owner: AttributeOwner) throws(MPIError) -> Int? {
        switch copy {
        case .never: return nil
        case .sameValue: return value
        case let .custom(function): return try function(owner, self, value)
        }
    }
}

/// The attributes MPI sets on every communicator (MPI 4.1 §11.2.7); the keys are the
/// standard ABI's numbers.
public enum PredefinedAttribute: Int, Sendable, CaseIterable {
    case tagUpperBound = 501, io, host, wtimeIsGlobal, appNumber, lastUsedCode, universeSize

    /// The value on a communicator of `worldSize` ranks: the largest tag; `MPI_IO` is
    /// `MPI_ANY_SOURCE` (every rank may do I/O); `MPI_HOST` is `MPI_PROC_NULL` (no host
    /// rank); clocks are not synchronised between nodes; one application, number 0; the
    /// universe is the job.
    public func value(worldSize: Int) -> Int {
        switch self {
        case .tagUpperBound: return MPI.tagUpperBound
        case .io: return MPI.anySource
        case .host: return MPI.procNull
        case .wtimeIsGlobal: return 0
        case .appNumber: return 0
        case .lastUsedCode: return Int(ErrorCodes.shared.lastUsedCode)
        case .universeSize: return worldSize
        }
    }
}

/// A list of attribute values kept in the order they were first set, so that callbacks
/// run in a predictable order.
struct AttributeList {
    private(set) var entries: [(keyval: Keyval, value: Int)] = []

    func value(_ keyval: Keyval) -> Int? { entries.first { $0.keyval === keyval }?.value }

    /// Sets the value; returns the one it replaced.
    mutating func set(_ keyval: Keyval, _ value: Int) -> Int? {
        if let index = entries.firstIndex(where: { $0.keyval === keyval }) {
            defer { entries[index].value = value }
            return entries[index].value
        }
        entries.append((keyval, value))
        return nil
    }

    mutating func remove(_ keyval: Keyval) {
        entries.removeAll { $0.keyval === keyval }
    }
}

// MARK: Communicators

extension Communicator {
    /// `MPI_Comm_set_attr`: a value already set with `keyval` is deleted first (its delete
    /// callback runs; if it fails, nothing changes).
    public func setAttribute(_ keyval: Keyval, _ value: Int) throws(MPIError) {
        try Self.checkKind(keyval)
        // The callback runs outside any access to the list: it may read the attributes.
        if let old = extras.attributes.value(keyval) { try keyval.delete?(.communicator(self), keyval, old) }
        _ = extras.attributes.set(keyval, value)
    }

    /// `MPI_Comm_get_attr`: nil if none is set.
    public func attribute(_ keyval: Keyval) throws(MPIError) -> Int? {
        try Self.checkKind(keyval)
        return extras.attributes.value(keyval)
    }

    /// A predefined attribute's value: every communicator has them (as in MPICH).
    public func attribute(_ predefined: PredefinedAttribute) -> Int {
        predefined.value(worldSize: engine.directory.rankCount)
    }

    /// `MPI_Comm_delete_attr`: runs the delete callback; if it fails the value stays.
    /// Deleting a value that is not set does nothing.
    public func deleteAttribute(_ keyval: Keyval) throws(MPIError) {
        try Self.checkKind(keyval)
        guard let value = extras.attributes.value(keyval) else { return }
        // The callback runs outside any access to the list: it may read the attributes.
        try keyval.delete?(.communicator(self), keyval, value)
        extras.attributes.remove(keyval)
    }

    /// Gives `copy` (a duplicate of this communicator) the values the copy callbacks give.
    func copyAttributes(to copy: Communicator) throws(MPIError) {
        for (keyval, value) in extras.attributes.entries {
            if let copied = try keyval.copied(value, from: .communicator(self)) { _ = copy.extras.attributes.set(keyval, copied) }
        }
    }

    /// Runs every delete callback, the last set first, before the communicator is freed
    /// (and, for `MPI_COMM_SELF`, when MPI is finalized); the first failure stops it (the
    /// values not yet deleted stay).
    public func deleteAllAttributes() throws(MPIError) {
        for (keyval, _) in extras.attributes.entries.reversed() { try deleteAttribute(keyval) }
    }

    private static func checkKind(_ keyval: Keyval) throws(MPIError) {
        guard keyval.kind == .communicator else { throw MPIError(.keyval, "keyval \(keyval.id) is not a communicator key") }
    }
}

// MARK: Datatypes

/// Datatypes' attributes, kept here (not in `Datatype`) so that the datatypes part's type
/// stays as it is: a table keyed by the datatype object, which `Type_dup` copies with
/// `copyAttributes(to:)` and `Type_free` empties with `deleteAllAttributes()`.
enum DatatypeAttributes {
    static let table = Guarded([ObjectIdentifier: AttributeList]())
}

extension Datatype {
    private var attributeKey: ObjectIdentifier { ObjectIdentifier(self) }

    private var attributes: AttributeList {
        DatatypeAttributes.table.withLock { $0[attributeKey] ?? AttributeList() }
    }

    /// `MPI_Type_set_attr`.
    public func setAttribute(_ keyval: Keyval, _ value: Int) throws(MPIError) {
        try Self.checkKind(keyval)
        if let old = attributes.value(keyval) { try keyval.delete?(.datatype(self), keyval, old) }
        DatatypeAttributes.table.withLock { table in _ = table[attributeKey, default: AttributeList()].set(keyval, value) }
    }

    /// `MPI_Type_get_attr`: nil if none is set.
    public func attribute(_ keyval: Keyval) throws(MPIError) -> Int? {
        try Self.checkKind(keyval)
        return attributes.value(keyval)
    }

    /// `MPI_Type_delete_attr`.
    public func deleteAttribute(_ keyval: Keyval) throws(MPIError) {
        try Self.checkKind(keyval)
        guard let value = attributes.value(keyval) else { return }
        try keyval.delete?(.datatype(self), keyval, value)
        DatatypeAttributes.table.withLock { table in
            table[attributeKey]?.remove(keyval)
            if table[attributeKey]?.entries.isEmpty == true { table[attributeKey] = nil }
        }
    }

    /// For `MPI_Type_dup`: gives `copy` the values the copy callbacks give.
    public func copyAttributes(to copy: Datatype) throws(MPIError) {
        for (keyval, value) in attributes.entries {
            if let copied = try keyval.copied(value, from: .datatype(self)) {
                DatatypeAttributes.table.withLock { table in _ = table[ObjectIdentifier(copy), default: AttributeList()].set(keyval, copied) }
            }
        }
    }

    /// For `MPI_Type_free`: runs every delete callback and forgets the type's attributes
    /// (its object may be reused by another type afterwards).
    public func deleteAllAttributes() throws(MPIError) {
        for (keyval, _) in attributes.entries.reversed() { try deleteAttribute(keyval) }
    }

    private static func checkKind(_ keyval: Keyval) throws(MPIError) {
        guard keyval.kind == .datatype else { throw MPIError(.keyval, "keyval \(keyval.id) is not a datatype key") }
    }
}
