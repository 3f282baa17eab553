/*
 * p2p_completion.c - the edge cases of the completion calls: count 0, arrays of only
 * MPI_REQUEST_NULL and inactive persistent requests (MPI_UNDEFINED index and count,
 * empty statuses), a truncated receive among good ones (MPI_ERR_IN_STATUS from Waitall,
 * Testall, Waitsome, Testsome with each status's MPI_ERROR set; the error itself from
 * Waitany), MPI_STATUSES_IGNORE, and Startall over every kind of persistent request.
 */
#include "testutil.h"

static void check_empty(const MPI_Status *status, const char *what)
{
    int count = -1;
    MPI_Get_count(status, MPI_INT, &count);
    CHECK_INT(status->MPI_SOURCE, MPI_ANY_SOURCE, what);
    CHECK_INT(status->MPI_TAG, MPI_ANY_TAG, what);
    CHECK_INT(count, 0, what);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, index, flag, outcount, indices[4];
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Status status, statuses[4];

    /* Count 0. */
    CHECK_INT(MPI_Waitall(0, NULL, MPI_STATUSES_IGNORE), MPI_SUCCESS, "Waitall of 0");
    CHECK_INT(MPI_Testall(0, NULL, &flag, MPI_STATUSES_IGNORE), MPI_SUCCESS, "Testall of 0");
    CHECK(flag, "Testall of 0 gave flag 0");
    MPI_Waitany(0, NULL, &index, MPI_STATUS_IGNORE);
    CHECK_INT(index, MPI_UNDEFINED, "Waitany of 0");
    MPI_Testany(0, NULL, &index, &flag, MPI_STATUS_IGNORE);
    CHECK(flag && index == MPI_UNDEFINED, "Testany of 0");
    MPI_Waitsome(0, NULL, &outcount, indices, MPI_STATUSES_IGNORE);
    CHECK_INT(outcount, MPI_UNDEFINED, "Waitsome of 0");
    MPI_Testsome(0, NULL, &outcount, indices, MPI_STATUSES_IGNORE);
    CHECK_INT(outcount, MPI_UNDEFINED, "Testsome of 0");

    /* Only null and inactive requests. */
    int value = 0, data = 5;
    MPI_Request requests[4];
    MPI_Recv_init(&value, 1, MPI_INT, 0, 1, MPI_COMM_SELF, &requests[0]);
    requests[1] = MPI_REQUEST_NULL;
    MPI_Send_init(&data, 1, MPI_INT, 0, 1, MPI_COMM_SELF, &requests[2]);
    requests[3] = MPI_REQUEST_NULL;
    MPI_Waitany(4, requests, &index, &status);
    CHECK_INT(index, MPI_UNDEFINED, "Waitany of inactive requests");
    check_empty(&status, "Waitany of inactive requests: status");
    MPI_Testany(4, requests, &index, &flag, &status);
    CHECK(flag && index == MPI_UNDEFINED, "Testany of inactive requests");
    MPI_Waitsome(4, requests, &outcount, indices, statuses);
    CHECK_INT(outcount, MPI_UNDEFINED, "Waitsome of inactive requests");
    MPI_Testsome(4, requests, &outcount, indices, statuses);
    CHECK_INT(outcount, MPI_UNDEFINED, "Testsome of inactive requests");
    MPI_Waitall(4, requests, statuses);
    for (int i = 0; i < 4; i++)
        check_empty(&statuses[i], "Waitall of inactive requests: status");
    MPI_Testall(4, requests, &flag, statuses);
    CHECK(flag, "Testall of inactive requests gave flag 0");
    MPI_Test(&requests[0], &flag, &status);
    CHECK(flag, "Test of an inactive request gave flag 0");
    check_empty(&status, "Test of an inactive request: status");
    MPI_Wait(&requests[1], &status);
    check_empty(&status, "Wait of MPI_REQUEST_NULL: status");

    /* Started, among null entries: Waitall completes them, keeps them. */
    MPI_Start(&requests[0]);
    MPI_Start(&requests[2]);
    MPI_Waitall(4, requests, statuses);
    CHECK_INT(value, 5, "a started persistent pair");
    CHECK_INT(statuses[0].MPI_TAG, 1, "a started persistent receive's tag");
    check_empty(&statuses[1], "a null request's status in Waitall");
    MPI_Request_free(&requests[0]);
    MPI_Request_free(&requests[2]);

    /* A truncated receive between two good ones, from the previous rank (Open MPI 4.1
       reports no truncation of a message to oneself). */
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
    if (size > 1) {
    int big[4] = {1, 2, 3, 4}, small[2], good[2][4];
    for (int way = 0; way < 4; way++) {
        MPI_Irecv(good[0], 4, MPI_INT, prev, 10, MPI_COMM_WORLD, &requests[0]);
        MPI_Irecv(small, 2, MPI_INT, prev, 11, MPI_COMM_WORLD, &requests[1]);
        MPI_Irecv(good[1], 4, MPI_INT, prev, 12, MPI_COMM_WORLD, &requests[2]);
        requests[3] = MPI_REQUEST_NULL;
        MPI_Send(big, 4, MPI_INT, next, 10, MPI_COMM_WORLD);
        MPI_Send(big, 4, MPI_INT, next, 11, MPI_COMM_WORLD);
        MPI_Send(big, 4, MPI_INT, next, 12, MPI_COMM_WORLD);
        for (int i = 0; i < 4; i++)
            statuses[i].MPI_ERROR = -1;
        int rc;
        if (way == 0) {
            rc = MPI_Waitall(4, requests, statuses);
        } else if (way == 1) {
            flag = 0;
            do
                rc = MPI_Testall(4, requests, &flag, statuses);
            while (rc == MPI_SUCCESS && !flag);
        } else {
            int done = 0, failures = 0, positions[4];
            rc = MPI_SUCCESS;
            while (done < 3) {
                int got = (way == 2 ? MPI_Waitsome : MPI_Testsome)(4, requests, &outcount, positions, statuses);
                if (got != MPI_SUCCESS) {
                    CHECK_CLASS(got, MPI_ERR_IN_STATUS, way == 2 ? "Waitsome with a truncation" : "Testsome with a truncation");
                    for (int k = 0; k < outcount; k++)
                        if (positions[k] == 1) {
                            CHECK_INT(statuses[k].MPI_ERROR, MPI_ERR_TRUNCATE, "MPI_ERROR of the truncated receive");
                            failures++;
                        } else {
                            CHECK_INT(statuses[k].MPI_ERROR, MPI_SUCCESS, "MPI_ERROR of a good receive");
                        }
                }
                done += outcount;
            }
            CHECK_INT(failures, 1, way == 2 ? "Waitsome: failures reported" : "Testsome: failures reported");
            continue;
        }
        CHECK_CLASS(rc, MPI_ERR_IN_STATUS, way == 0 ? "Waitall with a truncation" : "Testall with a truncation");
        CHECK_INT(statuses[0].MPI_ERROR, MPI_SUCCESS, "MPI_ERROR of the first good receive");
        CHECK_INT(statuses[1].MPI_ERROR, MPI_ERR_TRUNCATE, "MPI_ERROR of the truncated receive");
        CHECK_INT(statuses[2].MPI_ERROR, MPI_SUCCESS, "MPI_ERROR of the second good receive");
        CHECK_INT(good[1][3], 4, "data of the second good receive");
    }
        /* Waitany gives the truncation itself. */
        MPI_Irecv(small, 2, MPI_INT, prev, 13, MPI_COMM_WORLD, &requests[0]);
        MPI_Send(big, 4, MPI_INT, next, 13, MPI_COMM_WORLD);
        CHECK_CLASS(MPI_Waitany(1, requests, &index, &status), MPI_ERR_TRUNCATE, "Waitany of a truncated receive");
        CHECK_INT(index, 0, "Waitany index of a truncated receive");
    }

    /* Startall over every kind of persistent request, twice. */
    char buffer[4 * (sizeof(int) + MPI_BSEND_OVERHEAD)];
    MPI_Buffer_attach(buffer, (int) sizeof buffer);
    int received[4] = {0, 0, 0, 0}, sent[4] = {1, 2, 3, 4};
    MPI_Request receives[4], sends[4];
    for (int i = 0; i < 4; i++)
        MPI_Recv_init(&received[i], 1, MPI_INT, 0, 20 + i, MPI_COMM_SELF, &receives[i]);
    MPI_Send_init(&sent[0], 1, MPI_INT, 0, 20, MPI_COMM_SELF, &sends[0]);
    MPI_Bsend_init(&sent[1], 1, MPI_INT, 0, 21, MPI_COMM_SELF, &sends[1]);
    MPI_Ssend_init(&sent[2], 1, MPI_INT, 0, 22, MPI_COMM_SELF, &sends[2]);
    MPI_Rsend_init(&sent[3], 1, MPI_INT, 0, 23, MPI_COMM_SELF, &sends[3]);
    for (int round = 0; round < 2; round++) {
        memset(received, 0, sizeof received);
        MPI_Startall(4, receives);
        MPI_Startall(4, sends);
        MPI_Waitall(4, sends, MPI_STATUSES_IGNORE);
        MPI_Waitall(4, receives, MPI_STATUSES_IGNORE);
        for (int i = 0; i < 4; i++)
            CHECK_INT(received[i], sent[i], "Startall of every kind");
    }
    for (int i = 0; i < 4; i++) {
        MPI_Request_free(&receives[i]);
        MPI_Request_free(&sends[i]);
    }
    void *detached;
    int detachedSize;
    MPI_Buffer_detach(&detached, &detachedSize);
    return tu_finish();
}
