import BrazosCore
import BrazosMPI
import CMPI

/// `MPIX_Checkpoint_point` (brazos-mpix.h): a point where a checkpoint may be taken,
/// collective over every rank; one is taken only when brazosrun asked for it (SIGUSR1,
/// `brazosrun checkpoint JOB`, `--checkpoint-every`), saving what `VELOC_Checkpoint`
/// saves under VeloC's `name` and `version`. Without `VELOC_Init`, it saves no region.
@_cdecl("MPIX_Checkpoint_point")
public func mpixCheckpointPoint(_ comm: MPI_Comm?, _ name: UnsafePointer<CChar>?, _ version: Int32, _ taken: UnsafeMutablePointer<Int32>?) -> Int32 {
    mpiCall("MPIX_Checkpoint_point", on: comm) { () throws(MPIError) in
        let rank = try Runtime.rank()
        let communicator = try Handles.communicator(comm)
        guard !communicator.isIntercommunicator, communicator.size == rank.world.size else {
            throw MPIError(.comm, "the communicator has \(communicator.size) of the job's \(rank.world.size) ranks: Brazos checkpoints are job-wide")
        }
        guard let name else { throw MPIError(.arg, "the checkpoint's name is a null pointer") }
        let client: VelocClient
        do {
            client = try VelocClient.started()
        } catch {
            client = try VelocClient.implicit(rank: rank)
        }
        do {
            let took = try client.checkpointIfAsked(String(cString: name), version: Int(version))
            taken?.pointee = took ? 1 : 0
        } catch {
            throw MPIError(.other, "\(error)")
        }
    }
}
