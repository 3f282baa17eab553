import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// The shared region of a node: a range at the same virtual address in every node,
/// backed by a memory file mapped twice. The application view is what programs use; its
/// page protections drive the coherence protocol. The service view, elsewhere and always
/// readable and writable, is how the runtime fills, reads and diffs pages without
/// changing what the application may touch. Past the pages, the file holds the node's
/// sharing bitmap and its summary, which other nodes of the host set when they copy a
/// page straight from the file (`PeerRegion`).
///
/// Unchecked: every stored property is a `let` set in init (the views' addresses, the
/// size, the memory file); the pages behind the pointers are ordered by the coherence
/// protocol and the program's synchronisation, not by Swift, and the bitmaps are C atomics.
public final class SharedRegion: @unchecked Sendable {
    /// Bytes in a page, the unit of coherence.
    public static let pageSize = 4096
    /// Default base: far from where Linux puts the heap, libraries and stacks.
    public static let defaultBase: UInt = 0x2000_0000_0000
    /// Default size: 1 GiB (`BRAZOS_SHARED_BYTES` sets another).
    public static let defaultSize = 1 << 30

    /// Start of the application view, the same address in every node.
    public let base: UnsafeMutableRawPointer
    /// Bytes in the region, whole pages.
    public let size: Int
    /// Start of the service view: the same memory, always readable and writable, for the runtime only.
    public let serviceBase: UnsafeMutableRawPointer
    /// One bit a page: another node fetched it, so writes to it here need notices.
    let sharedBits: UnsafeMutablePointer<UInt64>
    /// One bit a word of `sharedBits`: set when a node of this host set a bit in it.
    let sharedSummary: UnsafeMutablePointer<UInt64>
    private let file: Int32

    /// The memory file's name, by which nodes of the host find it (`PeerRegion`).
    static let fileName = "brazos-shared"

    /// Bytes of the file past the pages: the sharing bitmap and its summary, whole pages.
    static func sharingBytes(pages: Int) -> Int {
        let words = brazos_pages_shared_words(pages) + brazos_pages_summary_words(pages)
        return (words * 8 + pageSize - 1) / pageSize * pageSize
    }

    /// Pages in the region.
    public var pageCount: Int { size / Self.pageSize }

    /// Maps the region at `base`; every page starts without access.
    public init(base address: UInt = SharedRegion.defaultBase, size: Int = SharedRegion.defaultSize) throws(SharedMemoryError) {
        precondition(size > 0 && size % Self.pageSize == 0 && address % UInt(Self.pageSize) == 0, "region must be whole pages")
        self.size = size
        let sharing = Self.sharingBytes(pages: size / Self.pageSize)
        file = brazos_memory_file(Self.fileName, size + sharing)
        guard file >= 0 else { throw .system(call: "memfd_create", errno: errno) }
        guard let mapped = brazos_map_fixed(UnsafeMutableRawPointer(bitPattern: address), size, PROT_NONE, file) else {
            let code = errno
            close(file)
            throw code == EEXIST ? .addressTaken(base: address, size: size) : .system(call: "mmap(fixed)", errno: code)
        }
        base = mapped
        guard let service = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, file, 0), service != MAP_FAILED else {
            let code = errno
            munmap(mapped, size)
            close(file)
            throw .system(call: "mmap(service view)", errno: code)
        }
        serviceBase = service
        guard let bits = mmap(nil, sharing, PROT_READ | PROT_WRITE, MAP_SHARED, file, off_t(size)), bits != MAP_FAILED else {
            let code = errno
            munmap(mapped, size)
            munmap(service, size)
            close(file)
            throw .system(call: "mmap(sharing bitmap)", errno: code)
        }
        sharedBits = bits.assumingMemoryBound(to: UInt64.self)
        sharedSummary = sharedBits + brazos_pages_shared_words(size / Self.pageSize)
    }

    deinit {
        munmap(base, size)
        munmap(serviceBase, size)
        munmap(sharedBits, Self.sharingBytes(pages: pageCount))
        close(file)
    }

    /// What the application may do with a page.
    public enum Access {
        case none, read, readWrite

        var protection: Int32 {
            switch self {
            case .none: return PROT_NONE
            case .read: return PROT_READ
            case .readWrite: return PROT_READ | PROT_WRITE
            }
        }
    }

    /// The page holding `address` (application view), or nil outside the region.
    public func page(containing address: UInt) -> Int? {
        let start = UInt(bitPattern: base)
        guard address >= start, address < start + UInt(size) else { return nil }
        return Int(address - start) / Self.pageSize
    }

    /// A page's bytes through the service view.
    public func servicePage(_ page: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: serviceBase + page * Self.pageSize, count: Self.pageSize)
    }

    /// A page's address in the application view.
    public func applicationPage(_ page: Int) -> UnsafeMutableRawPointer { base + page * Self.pageSize }
}
