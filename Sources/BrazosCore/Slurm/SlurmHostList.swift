/// Slurm's compressed host lists, as in `SLURM_JOB_NODELIST`: `node[1-3,5]`,
/// `rack[1-2]-n[01-03]`, `login,gpu[07-09]`. Expanded here rather than by
/// `scontrol show hostnames`, so that brazosrun needs nothing of Slurm's but `srun`.
public enum SlurmHostList {
    /// A list longer than this is taken for a mistake rather than expanded.
    public static let maximumHosts = 65536

    /// The host names of `text`, in Slurm's order (each bracket expanded left to right,
    /// numbers keeping the zero padding of the range's first bound).
    public static func expand(_ text: String) throws(BrazosError) -> [String] {
        var hosts: [String] = []
        for entry in try topLevelEntries(text) {
            hosts += try expandEntry(entry, in: text)
            guard hosts.count <= maximumHosts else { throw .configuration("host list '\(text)' names more than \(maximumHosts) hosts") }
        }
        return hosts
    }

    /// The comma-separated entries outside brackets: `a[1,2],b` is `a[1,2]` and `b`.
    private static func topLevelEntries(_ text: String) throws(BrazosError) -> [Substring] {
        var entries: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "[":
                depth += 1
                guard depth == 1 else { throw .configuration("host list '\(text)': brackets inside brackets") }
            case "]":
                depth -= 1
                guard depth == 0 else { throw .configuration("host list '\(text)': ']' without '['") }
            case "," where depth == 0:
                entries.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        guard depth == 0 else { throw .configuration("host list '\(text)': '[' without ']'") }
        entries.append(text[start...])
        guard entries.allSatisfy({ !$0.isEmpty }) else { throw .configuration("host list '\(text)' has an empty entry") }
        return entries
    }

    /// One entry: its first bracket expanded, then the rest of it for each value.
    private static func expandEntry(_ entry: Substring, in text: String) throws(BrazosError) -> [String] {
        guard let open = entry.firstIndex(of: "[") else { return [String(entry)] }
        let close = entry[open...].firstIndex(of: "]")!  // topLevelEntries checked the pairs
        let prefix = entry[..<open], rest = entry[entry.index(after: close)...]
        let tails = try expandEntry(rest, in: text)
        var hosts: [String] = []
        for value in try expandRanges(entry[entry.index(after: open)..<close], in: text) {
            for tail in tails {
                hosts.append(prefix + value + tail)
                guard hosts.count <= maximumHosts else { throw .configuration("host list '\(text)' names more than \(maximumHosts) hosts") }
            }
        }
        return hosts
    }

    /// The inside of a bracket: `1-3,5` or `01-03`.
    private static func expandRanges(_ ranges: Substring, in text: String) throws(BrazosError) -> [String] {
        var values: [String] = []
        for range in ranges.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]) else {
                throw .configuration("host list '\(text)': '\(range)' is not a number or a range of numbers such as 1-3")
            }
            guard low <= high else { throw .configuration("host list '\(text)': the range '\(range)' runs backwards") }
            guard high - low < maximumHosts else { throw .configuration("host list '\(text)' names more than \(maximumHosts) hosts") }
            let width = bounds[0].count
            for number in low...high {
                let digits = String(number)
                values.append(String(repeating: "0", count: max(0, width - digits.count)) + digits)
            }
        }
        return values
    }
}
