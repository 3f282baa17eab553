/*
 * Collectives on intercommunicators (MPI 4.1 section 6.2.2): MPI_Intercomm_create
 * between the first (size + 1) / 3 ranks of MPI_COMM_WORLD and the rest (groups of
 * unequal sizes from 3 processes on), then every collective in its blocking,
 * immediate and (MPI 4) persistent forms, with the results checked: rooted ones
 * with MPI_ROOT / MPI_PROC_NULL in the root's group (each group the root's once),
 * allgather(v), alltoall(v,w), allreduce, reduce_scatter(_block) between the
 * groups, barrier (an immediate barrier must not complete before the other group
 * enters).  Scan and exscan are erroneous on an intercommunicator (MPI_ERR_COMM).
 * MPI_Bcast_c and MPI_Gatherv_c with MPI 4.  Two or more processes.
 */
#include "testutil.h"

#if MPI_VERSION >= 4
#define FORMS 3
#else
#define FORMS 2
#endif

static MPI_Comm inter;
static int g, lr, L, R; /* my group (0 first, 1 second), local rank, local and remote sizes */
static const char *form_name[] = {"blocking", "immediate", "persistent"};

#define VAL(grp, r, k) ((grp) * 10000 + (r) * 100 + (k))
#define MAXN 64

/* The root is the last rank of group rg. */
static int root_arg(int rg)
{
    int last = (rg == g ? L : R) - 1;
    return g == rg ? (lr == last ? MPI_ROOT : MPI_PROC_NULL) : last;
}

static int is_root(int rg) { return g == rg && lr == L - 1; }

/* Ends a started (immediate) or made (persistent) operation; a persistent one runs twice. */
static void complete(int form, MPI_Request *rq)
{
    if (form == 1) {
        MPI_Wait(rq, MPI_STATUS_IGNORE);
    } else if (form == 2) {
        int i;
        for (i = 0; i < 2; i++) {
            MPI_Start(rq);
            MPI_Wait(rq, MPI_STATUS_IGNORE);
        }
        MPI_Request_free(rq);
    }
}

/* Counts and displacements of n blocks (block j of count_of(j)), placed in reverse
   order with a gap of one element between blocks. */
static int reversed(int n, int *counts, int *displs, int (*count_of)(int))
{
    int j, at = 0;
    for (j = n - 1; j >= 0; j--) {
        counts[j] = count_of(j);
        displs[j] = at;
        at += counts[j] + 1;
    }
    return at;
}

static int plus_one(int j) { return j + 1; }
static int pair_count(int j) { return lr + j + 1; }

static void test_barrier(int form)
{
    MPI_Request rq;
    int flag = 0, j, token = 0;
    if (form == 0) {
        MPI_Barrier(inter);
        return;
    }
    /* Group 1 enters only after every rank of group 0 has tested its barrier. */
    if (g == 1)
        for (j = 0; j < R; j++)
            MPI_Recv(&token, 1, MPI_INT, j, 99, inter, MPI_STATUS_IGNORE);
    if (form == 1)
        MPI_Ibarrier(inter, &rq);
#if MPI_VERSION >= 4
    else {
        MPI_Barrier_init(inter, MPI_INFO_NULL, &rq);
        MPI_Start(&rq);
    }
#endif
    if (g == 0) {
        MPI_Test(&rq, &flag, MPI_STATUS_IGNORE);
        CHECK(!flag, "%s barrier: completed before the other group entered", form_name[form]);
        for (j = 0; j < R; j++)
            MPI_Send(&token, 1, MPI_INT, j, 99, inter);
    }
    if (!flag)
        MPI_Wait(&rq, MPI_STATUS_IGNORE);
    if (form == 2)
        MPI_Request_free(&rq);
}

