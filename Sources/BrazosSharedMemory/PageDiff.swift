/// The bytes of a page that changed since its twin was taken, exact to the byte: a diff
/// applied to the home's copy changes exactly the bytes this node wrote, so writers of
/// different bytes of one page merge. Two encodings, whichever is shorter, after a tag
/// byte: runs of (offset: UInt16, length: UInt16, bytes), or a bitmap of changed bytes
/// (512 bytes) followed by those bytes (scattered writes; at most 4609 bytes in all).
enum PageDiff {
    static let runs: UInt8 = 0, bitmap: UInt8 = 1
    static let bitmapSize = SharedRegion.pageSize / 8

    /// Encodes where `page` differs from `twin` (both one page).
    static func make(page: UnsafeRawPointer, twin: UnsafeRawPointer) -> [UInt8] {
        let size = SharedRegion.pageSize
        var encoded: [UInt8] = [runs]
        var changed = 0
        var index = 0
        while index < size {
            // Equal words are skipped a word at a time.
            if index & 7 == 0 && page.load(fromByteOffset: index, as: UInt64.self) == twin.load(fromByteOffset: index, as: UInt64.self) {
                index += 8
                continue
            }
            guard page.load(fromByteOffset: index, as: UInt8.self) != twin.load(fromByteOffset: index, as: UInt8.self) else {
                index += 1
                continue
            }
            let start = index
            while index < size && page.load(fromByteOffset: index, as: UInt8.self) != twin.load(fromByteOffset: index, as: UInt8.self) {
                index += 1
            }
            changed += index - start
            withUnsafeBytes(of: UInt16(start).littleEndian) { encoded += $0 }
            withUnsafeBytes(of: UInt16(index - start).littleEndian) { encoded += $0 }
            encoded += UnsafeRawBufferPointer(start: page + start, count: index - start)
        }
        guard encoded.count > 1 + bitmapSize + changed else { return encoded }
        var mask = [UInt8](repeating: 0, count: bitmapSize)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(changed)
        for offset in 0..<size where page.load(fromByteOffset: offset, as: UInt8.self) != twin.load(fromByteOffset: offset, as: UInt8.self) {
            mask[offset >> 3] |= 1 << (offset & 7)
            bytes.append(page.load(fromByteOffset: offset, as: UInt8.self))
        }
        return [bitmap] + mask + bytes
    }

    /// Writes the changed bytes of `diff` into `page`; throws on a malformed diff (nothing
    /// past the page is ever written).
    static func apply(_ diff: [UInt8], to page: UnsafeMutableRawPointer) throws(SharedMemoryError) {
        guard let tag = diff.first else { throw .malformed("empty diff") }
        if tag == bitmap {
            guard diff.count >= 1 + bitmapSize else { throw .malformed("diff bitmap cut short") }
            var next = 1 + bitmapSize
            for offset in 0..<SharedRegion.pageSize where diff[1 + offset >> 3] & (1 << (offset & 7)) != 0 {
                guard next < diff.count else { throw .malformed("diff bitmap names more bytes than it carries") }
                page.storeBytes(of: diff[next], toByteOffset: offset, as: UInt8.self)
                next += 1
            }
            return
        }
        guard tag == runs else { throw .malformed("unknown diff encoding \(tag)") }
        var position = 1
        while position < diff.count {
            guard position + 4 <= diff.count else { throw .malformed("diff ends inside a run header") }
            let offset = Int(UInt16(diff[position]) | UInt16(diff[position + 1]) << 8)
            let length = Int(UInt16(diff[position + 2]) | UInt16(diff[position + 3]) << 8)
            position += 4
            guard offset + length <= SharedRegion.pageSize, position + length <= diff.count else {
                throw .malformed("diff run \(offset)+\(length) outside the page or the message")
            }
            diff.withUnsafeBytes { (page + offset).copyMemory(from: $0.baseAddress! + position, byteCount: length) }
            position += length
        }
    }
}
