/*
 * MPI_Probe and MPI_Iprobe: the status tells source, tag and (MPI_Get_count)
 * length before the receive, so a receiver can allocate exactly; probing does
 * not consume the message (probing twice sees the same one); MPI_Iprobe says
 * "nothing" when nothing can have been sent; wildcards work.  Needs at least 2
 * processes: every rank > 0 sends to rank 0.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, i, src, n, flag;
    MPI_Status st, st2;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }

    /* 1. Nothing has been sent yet (senders wait for a token): MPI_Iprobe says
          no, with wildcards and with an exact source and tag. */
    if (rank == 0) {
        flag = 1;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        CHECK_INT(flag, 0, "MPI_Iprobe(ANY_SOURCE, ANY_TAG) before anything was sent");
        flag = 1;
        MPI_Iprobe(1, 0, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        CHECK_INT(flag, 0, "MPI_Iprobe(1, 0) before anything was sent");
        for (src = 1; src < size; src++)
            MPI_Send(&src, 1, MPI_INT, src, 99, MPI_COMM_WORLD);
    } else {
        int token;
        MPI_Recv(&token, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }

    /* 2. Rank r sends r+1 ints with tag r, then 3*(r+1) doubles with tag 1000+r. */
    if (rank > 0) {
        int *iv = malloc((size_t) (rank + 1) * sizeof(int));
        double *dv = malloc((size_t) (3 * (rank + 1)) * sizeof(double));
        for (i = 0; i < rank + 1; i++)
            iv[i] = rank * 100 + i;
        for (i = 0; i < 3 * (rank + 1); i++)
            dv[i] = rank + i / 4.0;
        MPI_Send(iv, rank + 1, MPI_INT, 0, rank, MPI_COMM_WORLD);
        MPI_Send(dv, 3 * (rank + 1), MPI_DOUBLE, 0, 1000 + rank, MPI_COMM_WORLD);
        free(iv);
        free(dv);
    } else {
        /* The int messages: probe ANY_SOURCE with each exact tag, twice, then
           receive exactly what the probe announced. */
        for (src = size - 1; src >= 1; src--) {
            int *iv;
            snprintf(what, sizeof what, "int message from %d", src);
            MPI_Probe(MPI_ANY_SOURCE, src, MPI_COMM_WORLD, &st);
            CHECK_INT(st.MPI_SOURCE, src, what);
            CHECK_INT(st.MPI_TAG, src, what);
            n = -1;
            MPI_Get_count(&st, MPI_INT, &n);
            CHECK_INT(n, src + 1, what);
            MPI_Probe(src, MPI_ANY_TAG, MPI_COMM_WORLD, &st2);
            /* From src, the int message was sent first, so ANY_TAG sees it too. */
            CHECK_INT(st2.MPI_TAG, src, "second probe of the same message (tag)");
            if (n < 1 || n > size)
                n = src + 1;
            iv = malloc((size_t) n * sizeof(int));
            MPI_Recv(iv, n, MPI_INT, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, &st2);
            for (i = 0; i < n; i++)
                CHECK_INT(iv[i], src * 100 + i, what);
            free(iv);
        }
        /* The double messages: poll with MPI_Iprobe(ANY_SOURCE, ANY_TAG). */
        for (i = 0; i < size - 1; i++) {
            long polls = 0;
            double *dv;
            int s, j;
            flag = 0;
            while (!flag && polls < 100000000L) {
                MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
                polls++;
            }
            if (!flag) {
                FAIL("MPI_Iprobe never found the double messages");
                break;
            }
            s = st.MPI_SOURCE;
            snprintf(what, sizeof what, "double message from %d", s);
            CHECK(s >= 1 && s < size, "MPI_Iprobe status source %d", s);
            CHECK_INT(st.MPI_TAG, 1000 + s, what);
            n = -1;
            MPI_Get_count(&st, MPI_DOUBLE, &n);
            CHECK_INT(n, 3 * (s + 1), what);
            if (n < 1 || n > 3 * size)
                n = 3 * size;
            dv = malloc((size_t) n * sizeof(double));
            MPI_Recv(dv, n, MPI_DOUBLE, s, st.MPI_TAG, MPI_COMM_WORLD, &st2);
            CHECK_INT(st2.MPI_SOURCE, s, what);
            for (j = 0; j < 3 * (s + 1) && j < n; j++)
                if (dv[j] != s + j / 4.0) {
                    FAIL("%s: element %d is %g, expected %g", what, j, dv[j], s + j / 4.0);
                    break;
                }
            free(dv);
        }
        /* Everything is consumed. */
        flag = 1;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        CHECK_INT(flag, 0, "MPI_Iprobe after every message was received");
    }

    /* 3. A probe in one communicator does not see messages of another. */
    {
        MPI_Comm dup;
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        if (rank == 1) {
            int v = 7;
            MPI_Send(&v, 1, MPI_INT, 0, 5, dup);
        }
        if (rank == 0) {
            int v = -1;
            MPI_Probe(1, 5, dup, &st);
            flag = 1;
            MPI_Iprobe(1, 5, MPI_COMM_WORLD, &flag, &st);
            CHECK_INT(flag, 0, "MPI_Iprobe on MPI_COMM_WORLD saw a message sent on a dup");
            MPI_Recv(&v, 1, MPI_INT, 1, 5, dup, &st);
            CHECK_INT(v, 7, "message received on the dup");
        }
        MPI_Comm_free(&dup);
    }

    return tu_finish();
}