static void test_bcast(int form, int rg)
{
    int buf[5], i, root = root_arg(rg);
    MPI_Request rq;
    for (i = 0; i < 5; i++)
        buf[i] = is_root(rg) ? VAL(rg, lr, i) : -1;
    switch (form) {
    case 0: MPI_Bcast(buf, 5, MPI_INT, root, inter); break;
    case 1: MPI_Ibcast(buf, 5, MPI_INT, root, inter, &rq); break;
#if MPI_VERSION >= 4
    case 2: MPI_Bcast_init(buf, 5, MPI_INT, root, inter, MPI_INFO_NULL, &rq); break;
#endif
    }
    complete(form, &rq);
    for (i = 0; i < 5; i++) {
        int expected = g != rg ? VAL(rg, R - 1, i) : is_root(rg) ? VAL(rg, lr, i) : -1;
        CHECK(buf[i] == expected, "%s bcast from group %d: [%d] = %d, expected %d", form_name[form], rg, i, buf[i], expected);
    }
}

static void test_gather(int form, int rg, int vector)
{
    int send[MAXN], recv[MAXN], counts[MAXN], displs[MAXN], i, j, k, root = root_arg(rg), n = vector ? lr + 1 : 3;
    MPI_Request rq;
    for (k = 0; k < n; k++)
        send[k] = VAL(g, lr, k);
    for (i = 0; i < MAXN; i++)
        recv[i] = -1;
    if (vector) {
        if (is_root(rg))
            reversed(R, counts, displs, plus_one);
        switch (form) {
        case 0: MPI_Gatherv(send, n, MPI_INT, recv, counts, displs, MPI_INT, root, inter); break;
        case 1: MPI_Igatherv(send, n, MPI_INT, recv, counts, displs, MPI_INT, root, inter, &rq); break;
#if MPI_VERSION >= 4
        case 2: MPI_Gatherv_init(send, n, MPI_INT, recv, counts, displs, MPI_INT, root, inter, MPI_INFO_NULL, &rq); break;
#endif
        }
    } else {
        for (j = 0; j < R; j++) {
            counts[j] = 3;
            displs[j] = 3 * j;
        }
        switch (form) {
        case 0: MPI_Gather(send, n, MPI_INT, recv, 3, MPI_INT, root, inter); break;
        case 1: MPI_Igather(send, n, MPI_INT, recv, 3, MPI_INT, root, inter, &rq); break;
#if MPI_VERSION >= 4
        case 2: MPI_Gather_init(send, n, MPI_INT, recv, 3, MPI_INT, root, inter, MPI_INFO_NULL, &rq); break;
#endif
        }
    }
    complete(form, &rq);
    if (is_root(rg)) {
        for (j = 0; j < R; j++)
            for (k = 0; k < counts[j]; k++)
                CHECK(recv[displs[j] + k] == VAL(1 - g, j, k), "%s gather%s to group %d: block %d [%d] = %d, expected %d", form_name[form],
                      vector ? "v" : "", rg, j, k, recv[displs[j] + k], VAL(1 - g, j, k));
    } else {
        for (i = 0; i < MAXN; i++)
            CHECK(recv[i] == -1, "%s gather%s to group %d: a rank other than the root received [%d] = %d", form_name[form], vector ? "v" : "", rg, i,
                  recv[i]);
    }
}

