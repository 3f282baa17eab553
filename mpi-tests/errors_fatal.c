/*
 * MPI_ERRORS_ARE_FATAL is the default error handler of MPI_COMM_WORLD: an
 * erroneous call (a send to a rank that does not exist) ends the job with a
 * non-zero exit status.  testlist marks this test "expect=fail"; stdout must be
 * exactly the line printed before the erroneous call.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, buf = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        printf(" Sending to rank %d of %d\n", size, size);
        fflush(stdout);
        MPI_Send(&buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD);
        printf(" MPI_Send to an invalid rank returned\n");
        fflush(stdout);
    } else {
        MPI_Recv(&buf, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Finalize();
    return 0;
}
