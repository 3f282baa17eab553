/*
 * Persistent requests: MPI_Send_init / MPI_Recv_init created once and reused
 * with MPI_Start and MPI_Startall over many rounds (the buffer is read anew at
 * every start), completed by MPI_Wait, MPI_Waitall, MPI_Waitany and MPI_Test;
 * an inactive persistent request completes at once with an empty status and is
 * not set to MPI_REQUEST_NULL by completion; MPI_Request_free releases it.
 * Ring pattern, any number of processes.
 */
#include "testutil.h"

#define ROUNDS 20
#define LEN 16

static void check_empty(const MPI_Status *st, const char *what)
{
    int n = -1;
    CHECK_INT(st->MPI_SOURCE, MPI_ANY_SOURCE, what);
    CHECK_INT(st->MPI_TAG, MPI_ANY_TAG, what);
    MPI_Get_count(st, MPI_INT, &n);
    CHECK_INT(n, 0, what);
}

int main(int argc, char **argv)
{
    int rank, size, left, right, round, i, flag, idx;
    int sendbuf[LEN], recvbuf[LEN];
    MPI_Request req[2];
    MPI_Status sts[2], st;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    right = (rank + 1) % size;
    left = (rank + size - 1) % size;

    MPI_Recv_init(recvbuf, LEN, MPI_INT, left, 9, MPI_COMM_WORLD, &req[0]);
    MPI_Send_init(sendbuf, LEN, MPI_INT, right, 9, MPI_COMM_WORLD, &req[1]);
    CHECK(req[0] != MPI_REQUEST_NULL && req[1] != MPI_REQUEST_NULL,
          "MPI_Recv_init / MPI_Send_init gave MPI_REQUEST_NULL");

    /* Inactive before the first start: completes at once, empty status. */
    st.MPI_SOURCE = st.MPI_TAG = 5;
    flag = 0;
    MPI_Test(&req[0], &flag, &st);
    CHECK_INT(flag, 1, "MPI_Test on an inactive persistent receive");
    check_empty(&st, "status of MPI_Test on an inactive persistent receive");
    CHECK(req[0] != MPI_REQUEST_NULL, "MPI_Test freed an inactive persistent request");
    st.MPI_SOURCE = st.MPI_TAG = 5;
    MPI_Wait(&req[1], &st);
    check_empty(&st, "status of MPI_Wait on an inactive persistent send");
    CHECK(req[1] != MPI_REQUEST_NULL, "MPI_Wait freed an inactive persistent request");

    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < LEN; i++) {
            sendbuf[i] = rank * 10000 + round * 100 + i;
            recvbuf[i] = -1;
        }
        switch (round % 4) {
        case 0:                /* MPI_Startall + MPI_Waitall */
            MPI_Startall(2, req);
            MPI_Waitall(2, req, sts);
            st = sts[0];
            break;
        case 1:                /* MPI_Start each + MPI_Wait each */
            MPI_Start(&req[0]);
            MPI_Start(&req[1]);
            MPI_Wait(&req[1], MPI_STATUS_IGNORE);
            MPI_Wait(&req[0], &st);
            break;
        case 2:{               /* MPI_Startall + MPI_Waitany twice */
                int seen = 0;
                MPI_Startall(2, req);
                for (i = 0; i < 2; i++) {
                    MPI_Status s;
                    MPI_Waitany(2, req, &idx, &s);
                    if (idx < 0 || idx > 1) {
                        FAIL("MPI_Waitany over persistent requests gave index %d", idx);
                        break;
                    }
                    seen |= 1 << idx;
                    if (idx == 0)
                        st = s;
                }
                CHECK_INT(seen, 3, "requests completed by MPI_Waitany (bit mask)");
                /* Both inactive now: MPI_Waitany reports MPI_UNDEFINED. */
                MPI_Waitany(2, req, &idx, &sts[0]);
                CHECK_INT(idx, MPI_UNDEFINED, "MPI_Waitany over inactive persistent requests");
                break;
            }
        case 3:{               /* MPI_Startall + MPI_Test polling */
                int done0 = 0, done1 = 0;
                long polls = 0;
                MPI_Startall(2, req);
                while ((!done0 || !done1) && polls < 100000000L) {
                    if (!done0)
                        MPI_Test(&req[0], &done0, &st);
                    if (!done1)
                        MPI_Test(&req[1], &done1, MPI_STATUS_IGNORE);
                    polls++;
                }
                CHECK(done0 && done1, "MPI_Test never completed the persistent requests");
                break;
            }
        }
        snprintf(what, sizeof what, "round %d (completion style %d)", round, round % 4);
        CHECK(req[0] != MPI_REQUEST_NULL && req[1] != MPI_REQUEST_NULL,
              "%s: completion set a persistent request to MPI_REQUEST_NULL", what);
        CHECK_INT(st.MPI_SOURCE, left, what);
        CHECK_INT(st.MPI_TAG, 9, what);
        for (i = 0; i < LEN; i++)
            if (recvbuf[i] != left * 10000 + round * 100 + i) {
                FAIL("%s: element %d is %d, expected %d", what, i, recvbuf[i],
                     left * 10000 + round * 100 + i);
                break;
            }
    }

    MPI_Request_free(&req[0]);
    MPI_Request_free(&req[1]);
    CHECK(req[0] == MPI_REQUEST_NULL && req[1] == MPI_REQUEST_NULL,
          "MPI_Request_free did not set persistent requests to MPI_REQUEST_NULL");

    /* Persistent requests with wildcards: a receive from ANY_SOURCE / ANY_TAG
       reused while the sender changes its tag every round. */
    {
        MPI_Request r, s;
        int in = -1, out = 0;
        MPI_Recv_init(&in, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &r);
        for (round = 0; round < 5; round++) {
            MPI_Send_init(&out, 1, MPI_INT, right, 30 + round, MPI_COMM_WORLD, &s);
            out = rank + round;
            MPI_Start(&r);
            MPI_Start(&s);
            MPI_Wait(&r, &st);
            MPI_Wait(&s, MPI_STATUS_IGNORE);
            MPI_Request_free(&s);
            snprintf(what, sizeof what, "wildcard persistent receive, round %d", round);
            CHECK_INT(in, left + round, what);
            CHECK_INT(st.MPI_SOURCE, left, what);
            CHECK_INT(st.MPI_TAG, 30 + round, what);
            /* Keep rounds apart so ANY_SOURCE cannot take a later round's message. */
            MPI_Barrier(MPI_COMM_WORLD);
        }
        MPI_Request_free(&r);
    }

    return tu_finish();
}