static void test_scatter(int form, int rg, int vector)
{
    int send[MAXN], recv[MAXN], counts[MAXN], displs[MAXN], i, j, k, root = root_arg(rg), n = vector ? lr + 1 : 2;
    MPI_Request rq;
    for (i = 0; i < MAXN; i++) {
        send[i] = -2;
        recv[i] = -1;
    }
    if (is_root(rg)) {
        if (vector) {
            reversed(R, counts, displs, plus_one);
        } else {
            for (j = 0; j < R; j++) {
                counts[j] = 2;
                displs[j] = 2 * j;
            }
        }
        for (j = 0; j < R; j++)
            for (k = 0; k < counts[j]; k++)
                send[displs[j] + k] = VAL(rg, 50 + j, k);
    }
    if (vector) {
        switch (form) {
        case 0: MPI_Scatterv(send, counts, displs, MPI_INT, recv, n, MPI_INT, root, inter); break;
        case 1: MPI_Iscatterv(send, counts, displs, MPI_INT, recv, n, MPI_INT, root, inter, &rq); break;
#if MPI_VERSION >= 4
        case 2: MPI_Scatterv_init(send, counts, displs, MPI_INT, recv, n, MPI_INT, root, inter, MPI_INFO_NULL, &rq); break;
#endif
        }
    } else {
        switch (form) {
        case 0: MPI_Scatter(send, 2, MPI_INT, recv, n, MPI_INT, root, inter); break;
        case 1: MPI_Iscatter(send, 2, MPI_INT, recv, n, MPI_INT, root, inter, &rq); break;
#if MPI_VERSION >= 4
        case 2: MPI_Scatter_init(send, 2, MPI_INT, recv, n, MPI_INT, root, inter, MPI_INFO_NULL, &rq); break;
#endif
        }
    }
    complete(form, &rq);
    for (i = 0; i < MAXN; i++) {
        int expected = g != rg && i < n ? VAL(rg, 50 + lr, i) : -1;
        CHECK(recv[i] == expected, "%s scatter%s from group %d: [%d] = %d, expected %d", form_name[form], vector ? "v" : "", rg, i, recv[i], expected);
    }
}

static void test_allgather(int form, int vector)
{
    int send[MAXN], recv[MAXN], counts[MAXN], displs[MAXN], i, j, k, n = vector ? lr + 1 : 2;
    MPI_Request rq;
    for (k = 0; k < n; k++)
        send[k] = VAL(g, lr, k);
    for (i = 0; i < MAXN; i++)
        recv[i] = -1;
    if (vector) {
        reversed(R, counts, displs, plus_one);
        switch (form) {
        case 0: MPI_Allgatherv(send, n, MPI_INT, recv, counts, displs, MPI_INT, inter); break;
        case 1: MPI_Iallgatherv(send, n, MPI_INT, recv, counts, displs, MPI_INT, inter, &rq); break;
#if MPI_VERSION >= 4
        case 2: MPI_Allgatherv_init(send, n, MPI_INT, recv, counts, displs, MPI_INT, inter, MPI_INFO_NULL, &rq); break;
#endif
        }
    } else {
        for (j = 0; j < R; j++) {
            counts[j] = 2;
            displs[j] = 2 * j;
        }
        switch (form) {
        case 0: MPI_Allgather(send, 2, MPI_INT, recv, 2, MPI_INT, inter); break;
        case 1: MPI_Iallgather(send, 2, MPI_INT, recv, 2, MPI_INT, inter, &rq); break;
#if MPI_VERSION >= 4
        case 2: MPI_Allgather_init(send, 2, MPI_INT, recv, 2, MPI_INT, inter, MPI_INFO_NULL, &rq); break;
#endif
        }
    }
    complete(form, &rq);
    for (j = 0; j < R; j++)
        for (k = 0; k < counts[j]; k++)
            CHECK(recv[displs[j] + k] == VAL(1 - g, j, k), "%s allgather%s: block %d [%d] = %d, expected %d", form_name[form], vector ? "v" : "", j, k,
                  recv[displs[j] + k], VAL(1 - g, j, k));
}

/* kind 0: alltoall, 1: alltoallv, 2: alltoallw.  Between local rank a and remote
   rank b travel a + b + 1 elements each way (2 for alltoall). */
