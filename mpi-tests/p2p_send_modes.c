/*
 * p2p_send_modes.c - the buffered, synchronous and ready send modes: blocking,
 * immediate and persistent; Buffer_attach/detach (detach returns the buffer, a Bsend
 * that does not fit is MPI_ERR_BUFFER); an Issend does not complete before its receive
 * is posted; MPI_PROC_NULL with every mode; the large-count forms (MPI 4).
 */
#include "testutil.h"

#define N 1000
#define LONG (1 << 20)

static void fill(int *values, int n, int seed)
{
    for (int i = 0; i < n; i++)
        values[i] = seed * 100000 + i;
}

static void expect(const int *values, int n, int seed, const char *what)
{
    for (int i = 0; i < n; i++)
        if (values[i] != seed * 100000 + i) {
            FAIL("%s: element %d is %d, expected %d", what, i, values[i], seed * 100000 + i);
            return;
        }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
    int *out = malloc(LONG), *in = malloc(LONG);
    int longCount = LONG / (int) sizeof(int);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    /* Buffered: three short messages and a long one, all in the attached buffer. */
    int bufferSize = 3 * (N * (int) sizeof(int) + MPI_BSEND_OVERHEAD) + LONG + MPI_BSEND_OVERHEAD;
    char *buffer = malloc((size_t) bufferSize);
    CHECK_INT(MPI_Buffer_attach(buffer, bufferSize), MPI_SUCCESS, "Buffer_attach");
    for (int k = 0; k < 3; k++) {
        fill(out, N, rank + k);
        CHECK_INT(MPI_Bsend(out, N, MPI_INT, next, k, MPI_COMM_WORLD), MPI_SUCCESS, "Bsend");
    }
    fill(out, longCount, rank + 7);
    CHECK_INT(MPI_Bsend(out, longCount, MPI_INT, next, 7, MPI_COMM_WORLD), MPI_SUCCESS, "long Bsend");
    /* The data was copied: changing the buffer now changes nothing. */
    memset(out, 0, LONG);
    for (int k = 2; k >= 0; k--) {
        MPI_Recv(in, N, MPI_INT, prev, k, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        expect(in, N, prev + k, "Bsend");
    }
    MPI_Recv(in, longCount, MPI_INT, prev, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(in, longCount, prev + 7, "long Bsend");
    void *detached = NULL;
    int detachedSize = 0;
    CHECK_INT(MPI_Buffer_detach(&detached, &detachedSize), MPI_SUCCESS, "Buffer_detach");
    CHECK(detached == buffer, "Buffer_detach gave another address");
    CHECK_INT(detachedSize, bufferSize, "Buffer_detach size");

#ifndef OPEN_MPI
    /* A Bsend bigger than the buffer: MPI_ERR_BUFFER, nothing sent. (Open MPI sends
       it anyway when it can go at once.) */
    int smallSize = N * (int) sizeof(int) / 2 + MPI_BSEND_OVERHEAD;
    MPI_Buffer_attach(buffer, smallSize);
    CHECK_CLASS(MPI_Bsend(out, N, MPI_INT, next, 9, MPI_COMM_WORLD), MPI_ERR_BUFFER, "Bsend that does not fit");
    MPI_Buffer_detach(&detached, &detachedSize);
#endif

    /* Ibsend and Bsend_init: the request completes once the data is buffered. */
    MPI_Buffer_attach(buffer, bufferSize);
    MPI_Request request;
    fill(out, N, rank + 20);
    MPI_Ibsend(out, N, MPI_INT, next, 20, MPI_COMM_WORLD, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    MPI_Recv(in, N, MPI_INT, prev, 20, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(in, N, prev + 20, "Ibsend");
    /* The same data each round: Open MPI 4.1 sends what the buffer held at Bsend_init,
       and to itself sends zeros after the first round. */
    fill(out, N, rank + 21);
    MPI_Bsend_init(out, N, MPI_INT, next, 21, MPI_COMM_WORLD, &request);
    for (int round = 0; round < (size > 1 ? 3 : 1); round++) {
        MPI_Start(&request);
        MPI_Wait(&request, MPI_STATUS_IGNORE);
        MPI_Recv(in, N, MPI_INT, prev, 21, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        expect(in, N, prev + 21, "Bsend_init");
    }
    MPI_Request_free(&request);
    MPI_Buffer_detach(&detached, &detachedSize);

    /* Synchronous: the Issend cannot complete before the receive is posted, which
       happens only after the next rank hears "go" (sent after these tests). */
    if (size > 1) {
        if (rank == 0) {
            int flag = 0, go = 1;
            fill(out, N, 30);
            MPI_Issend(out, N, MPI_INT, 1, 30, MPI_COMM_WORLD, &request);
            for (int k = 0; k < 50 && !flag; k++)
                MPI_Test(&request, &flag, MPI_STATUS_IGNORE);
            CHECK(!flag, "Issend completed before its receive was posted");
            MPI_Send(&go, 1, MPI_INT, 1, 31, MPI_COMM_WORLD);
            if (!flag)
                MPI_Wait(&request, MPI_STATUS_IGNORE);
        } else if (rank == 1) {
            int go;
            MPI_Recv(&go, 1, MPI_INT, 0, 31, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Recv(in, N, MPI_INT, 0, 30, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            expect(in, N, 30, "Issend");
        }
    }
    /* Ssend and Ssend_init around the ring, receives posted first. */
    MPI_Request receive;
    MPI_Irecv(in, N, MPI_INT, prev, 32, MPI_COMM_WORLD, &receive);
    fill(out, N, rank + 32);
    MPI_Ssend(out, N, MPI_INT, next, 32, MPI_COMM_WORLD);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 32, "Ssend");
    MPI_Ssend_init(out, longCount, MPI_INT, next, 33, MPI_COMM_WORLD, &request);
    for (int round = 0; round < 2; round++) {
        fill(out, longCount, rank + 33 + round);
        MPI_Irecv(in, longCount, MPI_INT, prev, 33, MPI_COMM_WORLD, &receive);
        MPI_Start(&request);
        MPI_Wait(&request, MPI_STATUS_IGNORE);
        MPI_Wait(&receive, MPI_STATUS_IGNORE);
        expect(in, longCount, prev + 33 + round, "Ssend_init");
    }
    MPI_Request_free(&request);

    /* Ready: the receive is posted before a barrier, the send after it. */
    MPI_Irecv(in, N, MPI_INT, prev, 40, MPI_COMM_WORLD, &receive);
    MPI_Barrier(MPI_COMM_WORLD);
    fill(out, N, rank + 40);
    MPI_Rsend(out, N, MPI_INT, next, 40, MPI_COMM_WORLD);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 40, "Rsend");
    MPI_Irecv(in, N, MPI_INT, prev, 41, MPI_COMM_WORLD, &receive);
    MPI_Barrier(MPI_COMM_WORLD);
    fill(out, N, rank + 41);
    MPI_Irsend(out, N, MPI_INT, next, 41, MPI_COMM_WORLD, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 41, "Irsend");
    MPI_Rsend_init(out, N, MPI_INT, next, 42, MPI_COMM_WORLD, &request);
    MPI_Irecv(in, N, MPI_INT, prev, 42, MPI_COMM_WORLD, &receive);
    MPI_Barrier(MPI_COMM_WORLD);
    fill(out, N, rank + 42);
    MPI_Start(&request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 42, "Rsend_init");
    MPI_Request_free(&request);

    /* MPI_PROC_NULL: every mode returns at once. */
    CHECK_INT(MPI_Ssend(out, N, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD), MPI_SUCCESS, "Ssend to MPI_PROC_NULL");
    CHECK_INT(MPI_Rsend(out, N, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD), MPI_SUCCESS, "Rsend to MPI_PROC_NULL");
    MPI_Issend(out, N, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);

#if MPI_VERSION >= 5
    /* MPI 5.0: flushing the buffer keeps it attached; a communicator's own buffer. */
    MPI_Buffer_attach(buffer, bufferSize);
    fill(out, longCount, rank + 60);
    MPI_Bsend(out, longCount, MPI_INT, next, 60, MPI_COMM_WORLD);
    MPI_Irecv(in, longCount, MPI_INT, prev, 60, MPI_COMM_WORLD, &receive);
    MPI_Buffer_flush();
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, longCount, prev + 60, "Bsend before Buffer_flush");
    MPI_Bsend(out, longCount, MPI_INT, next, 61, MPI_COMM_WORLD);
    MPI_Irecv(in, longCount, MPI_INT, prev, 61, MPI_COMM_WORLD, &receive);
    MPI_Buffer_iflush(&request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, longCount, prev + 60, "Bsend before Buffer_iflush");
    MPI_Buffer_detach(&detached, &detachedSize);
    CHECK(detached == buffer, "Buffer_detach after a flush gave another address");
    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    char *own = malloc(N * sizeof(int) + MPI_BSEND_OVERHEAD);
    MPI_Comm_attach_buffer(dup, own, N * (int) sizeof(int) + MPI_BSEND_OVERHEAD);
    fill(out, N, rank + 62);
    CHECK_INT(MPI_Bsend(out, N, MPI_INT, next, 62, dup), MPI_SUCCESS, "Bsend into a communicator's buffer");
    MPI_Comm_flush_buffer(dup);
    MPI_Recv(in, N, MPI_INT, prev, 62, dup, MPI_STATUS_IGNORE);
    expect(in, N, prev + 62, "Bsend into a communicator's buffer");
    MPI_Comm_detach_buffer(dup, &detached, &detachedSize);
    CHECK(detached == own, "Comm_detach_buffer gave another address");
    MPI_Comm_free(&dup);
    free(own);
#endif
#if MPI_VERSION >= 4
    /* Large-count forms. */
    MPI_Buffer_attach_c(buffer, (MPI_Count) bufferSize);
    fill(out, N, rank + 50);
    MPI_Bsend_c(out, (MPI_Count) N, MPI_INT, next, 50, MPI_COMM_WORLD);
    MPI_Recv_c(in, (MPI_Count) N, MPI_INT, prev, 50, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(in, N, prev + 50, "Bsend_c");
    MPI_Count detachedCount = 0;
    MPI_Buffer_detach_c(&detached, &detachedCount);
    CHECK_INT(detachedCount, bufferSize, "Buffer_detach_c size");
    MPI_Irecv_c(in, (MPI_Count) N, MPI_INT, prev, 51, MPI_COMM_WORLD, &receive);
    fill(out, N, rank + 51);
    MPI_Ssend_c(out, (MPI_Count) N, MPI_INT, next, 51, MPI_COMM_WORLD);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 51, "Ssend_c");
    MPI_Irecv_c(in, (MPI_Count) N, MPI_INT, prev, 52, MPI_COMM_WORLD, &receive);
    MPI_Barrier(MPI_COMM_WORLD);
    fill(out, N, rank + 52);
    MPI_Rsend_c(out, (MPI_Count) N, MPI_INT, next, 52, MPI_COMM_WORLD);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 52, "Rsend_c");
    MPI_Irecv_c(in, (MPI_Count) N, MPI_INT, prev, 53, MPI_COMM_WORLD, &receive);
    fill(out, N, rank + 53);
    MPI_Send_c(out, (MPI_Count) N, MPI_INT, next, 53, MPI_COMM_WORLD);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    expect(in, N, prev + 53, "Send_c");
    CHECK_CLASS(MPI_Send_c(out, (MPI_Count) -1, MPI_INT, next, 54, MPI_COMM_WORLD), MPI_ERR_COUNT, "Send_c of a negative count");
#endif
    free(buffer);
    free(out);
    free(in);
    return tu_finish();
}
