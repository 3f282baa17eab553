/*
 * p2p_cancel.c - MPI_Cancel of receives (a posted one that has not matched completes
 * cancelled; one that matched already completes with its data), of persistent receives,
 * Test_cancelled, Request_get_status (does not free), the status accessors
 * (Status_set_elements, Status_set_cancelled; MPI 5.0's get/set of source, tag, error
 * and Request_get_status_all/any/some).
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, flag, count, value = 0, data = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Request request;
    MPI_Status status;

    /* A receive no message will match: cancelled. */
    MPI_Irecv(&value, 1, MPI_INT, 0, 77, MPI_COMM_SELF, &request);
    MPI_Cancel(&request);
    CHECK(request != MPI_REQUEST_NULL, "MPI_Cancel freed the request");
    MPI_Wait(&request, &status);
    MPI_Test_cancelled(&status, &flag);
    CHECK(flag, "a receive with no message was not cancelled");
    CHECK(request == MPI_REQUEST_NULL, "Wait after a cancel left the request");
    /* A message sent now does not go to the cancelled receive. */
    data = 42 + rank;
    MPI_Send(&data, 1, MPI_INT, 0, 77, MPI_COMM_SELF);
    MPI_Recv(&value, 1, MPI_INT, 0, 77, MPI_COMM_SELF, &status);
    CHECK_INT(value, 42 + rank, "the message after a cancelled receive");
    MPI_Test_cancelled(&status, &flag);
    CHECK(!flag, "a completed receive says cancelled");

    /* A receive that matched at once cannot be cancelled. */
    MPI_Send(&data, 1, MPI_INT, 0, 78, MPI_COMM_SELF);
    value = 0;
    MPI_Irecv(&value, 1, MPI_INT, 0, 78, MPI_COMM_SELF, &request);
    flag = 0;
    while (!flag)
        MPI_Request_get_status(request, &flag, MPI_STATUS_IGNORE);
    MPI_Cancel(&request);
    MPI_Wait(&request, &status);
    MPI_Test_cancelled(&status, &flag);
    CHECK(!flag, "a matched receive was cancelled");
    CHECK_INT(value, 42 + rank, "a matched receive's data");

    /* A persistent receive: cancelled once, then used. */
    MPI_Recv_init(&value, 1, MPI_INT, 0, 79, MPI_COMM_SELF, &request);
    MPI_Start(&request);
    MPI_Cancel(&request);
    MPI_Wait(&request, &status);
    MPI_Test_cancelled(&status, &flag);
    CHECK(flag, "a persistent receive was not cancelled");
    CHECK(request != MPI_REQUEST_NULL, "a persistent request was freed by Wait");
    MPI_Start(&request);
    MPI_Send(&data, 1, MPI_INT, 0, 79, MPI_COMM_SELF);
    MPI_Wait(&request, &status);
    MPI_Test_cancelled(&status, &flag);
    CHECK(!flag, "the restarted persistent receive says cancelled");
    CHECK_INT(status.MPI_TAG, 79, "the restarted persistent receive's tag");
    MPI_Request_free(&request);

    /* Request_get_status leaves the request to its wait. */
    MPI_Irecv(&value, 1, MPI_INT, 0, 80, MPI_COMM_SELF, &request);
    MPI_Request_get_status(request, &flag, &status);
    CHECK(!flag, "Request_get_status of a receive with no message gave flag 1");
    MPI_Send(&data, 1, MPI_INT, 0, 80, MPI_COMM_SELF);
    flag = 0;
    while (!flag)
        MPI_Request_get_status(request, &flag, &status);
    CHECK_INT(status.MPI_TAG, 80, "Request_get_status tag");
    CHECK(request != MPI_REQUEST_NULL, "Request_get_status freed the request");
    MPI_Wait(&request, &status);
    CHECK_INT(status.MPI_TAG, 80, "Wait after Request_get_status");
    request = MPI_REQUEST_NULL;
    MPI_Request_get_status(request, &flag, &status);
    CHECK(flag, "Request_get_status of MPI_REQUEST_NULL gave flag 0");
    CHECK_INT(status.MPI_TAG, MPI_ANY_TAG, "Request_get_status of MPI_REQUEST_NULL: tag");
    CHECK_INT(status.MPI_SOURCE, MPI_ANY_SOURCE, "Request_get_status of MPI_REQUEST_NULL: source");

    /* Setting a status. */
    MPI_Status_set_elements(&status, MPI_INT, 5);
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, 5, "Get_count after Status_set_elements");
    MPI_Get_count(&status, MPI_BYTE, &count);
    CHECK_INT(count, 5 * (int) sizeof(int), "Get_count in bytes after Status_set_elements");
    MPI_Status_set_cancelled(&status, 1);
    MPI_Test_cancelled(&status, &flag);
    CHECK(flag, "Status_set_cancelled 1");
    MPI_Status_set_cancelled(&status, 0);
    MPI_Test_cancelled(&status, &flag);
    CHECK(!flag, "Status_set_cancelled 0");
    MPI_Status_set_elements_x(&status, MPI_DOUBLE, (MPI_Count) 3);
    MPI_Get_count(&status, MPI_DOUBLE, &count);
    CHECK_INT(count, 3, "Get_count after Status_set_elements_x");

