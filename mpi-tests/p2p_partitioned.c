/*
 * p2p_partitioned.c - partitioned communication (MPI 4.0): Psend_init/Precv_init around
 * a ring with different partitionings on the two sides, Pready, Pready_range,
 * Pready_list in any order, Parrived, several rounds of Startall/Waitall, matching in
 * the order of the init calls (not of the starts), the receive's status, and the
 * large-count forms. Open MPI 4.1 has none of it: there the test only says No Errors.
 */
#include "testutil.h"

#define PARTITIONS 8
#define PER_PARTITION 1000
#define TOTAL (PARTITIONS * PER_PARTITION)

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
#if MPI_VERSION >= 4
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
    int *out = malloc(TOTAL * sizeof(int)), *in = malloc(TOTAL * sizeof(int));
    MPI_Request requests[2];
    /* The receiver sees 2 partitions of 4000 where the sender has 8 of 1000. */
    MPI_Psend_init(out, PARTITIONS, PER_PARTITION, MPI_INT, next, 5, MPI_COMM_WORLD, MPI_INFO_NULL, &requests[0]);
    MPI_Precv_init(in, 2, TOTAL / 2, MPI_INT, prev, 5, MPI_COMM_WORLD, MPI_INFO_NULL, &requests[1]);
    for (int round = 0; round < 3; round++) {
        memset(in, 0, TOTAL * sizeof(int));
        MPI_Startall(2, requests);
        /* Partitions ready out of order, each filled just before. */
        for (int p = PARTITIONS - 1; p >= 4; p--) {
            for (int i = 0; i < PER_PARTITION; i++)
                out[p * PER_PARTITION + i] = (rank * 10 + round) * TOTAL + p * PER_PARTITION + i;
            MPI_Pready(p, requests[0]);
        }
        for (int i = 0; i < 2 * PER_PARTITION; i++)
            out[i] = (rank * 10 + round) * TOTAL + i;
        MPI_Pready_range(0, 1, requests[0]);
        int list[2] = {3, 2};
        for (int i = 2 * PER_PARTITION; i < 4 * PER_PARTITION; i++)
            out[i] = (rank * 10 + round) * TOTAL + i;
        MPI_Pready_list(2, list, requests[0]);
        int arrived[2] = {0, 0};
        while (!arrived[0] || !arrived[1])
            for (int p = 0; p < 2; p++)
                if (!arrived[p])
                    MPI_Parrived(requests[1], p, &arrived[p]);
        MPI_Waitall(2, requests, MPI_STATUSES_IGNORE);
        CHECK(requests[0] != MPI_REQUEST_NULL && requests[1] != MPI_REQUEST_NULL, "Waitall freed a partitioned request");
        for (int i = 0; i < TOTAL; i++)
            if (in[i] != (prev * 10 + round) * TOTAL + i) {
                FAIL("round %d: element %d is %d, expected %d", round, i, in[i], (prev * 10 + round) * TOTAL + i);
                break;
            }
    }
    MPI_Request_free(&requests[0]);
    MPI_Request_free(&requests[1]);

    /* Matching follows the order of the init calls, whatever the order of the starts:
       two sends with the same tag, the second started and made ready first. */
    int first[4], second[4], got[2][4];
    MPI_Request sends[2], receives[2];
    MPI_Status statuses[2];
    MPI_Psend_init(first, 2, 2, MPI_INT, next, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &sends[0]);
    MPI_Psend_init(second, 2, 2, MPI_INT, next, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &sends[1]);
    MPI_Precv_init(got[0], 1, 4, MPI_INT, prev, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &receives[0]);
    MPI_Precv_init(got[1], 1, 4, MPI_INT, prev, 7, MPI_COMM_WORLD, MPI_INFO_NULL, &receives[1]);
    MPI_Startall(2, receives);
    for (int i = 0; i < 4; i++) {
        first[i] = rank * 100 + i;
        second[i] = rank * 100 + 50 + i;
    }
    MPI_Start(&sends[1]);
    MPI_Pready_range(0, 1, sends[1]);
    MPI_Start(&sends[0]);
    MPI_Pready_list(2, (int[]){1, 0}, sends[0]);
    MPI_Waitall(2, receives, statuses);
    MPI_Waitall(2, sends, MPI_STATUSES_IGNORE);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(got[0][i], prev * 100 + i, "the first initialized receive");
        CHECK_INT(got[1][i], prev * 100 + 50 + i, "the second initialized receive");
    }
    for (int k = 0; k < 2; k++) {
        CHECK_INT(statuses[k].MPI_TAG, 7, "a partitioned receive's tag");
        CHECK_INT(statuses[k].MPI_SOURCE, prev, "a partitioned receive's source");
    }
    for (int k = 0; k < 2; k++) {
        MPI_Request_free(&sends[k]);
        MPI_Request_free(&receives[k]);
    }

    /* The large-count forms, one round; then nothing is left for ordinary receives. */
    MPI_Psend_init_c(out, 2, (MPI_Count) 10, MPI_INT, next, 6, MPI_COMM_WORLD, MPI_INFO_NULL, &requests[0]);
    MPI_Precv_init_c(in, 2, (MPI_Count) 10, MPI_INT, prev, 6, MPI_COMM_WORLD, MPI_INFO_NULL, &requests[1]);
    MPI_Startall(2, requests);
    for (int i = 0; i < 20; i++)
        out[i] = rank + i;
    MPI_Pready_range(0, 1, requests[0]);
    MPI_Waitall(2, requests, MPI_STATUSES_IGNORE);
    for (int i = 0; i < 20; i++)
        CHECK_INT(in[i], prev + i, "the large-count partitioned transfer");
    int flag = 1;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    CHECK(!flag, "a message is left over for ordinary receives");
    MPI_Request_free(&requests[0]);
    MPI_Request_free(&requests[1]);
    free(out);
    free(in);
#endif
    return tu_finish();
}
