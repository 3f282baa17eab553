/*
 * Non-overtaking: messages from one sender that a receive could match are
 * matched in the order they were sent, whatever their sizes (short and long
 * messages interleaved), whether the receives were posted before or after the
 * messages arrived, and with wildcards.  A tag can still select a later message
 * before an earlier one.  Ranks work in pairs (0,1), (2,3), ...; with an odd
 * number of processes the last one only joins the barriers.
 */
#include "testutil.h"

#define N 100
#define K 20
#define BIG 50000

int main(int argc, char **argv)
{
    int rank, size, i, peer, role;      /* role: 0 sender, 1 receiver, -1 idle */
    int *big;
    MPI_Status st;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }
    role = (rank == size - 1 && size % 2 == 1) ? -1 : rank % 2;
    peer = rank % 2 == 0 ? rank + 1 : rank - 1;
    big = malloc(BIG * sizeof(int));

    /* 1. N short messages, same tag, received one by one. */
    if (role == 0) {
        for (i = 0; i < N; i++)
            MPI_Send(&i, 1, MPI_INT, peer, 5, MPI_COMM_WORLD);
    } else if (role == 1) {
        for (i = 0; i < N; i++) {
            int v = -1;
            MPI_Recv(&v, 1, MPI_INT, peer, 5, MPI_COMM_WORLD, &st);
            CHECK_INT(v, i, "short message sequence number");
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 2. Short and long messages interleaved on one tag, received with ANY_TAG
          and ANY_SOURCE alternately: sequence and length both in order. */
    if (role == 0) {
        for (i = 0; i < 10; i++) {
            int len = i % 2 ? BIG : 1 + i, j;
            for (j = 0; j < len; j++)
                big[j] = i * 1000 + j % 1000;
            MPI_Send(big, len, MPI_INT, peer, 6, MPI_COMM_WORLD);
        }
    } else if (role == 1) {
        for (i = 0; i < 10; i++) {
            int len = i % 2 ? BIG : 1 + i, n = -1, j;
            big[0] = big[len - 1] = -1;
            if (i % 2)
                MPI_Recv(big, BIG, MPI_INT, peer, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            else
                MPI_Recv(big, BIG, MPI_INT, MPI_ANY_SOURCE, 6, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, MPI_INT, &n);
            snprintf(what, sizeof what, "mixed-size message %d", i);
            CHECK_INT(n, len, what);
            CHECK_INT(big[0], i * 1000, what);
            CHECK_INT(big[len - 1], i * 1000 + (len - 1) % 1000, what);
            for (j = 0; j < len && j < n; j++)
                if (big[j] != i * 1000 + j % 1000) {
                    FAIL("%s: element %d is %d, expected %d", what, j, big[j], i * 1000 + j % 1000);
                    break;
                }
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 3. The tag selects: a long tag-1 message and a short tag-2 message are sent
          (nonblocking) in that order, and received tag 2 first. */
    if (role == 0) {
        MPI_Request r[2];
        int small = 77;
        for (i = 0; i < BIG; i++)
            big[i] = i;
        MPI_Isend(big, BIG, MPI_INT, peer, 1, MPI_COMM_WORLD, &r[0]);
        MPI_Isend(&small, 1, MPI_INT, peer, 2, MPI_COMM_WORLD, &r[1]);
        MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
    } else if (role == 1) {
        int small = -1;
        MPI_Recv(&small, 1, MPI_INT, peer, 2, MPI_COMM_WORLD, &st);
        CHECK_INT(small, 77, "short tag-2 message received before the long tag-1 one");
        for (i = 0; i < BIG; i++)
            big[i] = -1;
        MPI_Recv(big, BIG, MPI_INT, peer, 1, MPI_COMM_WORLD, &st);
        for (i = 0; i < BIG; i++)
            if (big[i] != i) {
                FAIL("long tag-1 message: element %d is %d", i, big[i]);
                break;
            }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 4. Receives posted before the messages: K nonblocking ANY_TAG receives,
          then a go-ahead, then K messages with tags K-1 .. 0.  Receive j gets
          the j-th message sent. */
    if (role == 0) {
        int go;
        MPI_Recv(&go, 1, MPI_INT, peer, 900, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (i = 0; i < K; i++)
            MPI_Send(&i, 1, MPI_INT, peer, K - 1 - i, MPI_COMM_WORLD);
    } else if (role == 1) {
        MPI_Request r[K];
        MPI_Status sts[K];
        int vals[K], go = 1;
        for (i = 0; i < K; i++) {
            vals[i] = -1;
            MPI_Irecv(&vals[i], 1, MPI_INT, peer, MPI_ANY_TAG, MPI_COMM_WORLD, &r[i]);
        }
        MPI_Send(&go, 1, MPI_INT, peer, 900, MPI_COMM_WORLD);
        MPI_Waitall(K, r, sts);
        for (i = 0; i < K; i++) {
            snprintf(what, sizeof what, "pre-posted receive %d", i);
            CHECK_INT(vals[i], i, what);
            CHECK_INT(sts[i].MPI_TAG, K - 1 - i, what);
            CHECK_INT(sts[i].MPI_SOURCE, peer, what);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 5. Messages that arrive before the receives (sent, then a barrier), then
          received with nonblocking ANY_SOURCE receives completed in reverse. */
    if (role == 0) {
        for (i = 0; i < K; i++)
            MPI_Send(&i, 1, MPI_INT, peer, 3, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (role == 1) {
        MPI_Request r[K];
        int vals[K];
        for (i = 0; i < K; i++) {
            vals[i] = -1;
            MPI_Irecv(&vals[i], 1, MPI_INT, MPI_ANY_SOURCE, 3, MPI_COMM_WORLD, &r[i]);
        }
        for (i = K - 1; i >= 0; i--)
            MPI_Wait(&r[i], &st);
        for (i = 0; i < K; i++) {
            snprintf(what, sizeof what, "receive %d of messages that arrived first", i);
            CHECK_INT(vals[i], i, what);
        }
    }

    free(big);
    return tu_finish();
}
