/* The C half of the CMake check: rank 0 collects a number from every rank. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int rank, size, sum = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int mine = 10 * (rank + 1);
    MPI_Reduce(&mine, &sum, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    /* MPI_VERSION tells whose mpi.h the program was compiled with. */
    if (rank == 0)
        printf("c: %d ranks, sum %d, mpi.h %d.%d\n", size, sum, MPI_VERSION, MPI_SUBVERSION);
    MPI_Finalize();
    return 0;
}
