/*
 * MPI_Abort ends the whole job with a non-zero exit status, even though the
 * other ranks are blocked in a receive that will never be matched.
 * testlist marks this test "expect=fail": it passes when the job exits non-zero
 * and stdout is exactly the one line rank 0 prints before aborting.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, buf;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        printf(" Calling MPI_Abort with error code 3\n");
        fflush(stdout);
        MPI_Abort(MPI_COMM_WORLD, 3);
        /* Not reached. */
        printf(" MPI_Abort returned\n");
        fflush(stdout);
    } else {
        MPI_Recv(&buf, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf(" rank %d received a message nobody sent\n", rank);
        fflush(stdout);
    }
    MPI_Finalize();
    return 0;
}
