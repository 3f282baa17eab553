import CMPI

/// The info object a call hands back (`MPI_Session_get_info`,
/// `MPI_Session_get_pset_info`, `MPI_Abi_get_info`, `MPI_Get_hw_resource_info`) with `entries`.
///
/// Info objects are the communicators part's: until the lead wires this function to
/// make one of `entries` (docs/notes/environment.md), it gives `MPI_INFO_NULL`.
func newInfo(_ entries: [(key: String, value: String)]) -> MPI_Info? {
    Handles.opaque(Handles.Value.infoNull)
}

extension Handles.Value {
    static let infoNull = 0x130
}
