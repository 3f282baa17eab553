import BrazosMPI
import CMPI

/// A new info object holding `entries`, in order: what `MPI_Session_get_info`,
/// `MPI_Session_get_pset_info`, `MPI_Abi_get_info` and `MPI_Get_hw_resource_info` hand
/// back for the program to free.
func newInfo(_ entries: [(key: String, value: String)]) throws(MPIError) -> MPI_Info? {
    let info = Info()
    for (key, value) in entries { try info.set(key, value) }
    return Handles.infos.add(info)
}
