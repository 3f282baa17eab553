/*
 * MPI 4's large-count MPI_Get_count_c and MPI_Op_create_c (a user function told its
 * length as an MPI_Count), and MPI 5's session buffers for buffered sends
 * (MPI_Session_attach_buffer ... MPI_Session_iflush_buffer). Open MPI 4.1 has none of
 * them: there the test only says No Errors.
 */
#include "testutil.h"

#if MPI_VERSION >= 4
static MPI_Count calls_length;

/* Sums ints, counting how many elements the calls covered. */
static void sum_c(void *in, void *inout, MPI_Count *length, MPI_Datatype *datatype)
{
    (void) datatype;
    for (MPI_Count i = 0; i < *length; i++)
        ((int *) inout)[i] += ((const int *) in)[i];
    calls_length += *length;
}

static void large_counts(int rank, int size)
{
    int values[5], received[3];
    MPI_Count count = -1;
    MPI_Status status;
    MPI_Op op;

    /* MPI_Get_count_c of a message to oneself: 3 ints, 12 bytes, not a whole double. */
    values[0] = 1, values[1] = 2, values[2] = 3;
    MPI_Sendrecv(values, 3, MPI_INT, rank, 7, received, 3, MPI_INT, rank, 7, MPI_COMM_WORLD, &status);
    CHECK_INT(MPI_Get_count_c(&status, MPI_INT, &count), MPI_SUCCESS, "MPI_Get_count_c");
    CHECK_INT(count, 3, "MPI_Get_count_c of 3 ints");
    CHECK_INT(MPI_Get_count_c(&status, MPI_BYTE, &count), MPI_SUCCESS, "MPI_Get_count_c in bytes");
    CHECK_INT(count, 12, "MPI_Get_count_c of 12 bytes");
    CHECK_INT(MPI_Get_count_c(&status, MPI_DOUBLE, &count), MPI_SUCCESS, "MPI_Get_count_c in doubles");
    CHECK_INT(count, MPI_UNDEFINED, "MPI_Get_count_c of 12 bytes as doubles");

    /* A user operation of MPI_Op_create_c, in a reduction of 5 ints. */
    CHECK_INT(MPI_Op_create_c(sum_c, 1, &op), MPI_SUCCESS, "MPI_Op_create_c");
    for (int i = 0; i < 5; i++)
        values[i] = rank + i;
    MPI_Allreduce(MPI_IN_PLACE, values, 5, MPI_INT, op, MPI_COMM_WORLD);
    for (int i = 0; i < 5; i++)
        CHECK_INT(values[i], size * (size - 1) / 2 + size * i, "element of the MPI_Op_create_c sum");
    /* Each of the 5 elements takes size - 1 combinations, wherever they are done. */
    long long covered = (long long) calls_length, total = 0;
    MPI_Allreduce(&covered, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (size > 1)
        CHECK(total >= 5 * (size - 1), "MPI_Op_create_c's function covered %lld elements in all", total);
    MPI_Op_free(&op);
    CHECK(op == MPI_OP_NULL, "MPI_Op_free of an MPI_Op_create_c operation");
}

static void session_buffers(void)
{
    MPI_Session session;
    MPI_Request request;
    char buffer[2048], other[16];
    void *detached = NULL;
    int size = -1;
    MPI_Count large_size = -1;

    if (MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &session) != MPI_SUCCESS) {
        FAIL("MPI_Session_init");
        return;
    }
    /* With none attached: a null buffer of 0 bytes. */
    CHECK_INT(MPI_Session_detach_buffer(session, &detached, &size), MPI_SUCCESS, "detach with none attached");
    CHECK(detached == NULL && size == 0, "detach with none attached gave %p, %d", detached, size);

    CHECK_INT(MPI_Session_attach_buffer(session, buffer, (int) sizeof buffer), MPI_SUCCESS, "MPI_Session_attach_buffer");
    CHECK_CLASS(MPI_Session_attach_buffer(session, other, (int) sizeof other), MPI_ERR_BUFFER, "a second attach");
    CHECK_INT(MPI_Session_flush_buffer(session), MPI_SUCCESS, "MPI_Session_flush_buffer");
    CHECK_INT(MPI_Session_iflush_buffer(session, &request), MPI_SUCCESS, "MPI_Session_iflush_buffer");
    CHECK_INT(MPI_Wait(&request, MPI_STATUS_IGNORE), MPI_SUCCESS, "MPI_Wait of the flush");
    CHECK(request == MPI_REQUEST_NULL, "the flush's request after MPI_Wait");
    CHECK_INT(MPI_Session_detach_buffer(session, &detached, &size), MPI_SUCCESS, "MPI_Session_detach_buffer");
    CHECK(detached == buffer && size == (int) sizeof buffer, "detached %p, %d bytes", detached, size);

    CHECK_INT(MPI_Session_attach_buffer_c(session, other, (MPI_Count) sizeof other), MPI_SUCCESS, "MPI_Session_attach_buffer_c");
    CHECK_INT(MPI_Session_detach_buffer_c(session, &detached, &large_size), MPI_SUCCESS, "MPI_Session_detach_buffer_c");
    CHECK(detached == other && large_size == (MPI_Count) sizeof other, "detached %p, %lld bytes", detached, (long long) large_size);

    CHECK_CLASS(MPI_Session_attach_buffer(session, buffer, -1), MPI_ERR_ARG, "a negative size");
    CHECK_INT(MPI_Session_finalize(&session), MPI_SUCCESS, "MPI_Session_finalize");
}
#endif

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
#if MPI_VERSION >= 4
    large_counts(rank, size);
    session_buffers();
#endif
    return tu_finish();
}
