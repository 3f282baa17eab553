import CBrazos

/// What a layer's pages looked like at the last checkpoint, as one 64-bit digest a page
/// (`brazos_page_digest`: 8 bytes a 4 KiB page, where a copy would cost the page): the
/// next checkpoint digests them again and saves only those whose digest changed.
package struct PageDigests {
    private var digests: [String: [UInt64]] = [:]

    package init() {}

    /// Digests the pages of area `key` (each at most a page long) and compares them with
    /// the last call's: which changed, every one for an area not seen before or seen
    /// with another number of pages. Remembers the new digests.
    package mutating func changes(of key: String, pages: [UnsafeRawBufferPointer]) -> [Bool] {
        let now = pages.map { brazos_page_digest($0.baseAddress!, $0.count) }
        defer { digests[key] = now }
        guard let before = digests[key], before.count == now.count else { return [Bool](repeating: true, count: now.count) }
        return zip(before, now).map { $0 != $1 }
    }

    /// The digests kept for area `key`, one a page; nil for an area not seen (or forgotten).
    package subscript(key: String) -> [UInt64]? {
        get { digests[key] }
        set { digests[key] = newValue }
    }

    /// Forgets the areas not in `keys` (a buffer no longer protected is new if protected again).
    package mutating func keep(only keys: Set<String>) {
        digests = digests.filter { keys.contains($0.key) }
    }
}

/// Copies of pages made at a checkpoint for the writer, in one allocation that goes once
/// the writer is done with them.
package final class StagedCopies {
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0

    /// Room for `bytes` bytes of copies.
    package init(bytes: Int) {
        buffer = .allocate(byteCount: max(bytes, 1), alignment: SavedSection.pageSize)
    }

    deinit { buffer.deallocate() }

    /// Copies `source` (whose pieces are consecutive in the copy) and returns the copy,
    /// valid while this object lives.
    package func copy(_ sources: [UnsafeRawBufferPointer]) -> UnsafeRawBufferPointer {
        let start = used
        for source in sources {
            UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + source.count)]).copyMemory(from: source)
            used += source.count
        }
        return UnsafeRawBufferPointer(rebasing: buffer[start..<used])
    }
}
