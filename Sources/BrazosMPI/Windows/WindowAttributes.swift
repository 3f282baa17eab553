/// A window's attributes (`MPI_Win_set_attr` and the rest): values under keys made for
/// windows, kept in the window, their delete callbacks run at `free` (last set first).
/// The predefined ones (`MPI_WIN_BASE` and the rest) are the window's queries.
extension Window {
    /// `MPI_Win_set_attr`: a value already set with `keyval` is deleted first.
    public func setAttribute(_ keyval: Keyval, _ value: Int) throws(MPIError) {
        try Self.checkKind(keyval)
        // The callback runs outside any access to the list: it may read the attributes.
        if let old = attributes.value(keyval) { try keyval.delete?(.window(self), keyval, old) }
        _ = attributes.set(keyval, value)
    }

    /// `MPI_Win_get_attr`: nil if none is set.
    public func attribute(_ keyval: Keyval) throws(MPIError) -> Int? {
        try Self.checkKind(keyval)
        return attributes.value(keyval)
    }

    /// `MPI_Win_delete_attr`: runs the delete callback; if it fails the value stays.
    public func deleteAttribute(_ keyval: Keyval) throws(MPIError) {
        try Self.checkKind(keyval)
        guard let value = attributes.value(keyval) else { return }
        // The callback runs outside any access to the list: it may read the attributes.
        try keyval.delete?(.window(self), keyval, value)
        attributes.remove(keyval)
    }

    func deleteAllAttributes() throws(MPIError) {
        for (keyval, _) in attributes.entries.reversed() { try deleteAttribute(keyval) }
    }

    private static func checkKind(_ keyval: Keyval) throws(MPIError) {
        guard keyval.kind == .window else { throw MPIError(.keyval, "keyval \(keyval.id) is not a window key") }
    }
}
