/*
 * Under the default MPI_ERRORS_ARE_FATAL, a send from a null buffer (a mistake
 * the library must catch before it reads the buffer) ends the whole job with a
 * non-zero exit status and a message naming MPI_Send and MPI_ERR_BUFFER, not a
 * crash inside the library.  testlist marks this test "expect=fail"; stdout
 * must be exactly the line printed before the erroneous call.
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
        printf(" Sending 4 ints from a null buffer\n");
        fflush(stdout);
        MPI_Send(NULL, 4, MPI_INT, size - 1, 0, MPI_COMM_WORLD);
        printf(" MPI_Send from a null buffer returned\n");
        fflush(stdout);
    } else if (rank == size - 1) {
        MPI_Recv(&buf, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Finalize();
    return 0;
}
