/*
 * The persistent collectives of MPI 4.0 (MPI_Barrier_init, MPI_Bcast_init,
 * MPI_Gather(v)_init, MPI_Scatter(v)_init, MPI_Allgather(v)_init,
 * MPI_Alltoall(v,w)_init, MPI_Reduce_init, MPI_Allreduce_init,
 * MPI_Reduce_scatter(_block)_init, MPI_Scan_init, MPI_Exscan_init): each made once
 * and started several times (MPI_Start, and all together with MPI_Startall), with
 * new data before each start, which every start must send; in place where allowed;
 * started in different orders on different ranks (MPI allows it); then freed. Also the large-count (_c) blocking and immediate forms.
 * Open MPI 4.1 (MPI 3.1) has none of them: there the program only prints its verdict.
 */
#include "testutil.h"

#if MPI_VERSION >= 4

#define N 4
#define ROUNDS 3

static int v(int round, int rank, int i) { return round * 10000 + rank * 100 + i; }

static void persistent(MPI_Comm comm, const char *cname)
{
    int rank, size, round, i, j, root;
    int bc[N], gin[N], gout[8 * N], sin[8 * N], sout[N], agout[8 * N], a2in[8 * N], a2out[8 * N];
    int ar[N], arip[N], red[N], sc[N], ex[N], rsb[8 * N], rsbout[N], rs[8 * N], rsout[N];
    int counts[8], displs[8], bytes[8], avout[8 * N], wout[8 * N];
    MPI_Datatype types[8];
    MPI_Request req[16];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    root = size - 1;
    for (j = 0; j < size; j++) {
        counts[j] = N;
        displs[j] = j * N;
        bytes[j] = (int) sizeof(int) * j * N;
        types[j] = MPI_INT;
    }
    MPI_Barrier_init(comm, MPI_INFO_NULL, &req[0]);
    MPI_Bcast_init(bc, N, MPI_INT, root, comm, MPI_INFO_NULL, &req[1]);
    MPI_Gather_init(gin, N, MPI_INT, gout, N, MPI_INT, root, comm, MPI_INFO_NULL, &req[2]);
    MPI_Scatter_init(sin, N, MPI_INT, sout, N, MPI_INT, root, comm, MPI_INFO_NULL, &req[3]);
    MPI_Allgather_init(gin, N, MPI_INT, agout, N, MPI_INT, comm, MPI_INFO_NULL, &req[4]);
    MPI_Alltoall_init(a2in, N, MPI_INT, a2out, N, MPI_INT, comm, MPI_INFO_NULL, &req[5]);
    MPI_Allreduce_init(gin, ar, N, MPI_INT, MPI_SUM, comm, MPI_INFO_NULL, &req[6]);
    MPI_Allreduce_init(MPI_IN_PLACE, arip, N, MPI_INT, MPI_MAX, comm, MPI_INFO_NULL, &req[7]);
    MPI_Reduce_init(gin, red, N, MPI_INT, MPI_SUM, 0, comm, MPI_INFO_NULL, &req[8]);
    MPI_Scan_init(gin, sc, N, MPI_INT, MPI_SUM, comm, MPI_INFO_NULL, &req[9]);
    MPI_Exscan_init(gin, ex, N, MPI_INT, MPI_SUM, comm, MPI_INFO_NULL, &req[10]);
    MPI_Reduce_scatter_block_init(rsb, rsbout, N, MPI_INT, MPI_SUM, comm, MPI_INFO_NULL, &req[11]);
    MPI_Reduce_scatter_init(rs, rsout, counts, MPI_INT, MPI_SUM, comm, MPI_INFO_NULL, &req[12]);
    MPI_Allgatherv_init(gin, N, MPI_INT, avout, counts, displs, MPI_INT, comm, MPI_INFO_NULL, &req[13]);
    MPI_Alltoallw_init(a2in, counts, bytes, types, wout, counts, bytes, types, comm, MPI_INFO_NULL, &req[14]);

    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < N; i++) {
            bc[i] = rank == root ? v(round, root, i) : -1;
            gin[i] = v(round, rank, i);
            arip[i] = v(round, rank, i);
        }
        for (i = 0; i < size * N; i++) {
            sin[i] = v(round, rank, i);
            a2in[i] = v(round, rank, i);
            rsb[i] = rs[i] = v(round, rank, i);
        }
        /* Rounds alternate between one MPI_Startall and single starts in reverse. */
        if (round % 2 == 0)
            MPI_Startall(15, req);
        else
            for (i = 14; i >= 0; i--)
                MPI_Start(&req[i]);
        MPI_Waitall(15, req, MPI_STATUSES_IGNORE);
        for (i = 0; i < 15; i++)
            CHECK(req[i] != MPI_REQUEST_NULL, "a persistent collective's request was freed by MPI_Waitall (%d)", i);

        for (i = 0; i < N; i++) {
            int sum = 0, prefix = 0, k;
            for (k = 0; k < size; k++)
                sum += v(round, k, i);
            for (k = 0; k < rank; k++)
                prefix += v(round, k, i);
            CHECK(bc[i] == v(round, root, i), "MPI_Bcast_init round %d on %s: %d is %d", round, cname, i, bc[i]);
            CHECK(ar[i] == sum, "MPI_Allreduce_init round %d on %s: %d is %d", round, cname, i, ar[i]);
            CHECK(arip[i] == v(round, size - 1, i), "MPI_Allreduce_init (in place) round %d on %s: %d is %d", round, cname, i, arip[i]);
            if (rank == 0)
                CHECK(red[i] == sum, "MPI_Reduce_init round %d on %s: %d is %d", round, cname, i, red[i]);
            CHECK(sc[i] == prefix + v(round, rank, i), "MPI_Scan_init round %d on %s: %d is %d", round, cname, i, sc[i]);
            if (rank > 0)
                CHECK(ex[i] == prefix, "MPI_Exscan_init round %d on %s: %d is %d", round, cname, i, ex[i]);
            CHECK(sout[i] == v(round, root, rank * N + i), "MPI_Scatter_init round %d on %s: %d is %d", round, cname, i, sout[i]);
            sum = 0;
            for (k = 0; k < size; k++)
                sum += v(round, k, rank * N + i);
            CHECK(rsbout[i] == sum, "MPI_Reduce_scatter_block_init round %d on %s: %d is %d", round, cname, i, rsbout[i]);
            CHECK(rsout[i] == sum, "MPI_Reduce_scatter_init round %d on %s: %d is %d", round, cname, i, rsout[i]);
        }
        for (j = 0; j < size; j++)
            for (i = 0; i < N; i++) {
                if (rank == root)
                    CHECK(gout[j * N + i] == v(round, j, i), "MPI_Gather_init round %d on %s: %d.%d is %d", round, cname, j, i, gout[j * N + i]);
                CHECK(agout[j * N + i] == v(round, j, i), "MPI_Allgather_init round %d on %s: %d.%d is %d", round, cname, j, i, agout[j * N + i]);
                CHECK(avout[j * N + i] == v(round, j, i), "MPI_Allgatherv_init round %d on %s: %d.%d is %d", round, cname, j, i, avout[j * N + i]);
                CHECK(a2out[j * N + i] == v(round, j, rank * N + i), "MPI_Alltoall_init round %d on %s: %d.%d is %d", round, cname, j, i, a2out[j * N + i]);
                CHECK(wout[j * N + i] == v(round, j, rank * N + i), "MPI_Alltoallw_init round %d on %s: %d.%d is %d", round, cname, j, i, wout[j * N + i]);
            }
    }
    for (i = 0; i < 15; i++)
        MPI_Request_free(&req[i]);
}

