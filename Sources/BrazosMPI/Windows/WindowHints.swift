/// A window's info hints (MPI 4.1 §12.2.1): the keys MPI defines for windows, with the
/// standard's defaults where it gives one, as `MPI_Win_get_info` reports them. Other keys
/// are dropped, as MPICH does; Brazos takes every hint as a promise it need not act on.
struct WindowHints {
    private static let defaults: [(key: String, value: String)] = [
        ("no_locks", "false"), ("accumulate_ordering", "rar,raw,war,waw"), ("accumulate_ops", "same_op_no_op"),
        ("mpi_accumulate_granularity", "0"), ("same_size", "false"), ("same_disp_unit", "false"),
    ]
    private static let known = Set(defaults.map(\.key) + ["alloc_shared_noncontig"])

    private(set) var pairs: [(key: String, value: String)] = defaults

    /// The defaults, then what `info` says of the known keys.
    init(_ info: Info) {
        update(with: info)
    }

    /// `MPI_Win_set_info`: the known keys `info` holds take its values; the rest stay.
    mutating func update(with info: Info) {
        for (key, value) in info.pairs where Self.known.contains(key) {
            if let index = pairs.firstIndex(where: { $0.key == key }) { pairs[index].value = value } else { pairs.append((key, value)) }
        }
    }

    var info: Info { Info(pairs) }
}