static void test_alltoall(int form, int kind)
{
    int send[MAXN], recv[MAXN], scounts[MAXN], sdispls[MAXN], rcounts[MAXN], rdispls[MAXN], i, j, k, at = 0;
    MPI_Datatype types[MAXN];
    MPI_Request rq;
    static const char *names[] = {"alltoall", "alltoallv", "alltoallw"};
    for (j = 0; j < R; j++) {
        scounts[j] = kind == 0 ? 2 : pair_count(j);
        sdispls[j] = at;
        for (k = 0; k < scounts[j]; k++)
            send[at + k] = VAL(g, lr, 10 * j + k);
        at += scounts[j];
        types[j] = MPI_INT;
    }
    if (kind == 0) {
        for (j = 0; j < R; j++) {
            rcounts[j] = 2;
            rdispls[j] = 2 * j;
        }
    } else {
        reversed(R, rcounts, rdispls, pair_count);
    }
    for (i = 0; i < MAXN; i++)
        recv[i] = -1;
    if (kind == 2)
        for (j = 0; j < R; j++) {
            sdispls[j] *= (int) sizeof(int);
            rdispls[j] *= (int) sizeof(int);
        }
    switch (kind * 3 + form) {
    case 0: MPI_Alltoall(send, 2, MPI_INT, recv, 2, MPI_INT, inter); break;
    case 1: MPI_Ialltoall(send, 2, MPI_INT, recv, 2, MPI_INT, inter, &rq); break;
    case 3: MPI_Alltoallv(send, scounts, sdispls, MPI_INT, recv, rcounts, rdispls, MPI_INT, inter); break;
    case 4: MPI_Ialltoallv(send, scounts, sdispls, MPI_INT, recv, rcounts, rdispls, MPI_INT, inter, &rq); break;
    case 6: MPI_Alltoallw(send, scounts, sdispls, types, recv, rcounts, rdispls, types, inter); break;
    case 7: MPI_Ialltoallw(send, scounts, sdispls, types, recv, rcounts, rdispls, types, inter, &rq); break;
#if MPI_VERSION >= 4
    case 2: MPI_Alltoall_init(send, 2, MPI_INT, recv, 2, MPI_INT, inter, MPI_INFO_NULL, &rq); break;
    case 5: MPI_Alltoallv_init(send, scounts, sdispls, MPI_INT, recv, rcounts, rdispls, MPI_INT, inter, MPI_INFO_NULL, &rq); break;
    case 8: MPI_Alltoallw_init(send, scounts, sdispls, types, recv, rcounts, rdispls, types, inter, MPI_INFO_NULL, &rq); break;
#endif
    }
    complete(form, &rq);
    for (j = 0; j < R; j++) {
        int base = kind == 2 ? rdispls[j] / (int) sizeof(int) : rdispls[j];
        for (k = 0; k < rcounts[j]; k++)
            CHECK(recv[base + k] == VAL(1 - g, j, 10 * lr + k), "%s %s: from %d [%d] = %d, expected %d", form_name[form], names[kind], j, k,
                  recv[base + k], VAL(1 - g, j, 10 * lr + k));
    }
}

static int remote_sum(int k)
{
    int j, sum = 0;
    for (j = 0; j < R; j++)
        sum += VAL(1 - g, j, k);
    return sum;
}

static void test_reduce(int form, int rg)
{
    int send[4], recv[4], k, root = root_arg(rg);
    MPI_Request rq;
    for (k = 0; k < 4; k++) {
        send[k] = VAL(g, lr, k);
        recv[k] = -1;
    }
    switch (form) {
    case 0: MPI_Reduce(send, recv, 4, MPI_INT, MPI_SUM, root, inter); break;
    case 1: MPI_Ireduce(send, recv, 4, MPI_INT, MPI_SUM, root, inter, &rq); break;
#if MPI_VERSION >= 4
    case 2: MPI_Reduce_init(send, recv, 4, MPI_INT, MPI_SUM, root, inter, MPI_INFO_NULL, &rq); break;
#endif
    }
    complete(form, &rq);
    for (k = 0; k < 4; k++) {
        int expected = is_root(rg) ? remote_sum(k) : -1;
        CHECK(recv[k] == expected, "%s reduce to group %d: [%d] = %d, expected %d", form_name[form], rg, k, recv[k], expected);
    }
}

