/*
 * The profiling interface (MPI 4.1 chapter 15): the program defines its own MPI_Send,
 * MPI_Recv and MPI_Barrier, which count their calls and call the library's through
 * PMPI_Send, PMPI_Recv and PMPI_Barrier. The messages must still arrive, and the counts
 * must be those of the calls this program made (the library's own collectives never
 * call the program's wrappers). MPI_Pcontrol, the call for profiling tools, is accepted
 * at every level.
 */
#include "testutil.h"

static int sends, receives, barriers;

int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    sends++;
    return PMPI_Send(buf, count, datatype, dest, tag, comm);
}

int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    receives++;
    return PMPI_Recv(buf, count, datatype, source, tag, comm, status);
}

int MPI_Barrier(MPI_Comm comm)
{
    barriers++;
    return PMPI_Barrier(comm);
}

int main(int argc, char **argv)
{
    int rank, size, value, expected_sends, expected_receives, size_by_pmpi;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* A PMPI_ call is the MPI_ one under its other name. */
    PMPI_Comm_size(MPI_COMM_WORLD, &size_by_pmpi);
    CHECK_INT(size_by_pmpi, size, "PMPI_Comm_size");
    CHECK_INT(MPI_Pcontrol(0), MPI_SUCCESS, "MPI_Pcontrol(0)");
    CHECK_INT(MPI_Pcontrol(1), MPI_SUCCESS, "MPI_Pcontrol(1)");
    CHECK_INT(PMPI_Pcontrol(2), MPI_SUCCESS, "PMPI_Pcontrol(2)");

    /* A ring, three laps: each rank sends and receives once a lap. */
    for (int lap = 0; lap < 3; lap++) {
        int next = (rank + 1) % size, previous = (rank + size - 1) % size;
        if (size == 1) {
            MPI_Barrier(MPI_COMM_WORLD);
            continue;
        }
        if (rank == 0) {
            value = 100 * lap;
            MPI_Send(&value, 1, MPI_INT, next, lap, MPI_COMM_WORLD);
            MPI_Recv(&value, 1, MPI_INT, previous, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK_INT(value, 100 * lap + size - 1, "the value round the ring");
        } else {
            MPI_Recv(&value, 1, MPI_INT, previous, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(&value + 0, 0, MPI_INT, MPI_PROC_NULL, lap, MPI_COMM_WORLD);
            value++;
            MPI_Send(&value, 1, MPI_INT, next, lap, MPI_COMM_WORLD);
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }

    /* Collectives that the library builds from messages do not reach the wrappers. */
    value = rank;
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK_INT(value, size * (size - 1) / 2, "MPI_Allreduce");
    MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);

    expected_sends = size == 1 ? 0 : (rank == 0 ? 3 : 6);
    expected_receives = size == 1 ? 0 : 3;
    CHECK_INT(sends, expected_sends, "calls of the program's MPI_Send");
    CHECK_INT(receives, expected_receives, "calls of the program's MPI_Recv");
    CHECK_INT(barriers, 3, "calls of the program's MPI_Barrier");
    return tu_finish();
}
