/*
 * p2p_mprobe.c - matched probes: Mprobe/Improbe take a message out of matching (a later
 * receive, a probe, cannot see it), Mrecv/Imrecv receive it, short and long
 * (rendezvous) messages, MPI_PROC_NULL gives MPI_MESSAGE_NO_PROC, the handle becomes
 * MPI_MESSAGE_NULL once received; the large-count forms (MPI 4).
 */
#include "testutil.h"

#define LONG_COUNT (1 << 18)

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
    int *out = malloc(LONG_COUNT * sizeof(int)), *in = malloc(LONG_COUNT * sizeof(int));
    for (int i = 0; i < LONG_COUNT; i++)
        out[i] = rank * 7 + i;
    MPI_Request sends[4];
    MPI_Status status;
    MPI_Message message;
    int count, flag;

    /* A (tag 3, short), B (tag 4, short), C (tag 5, long) to the next rank. */
    MPI_Isend(out, 10, MPI_INT, next, 3, MPI_COMM_WORLD, &sends[0]);
    MPI_Isend(out + 1, 10, MPI_INT, next, 4, MPI_COMM_WORLD, &sends[1]);
    MPI_Isend(out, LONG_COUNT, MPI_INT, next, 5, MPI_COMM_WORLD, &sends[2]);

    MPI_Mprobe(prev, 3, MPI_COMM_WORLD, &message, &status);
    CHECK(message != MPI_MESSAGE_NULL && message != MPI_MESSAGE_NO_PROC, "Mprobe gave no message");
    CHECK_INT(status.MPI_SOURCE, prev, "Mprobe source");
    CHECK_INT(status.MPI_TAG, 3, "Mprobe tag");
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, 10, "Mprobe count");
    /* The matched message is out of reach of probes and receives. */
    MPI_Iprobe(prev, 3, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    CHECK(!flag, "Iprobe found a message already matched by Mprobe");
    memset(in, 0, 10 * sizeof(int));
    MPI_Recv(in, 10, MPI_INT, prev, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    CHECK_INT(status.MPI_TAG, 4, "a receive after Mprobe got the tag");
    CHECK_INT(in[0], prev * 7 + 1, "the receive after Mprobe");
    memset(in, 0, 10 * sizeof(int));
    MPI_Mrecv(in, 10, MPI_INT, &message, &status);
    CHECK(message == MPI_MESSAGE_NULL, "Mrecv left the message handle");
    CHECK_INT(status.MPI_TAG, 3, "Mrecv tag");
    CHECK_INT(in[9], prev * 7 + 9, "Mrecv data");

    /* The long one, by Improbe and Imrecv. */
    flag = 0;
    while (!flag)
        MPI_Improbe(MPI_ANY_SOURCE, 5, MPI_COMM_WORLD, &flag, &message, &status);
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, LONG_COUNT, "Improbe count of a long message");
    CHECK_INT(status.MPI_SOURCE, prev, "Improbe source");
    MPI_Request request;
    memset(in, 0, LONG_COUNT * sizeof(int));
    MPI_Imrecv(in, LONG_COUNT, MPI_INT, &message, &request);
    CHECK(message == MPI_MESSAGE_NULL, "Imrecv left the message handle");
    MPI_Wait(&request, &status);
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, LONG_COUNT, "Imrecv count");
    CHECK_INT(in[LONG_COUNT - 1], prev * 7 + LONG_COUNT - 1, "Imrecv data");
    MPI_Waitall(3, sends, MPI_STATUSES_IGNORE);

    /* MPI_PROC_NULL. */
    MPI_Mprobe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &message, &status);
    CHECK(message == MPI_MESSAGE_NO_PROC, "Mprobe of MPI_PROC_NULL did not give MPI_MESSAGE_NO_PROC");
    CHECK_INT(status.MPI_SOURCE, MPI_PROC_NULL, "Mprobe of MPI_PROC_NULL: source");
    status.MPI_SOURCE = 1234;
    MPI_Mrecv(in, 10, MPI_INT, &message, &status);
    CHECK(message == MPI_MESSAGE_NULL, "Mrecv of MPI_MESSAGE_NO_PROC left the handle");
    CHECK_INT(status.MPI_SOURCE, MPI_PROC_NULL, "Mrecv of MPI_MESSAGE_NO_PROC: source");
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, 0, "Mrecv of MPI_MESSAGE_NO_PROC: count");
    flag = 0;
    MPI_Improbe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &flag, &message, &status);
    CHECK(flag && message == MPI_MESSAGE_NO_PROC, "Improbe of MPI_PROC_NULL");
    MPI_Imrecv(in, 10, MPI_INT, &message, &request);
    MPI_Wait(&request, &status);
    CHECK_INT(status.MPI_SOURCE, MPI_PROC_NULL, "Imrecv of MPI_MESSAGE_NO_PROC: source");

    /* On MPI_COMM_SELF, with the _c forms where there are. */
    MPI_Send(out, 5, MPI_INT, 0, 8, MPI_COMM_SELF);
    MPI_Mprobe(0, 8, MPI_COMM_SELF, &message, &status);
    memset(in, 0, 5 * sizeof(int));
#if MPI_VERSION >= 4
    MPI_Mrecv_c(in, (MPI_Count) 5, MPI_INT, &message, &status);
#else
    MPI_Mrecv(in, 5, MPI_INT, &message, &status);
#endif
    CHECK_INT(in[4], rank * 7 + 4, "Mrecv on MPI_COMM_SELF");
    CHECK_INT(status.MPI_SOURCE, 0, "Mrecv on MPI_COMM_SELF: source");
    free(out);
    free(in);
    return tu_finish();
}
