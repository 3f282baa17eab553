import BrazosMPI

/// Files a thread writes itself and a checkpoint keeps (`VELOC_Route_file`): the thread
/// routes a file into the next checkpoint, which reads and keeps its bytes; after a
/// restart the thread asks for them by the name it gave.
extension Checkpoints {
    /// The next checkpoint this thread takes part in keeps the file at `path` (read then,
    /// whole) as `name`; routing `name` again replaces the path. Without a checkpoint
    /// directory it does nothing.
    public func route(_ path: String, as name: String, by thread: BrazosThread) {
        node?.routedFiles.route(rank: thread.rank, name: name, path: path)
    }

    /// After a restart: the bytes of the file this thread routed as `name` into the
    /// checkpoint the job restarted from; nil when it starts afresh or routed no such file.
    public func routedFile(_ name: String, by thread: BrazosThread) -> [UInt8]? {
        node?.routedFiles(rank: thread.rank).first { $0.name == name }?.bytes
    }
}
