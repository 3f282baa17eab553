#if canImport(Glibc)
import Glibc
#endif

/// Files that are either whole or absent: written to a temporary name (mode 0600),
/// fsynced, renamed into place, and the directory fsynced, so a crash at any moment
/// leaves the old state or the new one, never half of one.
enum DurableFile {
    /// A file being written: nothing appears under `path` until `commit`.
    final class Writer {
        let path: String
        private let temporary: String
        private var descriptor: Int32
        private(set) var size = 0

        init(path: String) throws(CheckpointError) {
            self.path = path
            temporary = path + ".tmp"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw .system(call: "open", path: temporary, errno: errno) }
        }

        deinit {
            // Never committed: the temporary file goes.
            if descriptor >= 0 {
                close(descriptor)
                unlink(temporary)
            }
        }

        func append(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw .system(call: "write", path: temporary, errno: errno)
                }
                offset += written
            }
            size += bytes.count
        }

        func append(_ bytes: [UInt8]) throws(CheckpointError) {
            try withBytes(of: bytes) { (buffer) throws(CheckpointError) in try append(buffer) }
        }

        /// Makes the file durable under its name.
        func commit() throws(CheckpointError) {
            guard fsync(descriptor) == 0 else { throw .system(call: "fsync", path: temporary, errno: errno) }
            close(descriptor)
            descriptor = -1
            guard rename(temporary, path) == 0 else { throw .system(call: "rename", path: path, errno: errno) }
            try DurableFile.syncDirectory(of: path)
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(CheckpointError) {
        let writer = try Writer(path: path)
        try writer.append(bytes)
        try writer.commit()
    }

    /// Copies `source` to `path` durably, a chunk at a time.
    static func copy(_ source: String, to path: String) throws(CheckpointError) {
        let descriptor = open(source, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(call: "open", path: source, errno: errno) }
        defer { close(descriptor) }
        let writer = try Writer(path: path)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { chunk.deallocate() }
        while true {
            let count = Glibc.read(descriptor, chunk.baseAddress!, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(call: "read", path: source, errno: errno)
            }
            if count == 0 { break }
            try writer.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        try writer.commit()
    }

    static func read(_ path: String) throws(CheckpointError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        var bytes = [UInt8]()
        if fstat(descriptor, &info) == 0 { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(call: "read", path: path, errno: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    static func makeDirectory(_ path: String) throws(CheckpointError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw .system(call: "mkdir", path: partial, errno: errno)
            }
        }
    }

    static func syncDirectory(of path: String) throws(CheckpointError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(call: "open", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .system(call: "fsync", path: directory, errno: errno) }
    }
}

/// `withUnsafeBytes` whose body throws `CheckpointError` (the standard one rethrows
/// untyped errors).
func withBytes<Result>(of bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CheckpointError) -> Result) throws(CheckpointError) -> Result {
    try bytes.withUnsafeBytes { buffer in Swift.Result { () throws(CheckpointError) in try body(buffer) } }.get()
}