static void test_allreduce(int form)
{
    int send[4], recv[4], k;
    MPI_Request rq;
    for (k = 0; k < 4; k++) {
        send[k] = VAL(g, lr, k);
        recv[k] = -1;
    }
    switch (form) {
    case 0: MPI_Allreduce(send, recv, 4, MPI_INT, MPI_SUM, inter); break;
    case 1: MPI_Iallreduce(send, recv, 4, MPI_INT, MPI_SUM, inter, &rq); break;
#if MPI_VERSION >= 4
    case 2: MPI_Allreduce_init(send, recv, 4, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &rq); break;
#endif
    }
    complete(form, &rq);
    for (k = 0; k < 4; k++)
        CHECK(recv[k] == remote_sum(k), "%s allreduce: [%d] = %d, expected %d", form_name[form], k, recv[k], remote_sum(k));
}

/* Vectors of 12 elements (6 for the block form) in both groups, scattered over the
   local group. */
static void test_reduce_scatter(int form, int block)
{
    int total = block ? 6 : 12, send[12], recv[12], counts[MAXN], i, k, offset = 0;
    MPI_Request rq;
    for (i = 0; i < L; i++)
        counts[i] = total / L + (i < total % L);
    for (i = 0; i < lr; i++)
        offset += counts[i];
    for (k = 0; k < 12; k++) {
        send[k] = VAL(g, lr, k);
        recv[k] = -1;
    }
    switch (block * 3 + form) {
    case 0: MPI_Reduce_scatter(send, recv, counts, MPI_INT, MPI_SUM, inter); break;
    case 1: MPI_Ireduce_scatter(send, recv, counts, MPI_INT, MPI_SUM, inter, &rq); break;
    case 3: MPI_Reduce_scatter_block(send, recv, total / L, MPI_INT, MPI_SUM, inter); break;
    case 4: MPI_Ireduce_scatter_block(send, recv, total / L, MPI_INT, MPI_SUM, inter, &rq); break;
#if MPI_VERSION >= 4
    case 2: MPI_Reduce_scatter_init(send, recv, counts, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &rq); break;
    case 5: MPI_Reduce_scatter_block_init(send, recv, total / L, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &rq); break;
#endif
    }
    complete(form, &rq);
    for (k = 0; k < 12; k++) {
        int expected = k < counts[lr] ? remote_sum(offset + k) : -1;
        CHECK(recv[k] == expected, "%s reduce_scatter%s: [%d] = %d, expected %d", form_name[form], block ? "_block" : "", k, recv[k], expected);
    }
}

#if MPI_VERSION >= 4
/* The large-count forms: a bcast from group 0 and a gatherv (MPI_Count counts,
   MPI_Aint displacements) to group 1, in reverse order. */
static void test_large_count(void)
{
    int buf[3], send[MAXN], recv[MAXN], i, j, k, n = lr + 1;
    MPI_Count counts[MAXN];
    MPI_Aint displs[MAXN], at = 0;
    for (i = 0; i < 3; i++)
        buf[i] = is_root(0) ? VAL(0, lr, i) : -1;
    MPI_Bcast_c(buf, 3, MPI_INT, root_arg(0), inter);
    for (i = 0; i < 3; i++) {
        int expected = g == 1 ? VAL(0, R - 1, i) : is_root(0) ? VAL(0, lr, i) : -1;
        CHECK(buf[i] == expected, "MPI_Bcast_c: [%d] = %d, expected %d", i, buf[i], expected);
    }
    for (k = 0; k < n; k++)
        send[k] = VAL(g, lr, k);
    for (i = 0; i < MAXN; i++)
        recv[i] = -1;
    for (j = R - 1; j >= 0; j--) {
        counts[j] = j + 1;
        displs[j] = at;
        at += j + 1;
    }
    MPI_Gatherv_c(send, n, MPI_INT, recv, counts, displs, MPI_INT, root_arg(1), inter);
    if (is_root(1))
        for (j = 0; j < R; j++)
            for (k = 0; k <= j; k++)
                CHECK(recv[displs[j] + k] == VAL(0, j, k), "MPI_Gatherv_c: block %d [%d] = %d, expected %d", j, k, recv[displs[j] + k], VAL(0, j, k));
}
#endif

