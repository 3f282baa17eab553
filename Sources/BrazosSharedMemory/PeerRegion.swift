import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The shared region of another node of this host, mapped here from its memory file
/// (found through `/proc/PID/fd`): its pages read-only, its sharing bitmap writable. A
/// fault on a page that node is home of copies the page from here instead of asking the
/// node's service thread for it (pages.c says how the home learns of the copy).
///
/// Unchecked: every stored property is a `let` set in init; the mappings stay until the
/// object goes, and the page table that uses them keeps the object (`CoherenceService`).
final class PeerRegion: @unchecked Sendable {
    let pages: UnsafePointer<UInt8>
    let sharedBits: UnsafeMutablePointer<UInt64>
    let sharedSummary: UnsafeMutablePointer<UInt64>
    private let size: Int
    private let sharing: Int

    /// Maps the region of process `pid`, `size` bytes of pages like this node's; nil if
    /// the process has no such region or this process may not open it (another user).
    init?(pid: Int32, size: Int) {
        let pageCount = size / SharedRegion.pageSize
        sharing = SharedRegion.sharingBytes(pages: pageCount)
        self.size = size
        guard let path = Self.regionFile(of: pid) else { return nil }
        let file = open(path, O_RDWR | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0, Int(status.st_size) == size + sharing else { return nil }
        guard let pages = mmap(nil, size, PROT_READ, MAP_SHARED | MAP_NORESERVE, file, 0), pages != MAP_FAILED else { return nil }
        guard let bits = mmap(nil, sharing, PROT_READ | PROT_WRITE, MAP_SHARED, file, off_t(size)), bits != MAP_FAILED else {
            munmap(pages, size)
            return nil
        }
        self.pages = UnsafePointer(pages.assumingMemoryBound(to: UInt8.self))
        sharedBits = bits.assumingMemoryBound(to: UInt64.self)
        sharedSummary = sharedBits + brazos_pages_shared_words(pageCount)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: pages), size)
        munmap(sharedBits, sharing)
    }

    /// `/proc/PID/fd/N` of the process's region file, if it has one.
    private static func regionFile(of pid: Int32) -> String? {
        let directory = "/proc/\(pid)/fd"
        guard let listing = opendir(directory) else { return nil }
        defer { closedir(listing) }
        let wanted = "/memfd:\(SharedRegion.fileName) "
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true else { continue }
            var target = [CChar](repeating: 0, count: 256)
            let length = readlink("\(directory)/\(name)", &target, target.count - 1)
            guard length > 0 else { continue }
            let text = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(wanted) { return "\(directory)/\(name)" }
        }
        return nil
    }
}
