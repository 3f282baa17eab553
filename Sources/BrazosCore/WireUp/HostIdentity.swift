#if canImport(Glibc)
import Glibc
#endif

/// Which nodes can share memory: the same kernel boot and the same network namespace
/// (nodes in different namespaces are different hosts to us, as in the tests).
public enum HostIdentity {
    /// This host's key: boot id and network namespace. Nodes with equal keys can share memory.
    public static var key: String {
        let boot = readFirstLine("/proc/sys/kernel/random/boot_id") ?? "noboot"
        var namespace = [CChar](repeating: 0, count: 128)
        let n = readlink("/proc/self/ns/net", &namespace, namespace.count - 1)
        let net = n > 0 ? String(decoding: namespace[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "nonet"
        let digits = net.filter(\.isNumber)
        return boot.filter { $0 != "-" }.prefix(16) + "-" + digits
    }

    /// The host name, without the characters node cards use as separators (`;`, `=`, `|`).
    public static var name: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .filter { $0 != ";" && $0 != "=" && $0 != "|" }
    }

    static func readFirstLine(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