static void test_errors(void)
{
    int a = 1, b = 0;
    MPI_Request rq;
    MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
    CHECK_CLASS(MPI_Scan(&a, &b, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_COMM, "MPI_Scan on an intercommunicator");
    CHECK_CLASS(MPI_Iscan(&a, &b, 1, MPI_INT, MPI_SUM, inter, &rq), MPI_ERR_COMM, "MPI_Iscan on an intercommunicator");
#ifndef OPEN_MPI
    /* Open MPI 4.1 crashes in MPI_Exscan on an intercommunicator (no check there). */
    CHECK_CLASS(MPI_Exscan(&a, &b, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_COMM, "MPI_Exscan on an intercommunicator");
    CHECK_CLASS(MPI_Iexscan(&a, &b, 1, MPI_INT, MPI_SUM, inter, &rq), MPI_ERR_COMM, "MPI_Iexscan on an intercommunicator");
#endif
#if MPI_VERSION >= 4
    CHECK_CLASS(MPI_Scan_init(&a, &b, 1, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &rq), MPI_ERR_COMM, "MPI_Scan_init on an intercommunicator");
    CHECK_CLASS(MPI_Exscan_init(&a, &b, 1, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &rq), MPI_ERR_COMM, "MPI_Exscan_init on an intercommunicator");
#endif
    CHECK_CLASS(MPI_Bcast(&a, 1, MPI_INT, R, inter), MPI_ERR_ROOT, "MPI_Bcast with a root past the remote group");
#ifndef OPEN_MPI
    /* MPI_IN_PLACE is not allowed on an intercommunicator: MPI_ERR_BUFFER, as MPICH
       (Open MPI 4.1 does not check it everywhere).  Every rank passes it, so no rank
       waits for another. */
    int buf[MAXN];
    CHECK_CLASS(MPI_Allreduce(MPI_IN_PLACE, buf, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_BUFFER, "MPI_Allreduce in place on an intercommunicator");
    CHECK_CLASS(MPI_Iallgather(MPI_IN_PLACE, 1, MPI_INT, buf, 1, MPI_INT, inter, &rq), MPI_ERR_BUFFER, "MPI_Iallgather in place on an intercommunicator");
    CHECK_CLASS(MPI_Alltoall(MPI_IN_PLACE, 1, MPI_INT, buf, 1, MPI_INT, inter), MPI_ERR_BUFFER, "MPI_Alltoall in place on an intercommunicator");
    CHECK_CLASS(MPI_Reduce_scatter_block(MPI_IN_PLACE, buf, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_BUFFER,
                "MPI_Reduce_scatter_block in place on an intercommunicator");
#endif
    MPI_Comm_set_errhandler(inter, MPI_ERRORS_ARE_FATAL);
}

int main(int argc, char **argv)
{
    int rank, size, low, form, rg;
    MPI_Comm local;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("needs two or more processes");
        return tu_finish();
    }
    low = (size + 1) / 3;
    g = rank < low ? 0 : 1;
    MPI_Comm_split(MPI_COMM_WORLD, g, rank, &local);
    MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, g == 0 ? low : 0, 12, &inter);
    MPI_Comm_rank(inter, &lr);
    MPI_Comm_size(inter, &L);
    MPI_Comm_remote_size(inter, &R);
    CHECK(L == (g == 0 ? low : size - low), "local size %d", L);

    for (form = 0; form < FORMS; form++) {
        test_barrier(form);
        for (rg = 0; rg < 2; rg++) {
            test_bcast(form, rg);
            test_gather(form, rg, 0);
            test_gather(form, rg, 1);
            test_scatter(form, rg, 0);
            test_scatter(form, rg, 1);
            test_reduce(form, rg);
        }
        test_allgather(form, 0);
        test_allgather(form, 1);
        test_alltoall(form, 0);
        test_alltoall(form, 1);
        test_alltoall(form, 2);
        test_allreduce(form);
        test_reduce_scatter(form, 0);
        test_reduce_scatter(form, 1);
    }
#if MPI_VERSION >= 4
    test_large_count();
#endif
    test_errors();

    MPI_Comm_free(&inter);
    MPI_Comm_free(&local);
    return tu_finish();
}
