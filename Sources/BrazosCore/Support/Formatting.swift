/// One decimal place, without Foundation.
package func format1(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}

/// A span of time as people read it: milliseconds below ten seconds, else seconds.
package func formatDuration(_ seconds: Double) -> String {
    seconds < 10 ? "\(Int((seconds * 1000).rounded())) ms" : "\(format1(seconds)) s"
}
