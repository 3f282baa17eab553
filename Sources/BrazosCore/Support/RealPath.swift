#if canImport(Glibc)
import Glibc
#endif

/// `path` with every symbolic link, `.` and `..` resolved, or `path` itself when it cannot
/// be (it does not exist): a checkpoint records its program by the path it was started
/// with, and a restart or a rerun names the same program however it is reached.
package func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}
