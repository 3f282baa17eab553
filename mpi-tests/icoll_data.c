/*
 * The non-blocking data-moving collectives: MPI_Ibarrier, MPI_Ibcast, MPI_Igather(v),
 * MPI_Iscatter(v), MPI_Iallgather(v), MPI_Ialltoall(v,w), and the blocking
 * MPI_Alltoallw:
 *  - a strided (vector) datatype on one side and contiguous ints on the other, so
 *    that data is packed and unpacked;
 *  - MPI_IN_PLACE wherever MPI allows it;
 *  - every root; short, long (rendezvous-sized) and empty messages;
 *  - several outstanding at once on one communicator, with point-to-point messages
 *    and a blocking collective among them, completed in any order (MPI_Waitany);
 *  - MPI_Ibarrier completed by polling while point-to-point messages flow, and
 *    completed on one rank while the others block in a receive (MPI's progress rule).
 * Several communicators (see tu_next_comm).
 */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#define LONG 40000

static MPI_Datatype strided;    /* 3 ints, every other one: a vector's extent is 5 ints */

static int value(int rank, int i) { return rank * 1000 + i; }

/* Block j of a buffer of strided elements: ints 0, 2, 4 of each 5. */
static int strided_at(const int *buf, int element, int k) { return buf[element * 5 + 2 * k]; }

static void barrier_polled(MPI_Comm comm, const char *cname)
{
    int rank, size, done = 0, got = -1, mine, polls = 0;
    MPI_Request barrier, p2p[2];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    mine = rank;
    MPI_Irecv(&got, 1, MPI_INT, (rank + size - 1) % size, 3, comm, &p2p[0]);
    MPI_Ibarrier(comm, &barrier);
    MPI_Isend(&mine, 1, MPI_INT, (rank + 1) % size, 3, comm, &p2p[1]);
    while (!done) {
        MPI_Test(&barrier, &done, MPI_STATUS_IGNORE);
        polls++;
    }
    CHECK(barrier == MPI_REQUEST_NULL, "MPI_Test did not free the finished MPI_Ibarrier request on %s", cname);
    MPI_Waitall(2, p2p, MPI_STATUSES_IGNORE);
    CHECK_INT(got, (rank + size - 1) % size, "message sent around an MPI_Ibarrier");
}

/* MPI's progress rule: rank 0 waits for the barrier while the others sit in a
   blocking receive that only rank 0's message, sent after its barrier, satisfies. */
static void barrier_progress(MPI_Comm comm, const char *cname)
{
    int rank, size, token = -1;
    MPI_Request barrier;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Ibarrier(comm, &barrier);
    if (rank == 0) {
        MPI_Wait(&barrier, MPI_STATUS_IGNORE);
        token = 1;
        if (size > 1) {
            MPI_Send(&token, 1, MPI_INT, 1, 5, comm);
            MPI_Recv(&token, 1, MPI_INT, size - 1, 5, comm, MPI_STATUS_IGNORE);
        }
    } else {
        MPI_Recv(&token, 1, MPI_INT, rank - 1, 5, comm, MPI_STATUS_IGNORE);
        token++;
        MPI_Send(&token, 1, MPI_INT, (rank + 1) % size, 5, comm);
        MPI_Wait(&barrier, MPI_STATUS_IGNORE);
    }
    if (rank == 0)
        CHECK(token == size, "token passed around after an MPI_Ibarrier on %s is %d", cname, token);
}

