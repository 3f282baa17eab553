/*
 * p2p_grequest.c - generalized requests: Grequest_start/complete; Test before
 * completion; Wait calls query then free, once each, and gives query's status;
 * MPI_Cancel calls cancel with whether it completed; Request_free before completion
 * calls free once the request completes; a generalized request among others in Waitall.
 */
#include "testutil.h"

typedef struct {
    int queries, frees, cancels, lastComplete, order;
} state_t;

static int query(void *extra, MPI_Status *status)
{
    state_t *state = extra;
    state->queries++;
    state->order = state->order * 10 + 1;
    MPI_Status_set_elements(status, MPI_INT, 3);
    MPI_Status_set_cancelled(status, 0);
    status->MPI_SOURCE = 5;
    status->MPI_TAG = 6;
    return MPI_SUCCESS;
}

static int release(void *extra)
{
    state_t *state = extra;
    state->frees++;
    state->order = state->order * 10 + 2;
    return MPI_SUCCESS;
}

static int cancel(void *extra, int complete)
{
    state_t *state = extra;
    state->cancels++;
    state->lastComplete = complete;
    return MPI_SUCCESS;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    state_t state = {0, 0, 0, -1, 0};
    MPI_Request request;
    MPI_Status status;
    int flag = 1, count;

    MPI_Grequest_start(query, release, cancel, &state, &request);
    MPI_Test(&request, &flag, &status);
    CHECK(!flag, "Test of a generalized request not complete gave flag 1");
    MPI_Cancel(&request);
    CHECK_INT(state.cancels, 1, "cancel calls");
    CHECK_INT(state.lastComplete, 0, "cancel's complete argument before completion");
    MPI_Grequest_complete(request);
    MPI_Wait(&request, &status);
    CHECK(request == MPI_REQUEST_NULL, "Wait left the generalized request");
    CHECK_INT(state.queries, 1, "query calls");
    CHECK_INT(state.frees, 1, "free calls");
    CHECK_INT(state.order, 12, "query then free");
    CHECK_INT(status.MPI_SOURCE, 5, "status source from query");
    CHECK_INT(status.MPI_TAG, 6, "status tag from query");
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, 3, "count from query");

    /* Freed before it completes: free runs at completion. */
    state_t freed = {0, 0, 0, -1, 0};
    MPI_Grequest_start(query, release, cancel, &freed, &request);
    MPI_Request kept = request;
    MPI_Request_free(&request);
    CHECK(request == MPI_REQUEST_NULL, "Request_free left the handle");
    MPI_Grequest_complete(kept);
    CHECK_INT(freed.frees, 1, "free calls of a freed generalized request");
    CHECK_INT(freed.queries, 0, "query calls of a freed generalized request");

    /* Among other requests; cancel after completion says complete. */
    state_t mixed = {0, 0, 0, -1, 0};
    MPI_Request requests[2];
    int value = 0, data = 17;
    MPI_Grequest_start(query, release, cancel, &mixed, &requests[0]);
    MPI_Irecv(&value, 1, MPI_INT, 0, 3, MPI_COMM_SELF, &requests[1]);
    MPI_Send(&data, 1, MPI_INT, 0, 3, MPI_COMM_SELF);
    MPI_Grequest_complete(requests[0]);
    MPI_Cancel(&requests[0]);
    CHECK_INT(mixed.lastComplete, 1, "cancel's complete argument after completion");
    MPI_Status statuses[2];
    MPI_Waitall(2, requests, statuses);
    CHECK_INT(statuses[0].MPI_TAG, 6, "Waitall: the generalized request's status");
    CHECK_INT(statuses[1].MPI_TAG, 3, "Waitall: the receive's status");
    CHECK_INT(value, 17, "Waitall: the receive's data");
    CHECK_INT(mixed.order, 12, "Waitall: query then free");
    return tu_finish();
}
