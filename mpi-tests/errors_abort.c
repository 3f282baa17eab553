/*
 * MPI_ERRORS_ABORT (MPI 4; Open MPI 4.1 lacks it and uses MPI_ERRORS_ARE_FATAL here):
 * set on a dup of MPI_COMM_WORLD by rank 0 only, an error on that communicator ends
 * the job while rank 1 waits in a receive that is never matched (expected to exit
 * non-zero, and not to hang).  Two or more processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, value = 0;
    MPI_Comm dup;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    if (rank == 0) {
#ifdef MPI_ERRORS_ABORT
        MPI_Comm_set_errhandler(dup, MPI_ERRORS_ABORT);
#else
        MPI_Comm_set_errhandler(dup, MPI_ERRORS_ARE_FATAL);
#endif
        MPI_Send(&value, 1, MPI_INT, size, 0, dup);
    } else {
        MPI_Recv(&value, 1, MPI_INT, 0, 99, dup, MPI_STATUS_IGNORE);
    }
    /* Not reached. */
    MPI_Comm_free(&dup);
    return tu_finish();
}