/* Gatherv_init, Scatterv_init, Alltoallv_init with uneven counts; in place at the root. */
static void persistent_v(MPI_Comm comm, const char *cname)
{
    int rank, size, round, i, j, next = 0;
    int counts[8], displs[8], mine[8], all[64], part[8], out[64], in[64], pair[8], pairdispls[8], pairnext = 0;
    MPI_Request req[3];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (j = 0; j < size; j++) {
        counts[j] = j % 3 + 1;
        displs[j] = next;
        next += counts[j];
        /* Alltoallv: ranks r and j exchange (r + j) % 3 + 1 ints each way. */
        pair[j] = (rank + j) % 3 + 1;
        pairdispls[j] = pairnext;
        pairnext += pair[j];
    }
    MPI_Gatherv_init(rank == 0 ? MPI_IN_PLACE : mine, counts[rank], MPI_INT, all, counts, displs, MPI_INT, 0, comm, MPI_INFO_NULL, &req[0]);
    MPI_Scatterv_init(out, counts, displs, MPI_INT, part, counts[rank], MPI_INT, 0, comm, MPI_INFO_NULL, &req[1]);
    MPI_Alltoallv_init(out, pair, pairdispls, MPI_INT, in, pair, pairdispls, MPI_INT, comm, MPI_INFO_NULL, &req[2]);
    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < counts[rank]; i++)
            mine[i] = v(round, rank, i);
        if (rank == 0)
            for (i = 0; i < counts[0]; i++)
                all[displs[0] + i] = v(round, 0, i);
        for (i = 0; i < 64; i++)
            out[i] = v(round, rank, i);
        MPI_Startall(3, req);
        MPI_Waitall(3, req, MPI_STATUSES_IGNORE);
        if (rank == 0)
            for (j = 0; j < size; j++)
                for (i = 0; i < counts[j]; i++)
                    CHECK(all[displs[j] + i] == v(round, j, i), "MPI_Gatherv_init round %d on %s: %d.%d is %d", round, cname, j, i, all[displs[j] + i]);
        for (i = 0; i < counts[rank]; i++)
            CHECK(part[i] == v(round, 0, displs[rank] + i), "MPI_Scatterv_init round %d on %s: %d is %d", round, cname, i, part[i]);
        /* Rank j's block for this rank starts where j's pair displacement for it does:
           the sum of (j + k) % 3 + 1 over k < rank. */
        for (j = 0; j < size; j++) {
            int from = 0, k;
            for (k = 0; k < rank; k++)
                from += (j + k) % 3 + 1;
            for (i = 0; i < pair[j]; i++)
                CHECK(in[pairdispls[j] + i] == v(round, j, from + i), "MPI_Alltoallv_init round %d on %s: %d.%d is %d",
                      round, cname, j, i, in[pairdispls[j] + i]);
        }
    }
    for (i = 0; i < 3; i++)
        MPI_Request_free(&req[i]);
}

