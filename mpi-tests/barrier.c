/*
 * MPI_Barrier: no rank leaves before the last one enters.  One rank at a time
 * sleeps 0.2 s before entering; every other rank must spend at least about
 * that long inside.  Then barriers on MPI_COMM_SELF, on dups and splits, and
 * many in a row.
 */
#include "testutil.h"
#include <time.h>

static void sleep_seconds(double s)
{
    struct timespec ts;
    ts.tv_sec = (time_t) s;
    ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    int rank, size, i, sleeper, idx = 0;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    if (size > 1) {
        /* Sleepers: rank 0, then the last rank. */
        for (i = 0; i < 2; i++) {
            double t0, t1;
            sleeper = i == 0 ? 0 : size - 1;
            MPI_Barrier(MPI_COMM_WORLD);
            t0 = MPI_Wtime();
            if (rank == sleeper)
                sleep_seconds(0.2);
            MPI_Barrier(MPI_COMM_WORLD);
            t1 = MPI_Wtime();
            /* Leaving the previous barrier can be skewed by scheduling; 0.1 s of
               the 0.2 s is a safe lower bound. */
            if (rank != sleeper)
                CHECK(t1 - t0 >= 0.1,
                      "left MPI_Barrier after %.3f s while rank %d slept 0.2 s before entering",
                      t1 - t0, sleeper);
        }
    }

    MPI_Barrier(MPI_COMM_SELF);
    for (i = 0; i < 50; i++)
        MPI_Barrier(MPI_COMM_WORLD);

    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            int r, s, token = 0;
            MPI_Comm_rank(comm, &r);
            MPI_Comm_size(comm, &s);
            for (i = 0; i < 10; i++)
                MPI_Barrier(comm);
            /* Barriers do not get in the way of point-to-point traffic on the
               same communicator. */
            if (s > 1) {
                if (r == 1)
                    MPI_Send(&r, 1, MPI_INT, 0, 5, comm);
                MPI_Barrier(comm);
                if (r == 0) {
                    MPI_Recv(&token, 1, MPI_INT, 1, 5, comm, MPI_STATUS_IGNORE);
                    CHECK_INT(token, 1, "message sent before a barrier");
                }
            }
        }
        tu_free_comm(&comm);
    }

    return tu_finish();
}
