/// The pages of memory a buffer touches, numbered from the one holding its first byte:
/// page `i` holds the buffer's bytes `bytes(i)`. Only its first and last page can be
/// partial (shared with other memory); the others are `whole`.
struct PageLayout {
    static let pageSize = SavedSection.pageSize
    /// The address of the first page.
    let base: UInt
    /// Where the buffer starts within its first page.
    let lead: Int
    let size: Int

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        let start = UInt(bitPattern: buffer.baseAddress)
        lead = Int(start % UInt(Self.pageSize))
        base = start - UInt(lead)
        size = buffer.count
    }

    var count: Int { size == 0 ? 0 : (lead + size + Self.pageSize - 1) / Self.pageSize }

    func bytes(_ page: Int) -> Range<Int> {
        max(0, page * Self.pageSize - lead)..<min(size, (page + 1) * Self.pageSize - lead)
    }

    /// The bytes of consecutive pages.
    func bytes(_ pages: Range<Int>) -> Range<Int> {
        bytes(pages.lowerBound).lowerBound..<bytes(pages.upperBound - 1).upperBound
    }

    var whole: Range<Int> {
        let first = lead == 0 ? 0 : 1
        return first..<max(first, (lead + size) / Self.pageSize)
    }

    func addresses(_ pages: Range<Int>) -> Range<UInt> {
        let start = base + UInt(pages.lowerBound * Self.pageSize)
        return start..<(start + UInt(pages.count * Self.pageSize))
    }
}
