/*
 * MPI_ANY_SOURCE and MPI_ANY_TAG: the status says who sent and with what tag,
 * every message is received exactly once, and a wildcard on one field still
 * matches the other field exactly.  Needs at least 2 processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, i, src, round;
    int *seen;
    MPI_Status st;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }
    seen = calloc((size_t) size, sizeof(int));

    /* 1. Every other rank sends 3 messages with tags 100+rank, 200+rank, 300+rank
          and payload [rank, tag, round]; rank 0 receives them all with
          ANY_SOURCE and ANY_TAG.  From one sender they arrive in order. */
    if (rank == 0) {
        int *next_round = calloc((size_t) size, sizeof(int));
        for (i = 0; i < 3 * (size - 1); i++) {
            int msg[3] = { -1, -1, -1 }, n = -1;
            MPI_Recv(msg, 3, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, MPI_INT, &n);
            CHECK_INT(n, 3, "count of a wildcard receive");
            CHECK(st.MPI_SOURCE >= 1 && st.MPI_SOURCE < size,
                  "wildcard receive: status source %d", st.MPI_SOURCE);
            if (st.MPI_SOURCE < 1 || st.MPI_SOURCE >= size)
                continue;
            CHECK_INT(msg[0], st.MPI_SOURCE, "payload sender vs status MPI_SOURCE");
            CHECK_INT(msg[1], st.MPI_TAG, "payload tag vs status MPI_TAG");
            CHECK_INT(msg[2], next_round[st.MPI_SOURCE], "round of the next message from one sender");
            CHECK_INT(st.MPI_TAG, 100 * (next_round[st.MPI_SOURCE] + 1) + st.MPI_SOURCE,
                      "tag of the next message from one sender");
            next_round[st.MPI_SOURCE]++;
        }
        for (src = 1; src < size; src++)
            CHECK_INT(next_round[src], 3, "messages received from one sender");
        free(next_round);
    } else {
        for (round = 0; round < 3; round++) {
            int msg[3];
            msg[0] = rank;
            msg[1] = 100 * (round + 1) + rank;
            msg[2] = round;
            MPI_Send(msg, 3, MPI_INT, 0, msg[1], MPI_COMM_WORLD);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 2. ANY_SOURCE with a given tag: each rank sends tag 7 (payload rank) then
          tag 8 (payload -rank); rank 0 first takes every tag-8 message, then every
          tag-7 message.  The tag selects even though tag 7 was sent first. */
    if (rank == 0) {
        for (src = 0; src < size; src++)
            seen[src] = 0;
        for (i = 0; i < size - 1; i++) {
            int v = 12345;
            MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 8, MPI_COMM_WORLD, &st);
            CHECK_INT(st.MPI_TAG, 8, "tag of an ANY_SOURCE, tag 8 receive");
            CHECK_INT(v, -st.MPI_SOURCE, "payload of a tag 8 message");
            if (st.MPI_SOURCE > 0 && st.MPI_SOURCE < size)
                seen[st.MPI_SOURCE]++;
        }
        for (i = 0; i < size - 1; i++) {
            int v = 12345;
            MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 7, MPI_COMM_WORLD, &st);
            CHECK_INT(st.MPI_TAG, 7, "tag of an ANY_SOURCE, tag 7 receive");
            CHECK_INT(v, st.MPI_SOURCE, "payload of a tag 7 message");
            if (st.MPI_SOURCE > 0 && st.MPI_SOURCE < size)
                seen[st.MPI_SOURCE] += 10;
        }
        for (src = 1; src < size; src++)
            CHECK_INT(seen[src], 11, "one tag 7 and one tag 8 message from each sender");
    } else {
        int v = rank, w = -rank;
        MPI_Send(&v, 1, MPI_INT, 0, 7, MPI_COMM_WORLD);
        MPI_Send(&w, 1, MPI_INT, 0, 8, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 3. A given source with ANY_TAG: rank 0 takes the messages from the highest
          rank down; each sender uses a tag of its own choosing. */
    if (rank == 0) {
        for (src = size - 1; src >= 1; src--) {
            int v = -1;
            MPI_Recv(&v, 1, MPI_INT, src, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            CHECK_INT(st.MPI_SOURCE, src, "source of a given-source, ANY_TAG receive");
            CHECK_INT(st.MPI_TAG, 1000 + 3 * src, "tag of a given-source, ANY_TAG receive");
            CHECK_INT(v, src * src, "payload of a given-source, ANY_TAG receive");
        }
    } else {
        int v = rank * rank;
        MPI_Send(&v, 1, MPI_INT, 0, 1000 + 3 * rank, MPI_COMM_WORLD);
    }

    /* 4. Tag 0 is a valid tag and ANY_TAG matches it; a zero-length message
          carries its envelope. */
    if (rank == size - 1) {
        MPI_Send(NULL, 0, MPI_INT, 0, 0, MPI_COMM_WORLD);
    } else if (rank == 0) {
        int n = -1;
        MPI_Recv(NULL, 0, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        CHECK_INT(st.MPI_SOURCE, size - 1, "source of a zero-length message");
        CHECK_INT(st.MPI_TAG, 0, "tag of a zero-length message");
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK_INT(n, 0, "count of a zero-length message");
    }

    /* 5. Wildcard receives inside a sub-communicator report the sender's rank in
          that communicator, not in MPI_COMM_WORLD (ranks reversed here). */
    {
        MPI_Comm rev;
        int rrank, rsize;
        MPI_Comm_split(MPI_COMM_WORLD, 0, size - rank, &rev);
        MPI_Comm_rank(rev, &rrank);
        MPI_Comm_size(rev, &rsize);
        CHECK_INT(rrank, size - 1 - rank, "rank in the reversed communicator");
        if (rrank == 0) {
            for (i = 0; i < rsize - 1; i++) {
                int v = -1;
                MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, rev, &st);
                CHECK_INT(v, st.MPI_SOURCE, "payload (sender's rank in the reversed comm) vs status");
                CHECK_INT(st.MPI_TAG, 50 + v, "tag in the reversed communicator");
            }
        } else {
            MPI_Send(&rrank, 1, MPI_INT, 0, 50 + rrank, rev);
        }
        MPI_Comm_free(&rev);
    }

    free(seen);
    return tu_finish();
}
