/// Slurm's per-node counts, as in `SLURM_TASKS_PER_NODE` or `SLURM_JOB_CPUS_PER_NODE`:
/// `2(x3),1` is 2, 2, 2, 1 (one count per node of the host list, in its order).
public enum SlurmTaskCounts {
    public static func expand(_ text: String) throws(BrazosError) -> [Int] {
        var counts: [Int] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            var count = entry, repeats = 1
            if let open = entry.firstIndex(of: "(") {
                guard entry.last == ")", entry[open...].hasPrefix("(x"),
                      let times = Int(entry[entry.index(open, offsetBy: 2)..<entry.index(before: entry.endIndex)]), times > 0 else {
                    throw .configuration("'\(text)': '\(entry)' is not a count such as 2 or 2(x3)")
                }
                count = entry[..<open]
                repeats = times
            }
            guard let number = Int(count), number > 0 else { throw .configuration("'\(text)': '\(entry)' is not a count such as 2 or 2(x3)") }
            guard counts.count + repeats <= SlurmHostList.maximumHosts else {
                throw .configuration("'\(text)' counts more than \(SlurmHostList.maximumHosts) nodes")
            }
            counts += Array(repeating: number, count: repeats)
        }
        return counts
    }
}