/* Without the info key mpi_assert_strict_persistent_collective_ordering, ranks may
   start persistent collectives in different orders: even ranks start A then B, odd
   ranks B then A. Both have the same size and type, so only their own tags keep A's
   messages from matching B's. */
static void start_order(MPI_Comm comm, const char *cname)
{
    int rank, size, i, a[N], b[N], ra[N], rb[N];
    MPI_Request req[2];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    MPI_Allreduce_init(a, ra, N, MPI_INT, MPI_SUM, comm, MPI_INFO_NULL, &req[0]);
    MPI_Allreduce_init(b, rb, N, MPI_INT, MPI_MAX, comm, MPI_INFO_NULL, &req[1]);
    for (i = 0; i < N; i++) {
        a[i] = rank + i;
        b[i] = 1000 * rank - i;
    }
    if (rank % 2 == 0) {
        MPI_Start(&req[0]);
        MPI_Start(&req[1]);
    } else {
        MPI_Start(&req[1]);
        MPI_Start(&req[0]);
    }
    MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
    for (i = 0; i < N; i++) {
        CHECK(ra[i] == size * (size - 1) / 2 + size * i, "MPI_Allreduce_init started in different orders on %s: SUM %d is %d", cname, i, ra[i]);
        CHECK(rb[i] == 1000 * (size - 1) - i, "MPI_Allreduce_init started in different orders on %s: MAX %d is %d", cname, i, rb[i]);
    }
    MPI_Request_free(&req[0]);
    MPI_Request_free(&req[1]);
}

/* The large-count forms, on a few of each kind. */
static void large_count(MPI_Comm comm, const char *cname)
{
    int rank, size, i, j, buf[N], all[8 * N], sum[N], ex[N];
    MPI_Count counts[8];
    MPI_Aint displs[8];
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (j = 0; j < size; j++) {
        counts[j] = N;
        displs[j] = j * N;
    }
    for (i = 0; i < N; i++)
        buf[i] = rank == 0 ? v(0, 0, i) : -1;
    MPI_Bcast_c(buf, (MPI_Count) N, MPI_INT, 0, comm);
    for (i = 0; i < N; i++)
        CHECK(buf[i] == v(0, 0, i), "MPI_Bcast_c on %s: %d is %d", cname, i, buf[i]);
    for (i = 0; i < N; i++)
        buf[i] = v(1, rank, i);
    MPI_Allgatherv_c(buf, (MPI_Count) N, MPI_INT, all, counts, displs, MPI_INT, comm);
    MPI_Iallreduce_c(buf, sum, (MPI_Count) N, MPI_INT, MPI_SUM, comm, &req);
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    MPI_Exscan_c(buf, ex, (MPI_Count) N, MPI_INT, MPI_SUM, comm);
    for (j = 0; j < size; j++)
        for (i = 0; i < N; i++)
            CHECK(all[j * N + i] == v(1, j, i), "MPI_Allgatherv_c on %s: %d.%d is %d", cname, j, i, all[j * N + i]);
    for (i = 0; i < N; i++) {
        int want = 0, prefix = 0;
        for (j = 0; j < size; j++) {
            want += v(1, j, i);
            if (j < rank)
                prefix += v(1, j, i);
        }
        CHECK(sum[i] == want, "MPI_Iallreduce_c on %s: %d is %d", cname, i, sum[i]);
        if (rank > 0)
            CHECK(ex[i] == prefix, "MPI_Exscan_c on %s: %d is %d", cname, i, ex[i]);
    }
}

#endif

int main(int argc, char **argv)
{
    int idx = 0;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
#if MPI_VERSION >= 4
    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            persistent(comm, cname);
            persistent_v(comm, cname);
            start_order(comm, cname);
            large_count(comm, cname);
        }
        tu_free_comm(&comm);
    }
#else
    (void) idx;
    (void) comm;
    (void) cname;
#endif
    return tu_finish();
}