static void bcast(MPI_Comm comm, int count, const char *cname)
{
    int rank, size, root, i, k;
    int *buf = malloc(sizeof(int) * 5 * (count + 1));
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (root = 0; root < size; root++) {
        for (i = 0; i < 5 * count; i++)
            buf[i] = rank == root ? value(root, i) : -1;
        MPI_Ibcast(buf, count, strided, root, comm, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        for (i = 0; i < count; i++)
            for (k = 0; k < 3; k++)
                if (strided_at(buf, i, k) != value(root, i * 5 + 2 * k)) {
                    FAIL("MPI_Ibcast of %d strided elements from %d on %s: element %d.%d is %d", count, root, cname, i, k, strided_at(buf, i, k));
                    i = count;
                    break;
                }
        /* The gaps between the strided elements are not written. */
        if (rank != root && count > 0)
            CHECK(buf[1] == -1, "MPI_Ibcast wrote between strided elements on %s", cname);
    }
    free(buf);
}

static void gather_scatter(MPI_Comm comm, const char *cname)
{
    int rank, size, root, i, k, inplace;
    int mine[3], gathered[8 * 5], flat[8 * 3], part[3], counts[8], displs[8];
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (root = 0; root < size; root++)
        for (inplace = 0; inplace < 2; inplace++) {
            /* Igather: 3 ints from each rank, one strided element per rank at the root. */
            for (k = 0; k < 3; k++)
                mine[k] = value(rank, k);
            for (i = 0; i < size * 5; i++)
                gathered[i] = -1;
            if (inplace && rank == root)
                for (k = 0; k < 3; k++)
                    gathered[root * 5 + 2 * k] = value(root, k);
            MPI_Igather(inplace && rank == root ? MPI_IN_PLACE : mine, 3, MPI_INT, gathered, 1, strided, root, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            if (rank == root)
                for (i = 0; i < size; i++)
                    for (k = 0; k < 3; k++)
                        CHECK(strided_at(gathered, i, k) == value(i, k), "MPI_Igather%s to %d on %s: block %d.%d is %d",
                              inplace ? " (in place)" : "", root, cname, i, k, strided_at(gathered, i, k));

            /* Igatherv: rank i sends i % 3 + 1 ints, placed in reverse rank order. */
            for (i = 0; i < size; i++)
                counts[i] = i % 3 + 1;
            for (i = size - 1, k = 0; i >= 0; i--) {
                displs[i] = k;
                k += counts[i];
            }
            for (i = 0; i < size * 3; i++)
                flat[i] = -1;
            if (inplace && rank == root)
                for (k = 0; k < counts[root]; k++)
                    flat[displs[root] + k] = value(root, k);
            MPI_Igatherv(inplace && rank == root ? MPI_IN_PLACE : mine, rank % 3 + 1, MPI_INT, flat, counts, displs, MPI_INT, root, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            if (rank == root)
                for (i = 0; i < size; i++)
                    for (k = 0; k < counts[i]; k++)
                        CHECK(flat[displs[i] + k] == value(i, k), "MPI_Igatherv%s to %d on %s: rank %d's element %d is %d",
                              inplace ? " (in place)" : "", root, cname, i, k, flat[displs[i] + k]);

            /* Iscatter: one strided element per rank from the root, 3 ints received. */
            for (i = 0; i < size * 5; i++)
                gathered[i] = rank == root ? value(root, i) : -1;
            part[0] = part[1] = part[2] = -1;
            MPI_Iscatter(gathered, 1, strided, inplace && rank == root ? MPI_IN_PLACE : part, 3, MPI_INT, root, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            if (!(inplace && rank == root))
                for (k = 0; k < 3; k++)
                    CHECK(part[k] == value(root, rank * 5 + 2 * k), "MPI_Iscatter from %d on %s: element %d is %d", root, cname, k, part[k]);

            /* Iscatterv with the Igatherv layout. */
            for (i = 0; i < size * 3; i++)
                flat[i] = value(root, i);
            part[0] = part[1] = part[2] = -1;
            MPI_Iscatterv(flat, counts, displs, MPI_INT, inplace && rank == root ? MPI_IN_PLACE : part, rank % 3 + 1, MPI_INT, root, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            if (!(inplace && rank == root))
                for (k = 0; k < rank % 3 + 1; k++)
                    CHECK(part[k] == value(root, displs[rank] + k), "MPI_Iscatterv from %d on %s: element %d is %d", root, cname, k, part[k]);
        }
}

static void allgather(MPI_Comm comm, int count, const char *cname)
{
    int rank, size, i, inplace;
    int *mine = malloc(sizeof(int) * (count + 1)), *all = malloc(sizeof(int) * 8 * (count + 1));
    int counts[8], displs[8];
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (inplace = 0; inplace < 2; inplace++) {
        for (i = 0; i < count; i++)
            mine[i] = value(rank, i);
        for (i = 0; i < size * count; i++)
            all[i] = inplace && i / count == rank ? value(rank, i % count) : -1;
        MPI_Iallgather(inplace ? MPI_IN_PLACE : mine, count, MPI_INT, all, count, MPI_INT, comm, &req);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        for (i = 0; i < size * count; i++)
            if (all[i] != value(i / count, i % count)) {
                FAIL("MPI_Iallgather%s of %d ints on %s: element %d is %d", inplace ? " (in place)" : "", count, cname, i, all[i]);
                break;
            }
        /* Iallgatherv: rank i gives i % 2 + 1 ints of its block, blocks in reverse order. */
        if (count >= 2) {
            int k, next = 0;
            for (i = size - 1; i >= 0; i--) {
                counts[i] = i % 2 + 1;
                displs[i] = next;
                next += counts[i] + 1;
            }
            for (i = 0; i < size * count; i++)
                all[i] = -1;
            if (inplace)
                for (k = 0; k < counts[rank]; k++)
                    all[displs[rank] + k] = value(rank, k);
            MPI_Iallgatherv(inplace ? MPI_IN_PLACE : mine, rank % 2 + 1, MPI_INT, all, counts, displs, MPI_INT, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            for (i = 0; i < size; i++)
                for (k = 0; k < counts[i]; k++)
                    CHECK(all[displs[i] + k] == value(i, k), "MPI_Iallgatherv%s on %s: rank %d's element %d is %d",
                          inplace ? " (in place)" : "", cname, i, k, all[displs[i] + k]);
        }
    }
    free(mine);
    free(all);
}

/* Ialltoall(v,w) and Alltoallw: block j of rank r is value(r, j * 100 + k). */
static void alltoall(MPI_Comm comm, int count, const char *cname)
{
    int rank, size, i, j, k, inplace, form;
    int *out = malloc(sizeof(int) * 8 * (count + 1)), *in = malloc(sizeof(int) * 8 * (count + 1));
    int scounts[8], sdispls[8], rcounts[8], rdispls[8];
    MPI_Datatype types[8];
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (j = 0; j < size; j++) {
        scounts[j] = rcounts[j] = count;
        sdispls[j] = rdispls[j] = j * count;
        types[j] = MPI_INT;
    }
    for (form = 0; form < 4; form++)
        for (inplace = 0; inplace < 2; inplace++) {
            int bytes[8];
            for (j = 0; j < size; j++)
                for (k = 0; k < count; k++) {
                    out[j * count + k] = value(rank, j * 100 + k);
                    in[j * count + k] = inplace ? value(rank, j * 100 + k) : -1;
                }
            for (j = 0; j < size; j++)
                bytes[j] = (int) sizeof(int) * j * count;
            switch (form) {
            case 0:
                MPI_Ialltoall(inplace ? MPI_IN_PLACE : out, count, MPI_INT, in, count, MPI_INT, comm, &req);
                break;
            case 1:
                MPI_Ialltoallv(inplace ? MPI_IN_PLACE : out, scounts, sdispls, MPI_INT, in, rcounts, rdispls, MPI_INT, comm, &req);
                break;
            case 2:
                MPI_Ialltoallw(inplace ? MPI_IN_PLACE : out, scounts, bytes, types, in, rcounts, bytes, types, comm, &req);
                break;
            default:
                MPI_Alltoallw(inplace ? MPI_IN_PLACE : out, scounts, bytes, types, in, rcounts, bytes, types, comm);
                req = MPI_REQUEST_NULL;
            }
            MPI_Wait(&req, MPI_STATUS_IGNORE);
            for (i = 0; i < size; i++)
                for (k = 0; k < count; k++)
                    if (in[i * count + k] != value(i, rank * 100 + k)) {
                        FAIL("%s%s of %d ints on %s: block %d element %d is %d", form == 0 ? "MPI_Ialltoall" : form == 1 ? "MPI_Ialltoallv" :
                             form == 2 ? "MPI_Ialltoallw" : "MPI_Alltoallw", inplace ? " (in place)" : "", count, cname, i, k, in[i * count + k]);
                        i = size;
                        break;
                    }
        }
    free(out);
    free(in);
}

/* Alltoallw with a strided type going out and ints coming in, different per peer. */
static void alltoallw_mixed(MPI_Comm comm, const char *cname)
{
    int rank, size, j, k;
    int out[8 * 5], in[8 * 3], scounts[8], sdispls[8], rcounts[8], rdispls[8];
    MPI_Datatype stypes[8], rtypes[8];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (j = 0; j < size * 5; j++)
        out[j] = value(rank, j);
    for (j = 0; j < size; j++) {
        scounts[j] = 1;
        stypes[j] = strided;
        sdispls[j] = (int) sizeof(int) * 5 * j;
        rcounts[j] = 3;
        rtypes[j] = MPI_INT;
        rdispls[j] = (int) sizeof(int) * 3 * (size - 1 - j);
    }
    MPI_Alltoallw(out, scounts, sdispls, stypes, in, rcounts, rdispls, rtypes, comm);
    for (j = 0; j < size; j++)
        for (k = 0; k < 3; k++)
            CHECK(in[3 * (size - 1 - j) + k] == value(j, rank * 5 + 2 * k), "MPI_Alltoallw (strided to ints) on %s: from %d element %d is %d",
                  cname, j, k, in[3 * (size - 1 - j) + k]);
}

/* Several at once, completed in whatever order they finish. */
static void outstanding(MPI_Comm comm, const char *cname)
{
    int rank, size, i, index, remaining;
    int b = -1, g[8], a[8], t[8], t2[8], sum = 0, mine;
    MPI_Request req[6];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    mine = rank + 1;
    if (rank == 0)
        b = 77;
    for (i = 0; i < size; i++)
        t[i] = rank * 10 + i;
    MPI_Ibcast(&b, 1, MPI_INT, 0, comm, &req[0]);
    MPI_Igather(&mine, 1, MPI_INT, g, 1, MPI_INT, size - 1, comm, &req[1]);
    MPI_Iallgather(&mine, 1, MPI_INT, a, 1, MPI_INT, comm, &req[2]);
    MPI_Ialltoall(t, 1, MPI_INT, t2, 1, MPI_INT, comm, &req[3]);
    MPI_Ibarrier(comm, &req[4]);
    MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, comm);
    MPI_Iallreduce(MPI_IN_PLACE, &mine, 1, MPI_INT, MPI_MAX, comm, &req[5]);
    for (remaining = 6; remaining > 0; remaining--)
        MPI_Waitany(6, req, &index, MPI_STATUS_IGNORE);
    CHECK_INT(b, 77, "MPI_Ibcast among others");
    CHECK_INT(sum, size * (size + 1) / 2, "blocking MPI_Allreduce among non-blocking ones");
    CHECK_INT(mine, size, "MPI_Iallreduce MAX among others");
    for (i = 0; i < size; i++) {
        if (rank == size - 1)
            CHECK(g[i] == i + 1, "MPI_Igather among others on %s: %d is %d", cname, i, g[i]);
        CHECK(a[i] == i + 1, "MPI_Iallgather among others on %s: %d is %d", cname, i, a[i]);
        CHECK(t2[i] == i * 10 + rank, "MPI_Ialltoall among others on %s: %d is %d", cname, i, t2[i]);
    }
}

int main(int argc, char **argv)
{
    int idx = 0;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    MPI_Type_vector(3, 1, 2, MPI_INT, &strided);
    MPI_Type_commit(&strided);
    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            barrier_polled(comm, cname);
            barrier_progress(comm, cname);
            bcast(comm, 0, cname);
            bcast(comm, 3, cname);
            bcast(comm, LONG / 5, cname);
            gather_scatter(comm, cname);
            allgather(comm, 1, cname);
            allgather(comm, 4, cname);
            allgather(comm, LONG, cname);
            alltoall(comm, 0, cname);
            alltoall(comm, 3, cname);
            alltoall(comm, LONG / 8, cname);
            alltoallw_mixed(comm, cname);
            outstanding(comm, cname);
        }
        tu_free_comm(&comm);
    }

    MPI_Type_free(&strided);
    return tu_finish();
}
