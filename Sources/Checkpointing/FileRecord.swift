/// How a file that checkpoints keep is opened (`SharedMemory.openFile`); a restart must
/// open it the same way.
public enum FileMode: String, Codable, Sendable {
    /// Read only, from the start.
    case read
    /// Created or emptied, written from the start.
    case write
    /// Created if missing, every write at the end.
    case append
    /// Created if missing, read and written from the start.
    case readWrite
}

/// What a checkpoint keeps of a rank's open file (the `files R` section).
package struct FileRecord: Codable, Equatable, Sendable {
    package var path: String
    package var mode: FileMode
    package var offset: Int
    package var size: Int

    package init(path: String, mode: FileMode, offset: Int, size: Int) {
        self.path = path
        self.mode = mode
        self.offset = offset
        self.size = size
    }
}