#if MPI_VERSION >= 5
    int got;
    MPI_Status_set_source(&status, 3);
    MPI_Status_get_source(&status, &got);
    CHECK_INT(got, 3, "Status_get_source");
    MPI_Status_set_tag(&status, 9);
    MPI_Status_get_tag(&status, &got);
    CHECK_INT(got, 9, "Status_get_tag");
    MPI_Status_set_error(&status, MPI_ERR_TAG);
    MPI_Status_get_error(&status, &got);
    CHECK_INT(got, MPI_ERR_TAG, "Status_get_error");
    MPI_Status_set_elements_c(&status, MPI_INT, (MPI_Count) 7);
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, 7, "Get_count after Status_set_elements_c");

    MPI_Request requests[3];
    MPI_Status statuses[3];
    int values[2], index, outcount, indices[3];
    MPI_Irecv(&values[0], 1, MPI_INT, 0, 81, MPI_COMM_SELF, &requests[0]);
    MPI_Irecv(&values[1], 1, MPI_INT, 0, 82, MPI_COMM_SELF, &requests[1]);
    requests[2] = MPI_REQUEST_NULL;
    MPI_Request_get_status_all(3, requests, &flag, statuses);
    CHECK(!flag, "Request_get_status_all with nothing arrived");
    MPI_Request_get_status_any(3, requests, &index, &flag, &status);
    CHECK(!flag, "Request_get_status_any with nothing arrived");
    MPI_Send(&data, 1, MPI_INT, 0, 82, MPI_COMM_SELF);
    flag = 0;
    while (!flag)
        MPI_Request_get_status_any(3, requests, &index, &flag, &status);
    CHECK_INT(index, 1, "Request_get_status_any index");
    MPI_Request_get_status_some(3, requests, &outcount, indices, statuses);
    CHECK(outcount == 1 && indices[0] == 1, "Request_get_status_some gave %d requests", outcount);
    MPI_Send(&data, 1, MPI_INT, 0, 81, MPI_COMM_SELF);
    flag = 0;
    while (!flag)
        MPI_Request_get_status_all(3, requests, &flag, statuses);
    CHECK(statuses[0].MPI_TAG == 81 && statuses[1].MPI_TAG == 82, "Request_get_status_all tags");
    CHECK(requests[0] != MPI_REQUEST_NULL && requests[1] != MPI_REQUEST_NULL, "Request_get_status_all freed requests");
    MPI_Waitall(3, requests, MPI_STATUSES_IGNORE);
    MPI_Request_get_status_any(3, requests, &index, &flag, &status);
    CHECK(flag && index == MPI_UNDEFINED, "Request_get_status_any of null requests");
#endif
    return tu_finish();
}
