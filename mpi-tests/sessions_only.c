/*
 * A program of the Sessions model alone, without MPI_Init: sessions can be opened,
 * finalized and opened again; MPI_Initialized and MPI_Finalized stay false
 * throughout; mpi://WORLD's group has the caller's rank, the same in two sessions,
 * and mpi://SELF one member; the process leaves the job as it exits.  With no
 * MPI_COMM_WORLD to sum the errors over, rank 0 prints the verdict of its own checks
 * and every process exits non-zero on an error.  Open MPI 4.1 has no sessions
 * (MPI_VERSION 3): there the world model prints the verdict.
 * Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
#if MPI_VERSION >= 4
    MPI_Session first, second;
    MPI_Group world, self;
    int flag = -1, size = -1, rank = -1, again = -1, round;

    for (round = 0; round < 2; round++) {
        MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &first);
        MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &second);
        CHECK(first != second && first != MPI_SESSION_NULL, "two sessions have one handle");
        MPI_Group_from_session_pset(first, "mpi://WORLD", &world);
        MPI_Group_size(world, &size);
        MPI_Group_rank(world, &rank);
        CHECK(size >= 1 && rank >= 0 && rank < size, "rank %d of %d in mpi://WORLD", rank, size);
        MPI_Group_free(&world);
        MPI_Group_from_session_pset(second, "mpi://WORLD", &world);
        MPI_Group_rank(world, &again);
        CHECK_INT(again, rank, "rank in mpi://WORLD of a second session");
        MPI_Group_free(&world);
        MPI_Group_from_session_pset(second, "mpi://SELF", &self);
        MPI_Group_size(self, &again);
        CHECK_INT(again, 1, "size of mpi://SELF");
        MPI_Group_free(&self);
        MPI_Session_finalize(&first);
        MPI_Session_finalize(&second);
        CHECK(first == MPI_SESSION_NULL && second == MPI_SESSION_NULL, "finalized sessions are not MPI_SESSION_NULL");
        MPI_Initialized(&flag);
        CHECK_INT(flag, 0, "MPI_Initialized in a program of sessions");
        MPI_Finalized(&flag);
        CHECK_INT(flag, 0, "MPI_Finalized in a program of sessions");
    }
    if (rank == 0)
        printf(tu_errs ? " Found %d errors\n" : " No Errors\n", tu_errs);
    return tu_errs ? 1 : 0;
#else
    MPI_Init(&argc, &argv);
    return tu_finish();
#endif
}
