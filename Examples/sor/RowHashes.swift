// The checksum sor prints: the FNV-1a 64 hash of each row's bytes (little-endian
// doubles), then the FNV-1a 64 hash of those row hashes' bytes in row order. Each thread
// hashes its own rows, so the check costs a node its share of the grid and no reads of
// other nodes' rows; the result does not depend on how the rows are split.
// mpi-tests/examples/sor.c computes the same.

let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

/// FNV-1a 64 of `count` bytes at `bytes`.
func fnv1a(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
    var hash = fnvOffset
    for k in 0..<count { hash = (hash ^ UInt64(bytes[k])) &* fnvPrime }
    return hash
}

/// Writes the hash of each row in `rows` of the `width`-double rows at `grid` into
/// `hashes[row]`. Four rows at a time: one row's hash is a serial chain of multiplies,
/// and four independent chains keep the core's multiplier busy (about 4x faster).
func hashRows(_ rows: Range<Int>, of grid: UnsafePointer<Double>, width: Int, into hashes: UnsafeMutablePointer<UInt64>) {
    let rowBytes = width * MemoryLayout<Double>.stride
    let bytes = UnsafeRawPointer(grid).assumingMemoryBound(to: UInt8.self)
    var row = rows.lowerBound
    while row &+ 4 <= rows.upperBound {
        let a = bytes + row &* rowBytes, b = a + rowBytes, c = b + rowBytes, d = c + rowBytes
        var ha = fnvOffset, hb = fnvOffset, hc = fnvOffset, hd = fnvOffset
        for k in 0..<rowBytes {
            ha = (ha ^ UInt64(a[k])) &* fnvPrime
            hb = (hb ^ UInt64(b[k])) &* fnvPrime
            hc = (hc ^ UInt64(c[k])) &* fnvPrime
            hd = (hd ^ UInt64(d[k])) &* fnvPrime
        }
        hashes[row] = ha
        hashes[row &+ 1] = hb
        hashes[row &+ 2] = hc
        hashes[row &+ 3] = hd
        row &+= 4
    }
    while row < rows.upperBound {
        hashes[row] = fnv1a(bytes + row &* rowBytes, count: rowBytes)
        row &+= 1
    }
}

/// The checksum of a grid from its row hashes.
func checksum(ofRowHashes hashes: UnsafePointer<UInt64>, rows: Int) -> UInt64 {
    let littleEndian = (0..<rows).map { hashes[$0].littleEndian }
    return littleEndian.withUnsafeBytes { fnv1a($0.bindMemory(to: UInt8.self).baseAddress!, count: $0.count) }
}
