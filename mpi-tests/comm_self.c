/*
 * MPI_COMM_SELF and messages to oneself: every collective on a communicator of
 * one process (the result is the process's own data, in place too), and
 * point-to-point to one's own rank in MPI_COMM_WORLD (nonblocking send then
 * receive, long messages, MPI_Sendrecv, MPI_Iprobe).  Any number of
 * processes; each works alone.
 */
#include "testutil.h"

#define LONGLEN 100000

int main(int argc, char **argv)
{
    int rank, i, v, w, a[3], b[3], one = 1, zero = 0;
    MPI_Comm self = MPI_COMM_SELF;
    MPI_Status st;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    /* Collectives on MPI_COMM_SELF. */
    MPI_Barrier(self);
    v = rank + 5;
    MPI_Bcast(&v, 1, MPI_INT, 0, self);
    CHECK_INT(v, rank + 5, "MPI_Bcast on MPI_COMM_SELF");
    w = -1;
    MPI_Reduce(&v, &w, 1, MPI_INT, MPI_SUM, 0, self);
    CHECK_INT(w, rank + 5, "MPI_Reduce on MPI_COMM_SELF");
    w = -1;
    MPI_Allreduce(&v, &w, 1, MPI_INT, MPI_PROD, self);
    CHECK_INT(w, rank + 5, "MPI_Allreduce on MPI_COMM_SELF");
    w = v;
    MPI_Allreduce(MPI_IN_PLACE, &w, 1, MPI_INT, MPI_MAX, self);
    CHECK_INT(w, rank + 5, "MPI_Allreduce in place on MPI_COMM_SELF");
    for (i = 0; i < 3; i++) {
        a[i] = rank * 3 + i;
        b[i] = -1;
    }
    MPI_Gather(a, 3, MPI_INT, b, 3, MPI_INT, 0, self);
    CHECK(b[0] == a[0] && b[2] == a[2], "MPI_Gather on MPI_COMM_SELF");
    b[0] = b[1] = b[2] = -1;
    MPI_Scatter(a, 3, MPI_INT, b, 3, MPI_INT, 0, self);
    CHECK(b[0] == a[0] && b[2] == a[2], "MPI_Scatter on MPI_COMM_SELF");
    b[0] = b[1] = b[2] = -1;
    MPI_Allgather(a, 3, MPI_INT, b, 3, MPI_INT, self);
    CHECK(b[0] == a[0] && b[2] == a[2], "MPI_Allgather on MPI_COMM_SELF");
    b[0] = b[1] = b[2] = -1;
    MPI_Alltoall(a, 3, MPI_INT, b, 3, MPI_INT, self);
    CHECK(b[0] == a[0] && b[2] == a[2], "MPI_Alltoall on MPI_COMM_SELF");
    {
        int cnt = 2, disp = 1, c[4] = { -1, -1, -1, -1 };
        MPI_Gatherv(a, 2, MPI_INT, c, &cnt, &disp, MPI_INT, 0, self);
        CHECK(c[0] == -1 && c[1] == a[0] && c[2] == a[1] && c[3] == -1, "MPI_Gatherv on MPI_COMM_SELF");
        c[0] = c[1] = c[2] = c[3] = -1;
        MPI_Scatterv(a, &cnt, &zero, MPI_INT, c, 2, MPI_INT, 0, self);
        CHECK(c[0] == a[0] && c[1] == a[1] && c[2] == -1, "MPI_Scatterv on MPI_COMM_SELF");
        c[0] = c[1] = c[2] = c[3] = -1;
        MPI_Allgatherv(a, 2, MPI_INT, c, &cnt, &disp, MPI_INT, self);
        CHECK(c[1] == a[0] && c[2] == a[1] && c[0] == -1, "MPI_Allgatherv on MPI_COMM_SELF");
        c[0] = c[1] = c[2] = c[3] = -1;
        MPI_Alltoallv(a, &cnt, &zero, MPI_INT, c, &cnt, &disp, MPI_INT, self);
        CHECK(c[1] == a[0] && c[2] == a[1] && c[0] == -1, "MPI_Alltoallv on MPI_COMM_SELF");
    }
    w = -1;
    MPI_Reduce_scatter(&v, &w, &one, MPI_INT, MPI_SUM, self);
    CHECK_INT(w, rank + 5, "MPI_Reduce_scatter on MPI_COMM_SELF");
    w = -1;
    MPI_Scan(&v, &w, 1, MPI_INT, MPI_SUM, self);
    CHECK_INT(w, rank + 5, "MPI_Scan on MPI_COMM_SELF");
    /* MPI_Exscan on one process: the result is undefined; it must just work. */
    MPI_Exscan(&v, &w, 1, MPI_INT, MPI_SUM, self);

    /* Point-to-point with oneself. */
    v = rank * 11;
    {
        MPI_Request r;
        int flag = 0;
        MPI_Isend(&v, 1, MPI_INT, rank, 3, MPI_COMM_WORLD, &r);
        MPI_Iprobe(rank, 3, MPI_COMM_WORLD, &flag, &st);
        {
            long polls = 0;
            while (!flag && polls++ < 100000000L)
                MPI_Iprobe(rank, 3, MPI_COMM_WORLD, &flag, &st);
        }
        CHECK_INT(flag, 1, "MPI_Iprobe of a message to oneself");
        w = -1;
        MPI_Recv(&w, 1, MPI_INT, MPI_ANY_SOURCE, 3, MPI_COMM_WORLD, &st);
        MPI_Wait(&r, MPI_STATUS_IGNORE);
        CHECK_INT(w, rank * 11, "message to oneself");
        CHECK_INT(st.MPI_SOURCE, rank, "source of a message to oneself");
    }
    {
        int *out = malloc(LONGLEN * sizeof(int)), *in = malloc(LONGLEN * sizeof(int));
        MPI_Request r[2];
        for (i = 0; i < LONGLEN; i++) {
            out[i] = i ^ rank;
            in[i] = -1;
        }
        MPI_Irecv(in, LONGLEN, MPI_INT, rank, 4, MPI_COMM_WORLD, &r[0]);
        MPI_Isend(out, LONGLEN, MPI_INT, rank, 4, MPI_COMM_WORLD, &r[1]);
        MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
        for (i = 0; i < LONGLEN; i++)
            if (in[i] != (i ^ rank)) {
                FAIL("long message to oneself: element %d is %d", i, in[i]);
                break;
            }
        for (i = 0; i < LONGLEN; i++)
            in[i] = -1;
        MPI_Sendrecv(out, LONGLEN, MPI_INT, 0, 5, in, LONGLEN, MPI_INT, 0, 5, self, &st);
        for (i = 0; i < LONGLEN; i++)
            if (in[i] != (i ^ rank)) {
                FAIL("long MPI_Sendrecv on MPI_COMM_SELF: element %d is %d", i, in[i]);
                break;
            }
        free(out);
        free(in);
    }

    return tu_finish();
}
