/// Bytes a window access owns until it is done: the packed origin data of an access whose
/// datatype does not lie in memory as it travels, or the packed landing place of data
/// read back into such a type. Freed with the last reference.
final class PackedCopy {
    let pointer: UnsafeMutableRawPointer

    init(byteCount: Int) {
        pointer = .allocate(byteCount: Swift.max(byteCount, 1), alignment: 16)
    }

    deinit { pointer.deallocate() }
}
