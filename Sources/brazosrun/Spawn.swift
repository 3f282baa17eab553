import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// Starts a process with posix_spawnp, optionally sending its standard output and error
/// into a pipe (for tagged output). Returns the pid and the pipe's reading end.
func spawn(_ arguments: [String], environment: [String], captureOutput: Bool) throws(BrazosError) -> (pid: pid_t, output: Int32?) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var pipeEnds: [Int32] = [-1, -1]
    if captureOutput {
        guard pipe(&pipeEnds) == 0 else { throw .lastSystemError("pipe") }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Children start with default handling of every signal and none blocked, whatever
    // this launcher does with them.
    var defaults = sigset_t()
    sigfillset(&defaults)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    // Each in a process group of its own: a signal to brazosrun's group (Ctrl-C, `timeout`)
    // reaches brazosrun alone, which decides what the nodes get. A node signalled
    // directly is a node's own notice (a power failure), not the job's.
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer { for p in argv + envp { free(p) } }
    var pid = pid_t()
    let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
    if captureOutput { close(pipeEnds[1]) }
    guard rc == 0 else {
        if captureOutput { close(pipeEnds[0]) }
        throw .system(call: "posix_spawnp(\(arguments[0]))", errno: rc)
    }
    return (pid, captureOutput ? pipeEnds[0] : nil)
}

/// Copies a node's output to ours line by line, each line prefixed with `prefix`.
func forwardTagged(_ descriptor: Int32, prefix: String) {
    var pending: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    func emit(_ line: ArraySlice<UInt8>) {
        let bytes = Array(prefix.utf8) + line + [10]
        bytes.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
    }
    while true {
        let n = read(descriptor, &chunk, chunk.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        pending += chunk[0..<n]
        while let newline = pending.firstIndex(of: 10) {
            emit(pending[..<newline])
            pending.removeSubrange(...newline)
        }
    }
    if !pending.isEmpty { emit(pending[...]) }
    close(descriptor)
}
