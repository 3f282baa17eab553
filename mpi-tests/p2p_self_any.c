/*
 * p2p_self_any.c - the exchange pattern of mpi4py's test_p2p_obj (testIRecvAndISend),
 * which once hung: an Irecv posted, then an Isend to the next rank (to oneself on
 * MPI_COMM_SELF or with one process), then Waitany twice, Testany loops, Waitall and
 * Testall loops, with short messages and ones long enough for the rendezvous path, on
 * MPI_COMM_WORLD, MPI_COMM_SELF and a duplicate of each.
 */
#include "testutil.h"

static const int sizes[] = {0, 1, 40, 512, 30000, 1 << 20};
#define NSIZES ((int) (sizeof sizes / sizeof sizes[0]))

static void fill(char *buffer, int n, int seed)
{
    for (int i = 0; i < n; i++)
        buffer[i] = (char) ((i * 7 + seed) & 0x7f);
}

static int same(const char *buffer, int n, int seed)
{
    for (int i = 0; i < n; i++)
        if (buffer[i] != (char) ((i * 7 + seed) & 0x7f))
            return 0;
    return 1;
}

static void exchange(MPI_Comm comm, const char *name, int how, int n, char *out, char *in, int capacity)
{
    int rank, size, seed = n + how;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int dst = (rank + 1) % size, src = (rank - 1 + size) % size;
    fill(out, n, seed + rank);
    memset(in, 0, (size_t) capacity);
    MPI_Request requests[2];
    MPI_Status status;
    MPI_Irecv(in, capacity, MPI_BYTE, src, 0, comm, &requests[1]);
    MPI_Isend(out, n, MPI_BYTE, dst, 0, comm, &requests[0]);
    if (how == 0) {
        int first = -1, second = -1;
        MPI_Waitany(2, requests, &first, &status);
        MPI_Waitany(2, requests, &second, &status);
        CHECK(first != second && first >= 0 && second >= 0, "%s: Waitany gave %d then %d", name, first, second);
    } else if (how == 1) {
        int done = 0, index, flag;
        while (done < 2) {
            MPI_Testany(2, requests, &index, &flag, &status);
            if (flag) {
                CHECK(index == 0 || index == 1, "%s: Testany index %d", name, index);
                done++;
            }
        }
    } else if (how == 2) {
        MPI_Status statuses[2];
        MPI_Waitall(2, requests, statuses);
    } else {
        int flag = 0;
        MPI_Status statuses[2];
        while (!flag)
            MPI_Testall(2, requests, &flag, statuses);
    }
    CHECK(requests[0] == MPI_REQUEST_NULL && requests[1] == MPI_REQUEST_NULL, "%s: requests not freed", name);
    CHECK(same(in, n, seed + src), "%s: %d bytes from rank %d arrived wrong (way %d)", name, n, src, how);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int capacity = sizes[NSIZES - 1];
    char *out = malloc((size_t) capacity), *in = malloc((size_t) capacity);
    MPI_Comm dup, selfDup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_dup(MPI_COMM_SELF, &selfDup);
    MPI_Comm comms[4] = {MPI_COMM_WORLD, dup, MPI_COMM_SELF, selfDup};
    const char *names[4] = {"MPI_COMM_WORLD", "dup", "MPI_COMM_SELF", "dup of MPI_COMM_SELF"};
    for (int c = 0; c < 4; c++)
        for (int how = 0; how < 4; how++)
            for (int s = 0; s < NSIZES; s++)
                exchange(comms[c], names[c], how, sizes[s], out, in, capacity);

    /* A receive from oneself tested before its send exists, then Testall to the end. */
    for (int s = 0; s < NSIZES; s++) {
        int rank, flag = 1;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Request requests[2];
        fill(out, sizes[s], s);
        MPI_Irecv(in, capacity, MPI_BYTE, rank, 1, MPI_COMM_WORLD, &requests[1]);
        MPI_Testall(1, &requests[1], &flag, MPI_STATUSES_IGNORE);
        CHECK(!flag, "Testall of a receive with no send yet gave flag %d", flag);
        MPI_Isend(out, sizes[s], MPI_BYTE, rank, 1, MPI_COMM_WORLD, &requests[0]);
        flag = 0;
        while (!flag)
            MPI_Testall(2, requests, &flag, MPI_STATUSES_IGNORE);
        CHECK(same(in, sizes[s], s), "%d bytes to oneself arrived wrong", sizes[s]);
    }
    MPI_Comm_free(&dup);
    MPI_Comm_free(&selfDup);
    free(out);
    free(in);
    return tu_finish();
}
