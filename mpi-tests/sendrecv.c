/*
 * MPI_Sendrecv: ring shifts in both directions (to itself with one process),
 * with different send and receive types and counts, wildcards on the receive
 * side, a long message (no deadlock when every rank sends at once), and a line
 * with MPI_PROC_NULL at both ends.  Any number of processes.
 */
#include "testutil.h"

#define LONGLEN 250000

int main(int argc, char **argv)
{
    int rank, size, left, right, i, n;
    MPI_Status st;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    right = (rank + 1) % size;
    left = (rank + size - 1) % size;

    /* 1. Shift right, then left, exact source and tag. */
    {
        int out[3] = { rank, rank * 2, rank * 3 }, in[3] = { -1, -1, -1 };
        MPI_Sendrecv(out, 3, MPI_INT, right, 11, in, 3, MPI_INT, left, 11, MPI_COMM_WORLD, &st);
        CHECK(in[0] == left && in[1] == left * 2 && in[2] == left * 3,
              "shift right: got %d %d %d from %d", in[0], in[1], in[2], left);
        CHECK_INT(st.MPI_SOURCE, left, "shift right: status source");
        CHECK_INT(st.MPI_TAG, 11, "shift right: status tag");
        n = -1;
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK_INT(n, 3, "shift right: count");
        MPI_Sendrecv(out, 3, MPI_INT, left, 12, in, 3, MPI_INT, right, 12, MPI_COMM_WORLD, &st);
        CHECK(in[0] == right && in[1] == right * 2 && in[2] == right * 3,
              "shift left: got %d %d %d from %d", in[0], in[1], in[2], right);
    }

    /* 2. Different types and counts on the two sides: send 4 doubles, receive
          into room for 10 with ANY_SOURCE / ANY_TAG; send a different tag than
          the one received. */
    {
        double out[4], in[10];
        for (i = 0; i < 4; i++)
            out[i] = rank + i * 0.25;
        for (i = 0; i < 10; i++)
            in[i] = -1;
        MPI_Sendrecv(out, 4, MPI_DOUBLE, right, 20 + rank, in, 10, MPI_DOUBLE,
                     MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        CHECK_INT(st.MPI_SOURCE, left, "wildcard sendrecv: status source");
        CHECK_INT(st.MPI_TAG, 20 + left, "wildcard sendrecv: status tag");
        n = -1;
        MPI_Get_count(&st, MPI_DOUBLE, &n);
        CHECK_INT(n, 4, "wildcard sendrecv: count");
        for (i = 0; i < 4; i++)
            CHECK(in[i] == left + i * 0.25, "wildcard sendrecv: element %d is %g", i, in[i]);
        for (i = 4; i < 10; i++)
            CHECK(in[i] == -1, "wildcard sendrecv: element %d past the message written", i);
        MPI_Barrier(MPI_COMM_WORLD);
    }

    /* 3. Shorts into a larger receive buffer, then a zero-length exchange. */
    {
        short out[5], in[8];
        for (i = 0; i < 5; i++)
            out[i] = (short) (rank * 7 + i);
        MPI_Sendrecv(out, 5, MPI_SHORT, right, 30, in, 8, MPI_SHORT, left, 30, MPI_COMM_WORLD, &st);
        n = -1;
        MPI_Get_count(&st, MPI_SHORT, &n);
        CHECK_INT(n, 5, "short sendrecv: count");
        for (i = 0; i < 5; i++)
            CHECK_INT(in[i], left * 7 + i, "short sendrecv: element");
        MPI_Sendrecv(NULL, 0, MPI_INT, right, 31, NULL, 0, MPI_INT, left, 31, MPI_COMM_WORLD, &st);
        n = -1;
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK_INT(n, 0, "zero-length sendrecv: count");
        CHECK_INT(st.MPI_SOURCE, left, "zero-length sendrecv: source");
    }

    /* 4. Long messages, every rank at once. */
    {
        int *out = malloc(LONGLEN * sizeof(int)), *in = malloc(LONGLEN * sizeof(int));
        for (i = 0; i < LONGLEN; i++) {
            out[i] = rank ^ i;
            in[i] = -1;
        }
        MPI_Sendrecv(out, LONGLEN, MPI_INT, right, 40, in, LONGLEN, MPI_INT, left, 40,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (i = 0; i < LONGLEN; i++)
            if (in[i] != (left ^ i)) {
                FAIL("long sendrecv: element %d is %d, expected %d", i, in[i], left ^ i);
                break;
            }
        free(out);
        free(in);
    }

    /* 5. A line, not a ring: the ends talk to MPI_PROC_NULL, whose receive
          completes at once with source MPI_PROC_NULL, tag MPI_ANY_TAG, count 0
          and the buffer untouched. */
    {
        int up = rank + 1 < size ? rank + 1 : MPI_PROC_NULL;
        int down = rank > 0 ? rank - 1 : MPI_PROC_NULL;
        int out = rank + 1000, in = -5;
        MPI_Sendrecv(&out, 1, MPI_INT, up, 50, &in, 1, MPI_INT, down, 50, MPI_COMM_WORLD, &st);
        snprintf(what, sizeof what, "line shift up, rank %d", rank);
        if (down == MPI_PROC_NULL) {
            CHECK_INT(in, -5, what);
            CHECK_INT(st.MPI_SOURCE, MPI_PROC_NULL, what);
            CHECK_INT(st.MPI_TAG, MPI_ANY_TAG, what);
            n = -1;
            MPI_Get_count(&st, MPI_INT, &n);
            CHECK_INT(n, 0, what);
        } else {
            CHECK_INT(in, down + 1000, what);
            CHECK_INT(st.MPI_SOURCE, down, what);
        }
    }

    return tu_finish();
}
