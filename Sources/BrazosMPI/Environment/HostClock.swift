#if canImport(Glibc)
import Glibc
#endif

extension Brazos {
    /// This host's name, as `gethostname` gives it (`MPI_Get_processor_name`): every rank
    /// of a node, and every node of a host, has the same.
    public static var processorName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The resolution in seconds of `wtime`'s clock (`MPI_Wtick`).
    public static func wtick() -> Double {
        var resolution = timespec()
        guard clock_getres(CLOCK_MONOTONIC, &resolution) == 0 else { return 1e-9 }
        return Double(resolution.tv_sec) + Double(resolution.tv_nsec) * 1e-9
    }
}
