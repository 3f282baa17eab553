/*
 * The non-blocking reductions, MPI_Ireduce, MPI_Iallreduce, MPI_Iscan, MPI_Iexscan,
 * MPI_Ireduce_scatter and MPI_Ireduce_scatter_block, with every predefined operation
 * on every predefined type MPI defines it for (optypes.h), and in place:
 *  - all of them outstanding at once on one communicator, with a blocking
 *    MPI_Allreduce and point-to-point messages in the middle, completed by one
 *    MPI_Waitall, so that their messages must not mix;
 *  - a non-commutative user operation (2x2 matrix products over unsigned ints on a
 *    contiguous type), whose results must come in rank order, also with
 *    MPI_Ireduce_scatter(_block); a commutative user operation;
 *  - completion by MPI_Test polling as well as by MPI_Wait.
 * Several communicators (see tu_next_comm); blocking MPI_Reduce_scatter_block too.
 */
#include "optypes.h"

#define COUNT 5

typedef struct { unsigned a, b, c, d; } mat;

static mat mul(mat x, mat y)
{
    mat z;
    z.a = x.a * y.a + x.b * y.c;
    z.b = x.a * y.b + x.b * y.d;
    z.c = x.c * y.a + x.d * y.c;
    z.d = x.c * y.b + x.d * y.d;
    return z;
}

static void matmul_op(void *in, void *inout, int *len, MPI_Datatype *dtype)
{
    int i;
    mat *x = (mat *) in, *y = (mat *) inout;
    (void) dtype;
    for (i = 0; i < *len; i++)
        y[i] = mul(x[i], y[i]);
}

static mat matrix_of(int r, int e)
{
    mat m;
    m.a = (unsigned) (r + e + 1);
    m.b = 1;
    m.c = (unsigned) (r % 3 + 1);
    m.d = (unsigned) e;
    return m;
}

static mat product(int lo, int hi, int e)
{
    mat p = matrix_of(lo, e);
    int r;
    for (r = lo + 1; r < hi; r++)
        p = mul(p, matrix_of(r, e));
    return p;
}

static void check(const OpKind *k, int op, const void *buf, int count, int lo, int hi, int first,
                  const char *what, const char *cname)
{
    int i;
    for (i = 0; i < count; i++) {
        long long got = k->get(buf, i), exp = ot_expected(k, op, lo, hi, first + i);
        if (got != exp) {
            FAIL("%s %s on %s, %s: element %d is %lld, expected %lld", what, ot_op_name(op), k->name, cname, i, got, exp);
            return;
        }
    }
}

/* Every non-blocking reduction at once, then one Waitall. */
static void all_at_once(MPI_Comm comm, const OpKind *k, int op, const char *cname)
{
    int rank, size, i, root;
    unsigned char in[COUNT * 16], allr[COUNT * 16], red[COUNT * 16], scan[COUNT * 16], exscan[COUNT * 16];
    unsigned char inplace[COUNT * 16], blocking[COUNT * 16], rsin[8 * COUNT * 16], rs[COUNT * 16], rsb[COUNT * 16];
    int counts[8];
    MPI_Request req[7];
    int token = -1, peer_token = -1;
    MPI_Request p2p[2];

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    root = size - 1;
    ot_fill(k, op, rank, in, COUNT);
    ot_fill(k, op, rank, inplace, COUNT);
    memset(exscan, 0x5c, sizeof exscan);
    /* Reduce_scatter input: block j of rank r holds the values of elements j*COUNT.. */
    for (i = 0; i < size * COUNT; i++)
        k->set(rsin, i, ot_input(k, op, rank, i % (2 * COUNT)));
    for (i = 0; i < size; i++)
        counts[i] = COUNT;

    MPI_Iallreduce(in, allr, COUNT, k->type, ot_op(op), comm, &req[0]);
    MPI_Ireduce(in, red, COUNT, k->type, ot_op(op), root, comm, &req[1]);
    MPI_Iscan(in, scan, COUNT, k->type, ot_op(op), comm, &req[2]);
    MPI_Iexscan(in, exscan, COUNT, k->type, ot_op(op), comm, &req[3]);
    MPI_Iallreduce(MPI_IN_PLACE, inplace, COUNT, k->type, ot_op(op), comm, &req[4]);
    MPI_Ireduce_scatter(rsin, rs, counts, k->type, ot_op(op), comm, &req[5]);
    MPI_Ireduce_scatter_block(rsin, rsb, COUNT, k->type, ot_op(op), comm, &req[6]);
    /* A blocking collective and point-to-point traffic while they are outstanding. */
    ot_fill(k, op, rank, blocking, COUNT);
    MPI_Allreduce(MPI_IN_PLACE, blocking, COUNT, k->type, ot_op(op), comm);
    MPI_Irecv(&peer_token, 1, MPI_INT, (rank + size - 1) % size, 7, comm, &p2p[0]);
    token = rank;
    MPI_Isend(&token, 1, MPI_INT, (rank + 1) % size, 7, comm, &p2p[1]);
    MPI_Waitall(7, req, MPI_STATUSES_IGNORE);
    MPI_Waitall(2, p2p, MPI_STATUSES_IGNORE);

    CHECK_INT(peer_token, (rank + size - 1) % size, "point-to-point token during the collectives");
    check(k, op, allr, COUNT, 0, size, 0, "MPI_Iallreduce", cname);
    check(k, op, inplace, COUNT, 0, size, 0, "MPI_Iallreduce (in place)", cname);
    check(k, op, blocking, COUNT, 0, size, 0, "MPI_Allreduce among them", cname);
    if (rank == root)
        check(k, op, red, COUNT, 0, size, 0, "MPI_Ireduce", cname);
    check(k, op, scan, COUNT, 0, rank + 1, 0, "MPI_Iscan", cname);
    if (rank > 0)
        check(k, op, exscan, COUNT, 0, rank, 0, "MPI_Iexscan", cname);
    else
        for (i = 0; i < COUNT * k->size; i++)
            if (exscan[i] != 0x5c) {
                FAIL("MPI_Iexscan changed rank 0's receive buffer on %s", cname);
                break;
            }
    check(k, op, rs, COUNT, 0, size, (rank * COUNT) % (2 * COUNT), "MPI_Ireduce_scatter", cname);
    check(k, op, rsb, COUNT, 0, size, (rank * COUNT) % (2 * COUNT), "MPI_Ireduce_scatter_block", cname);
    for (i = 0; i < COUNT; i++)
        if (k->get(in, i) != ot_input(k, op, rank, i)) {
            FAIL("the non-blocking reductions changed the send buffer (%s)", cname);
            break;
        }
}

/* In place forms of Ireduce, Iscan, Iexscan, Ireduce_scatter_block, completed by polling. */
static void in_place_polled(MPI_Comm comm, const OpKind *k, int op, const char *cname)
{
    int rank, size, i, done = 0;
    unsigned char red[COUNT * 16], scan[COUNT * 16], exscan[COUNT * 16], rsb[8 * COUNT * 16];
    MPI_Request req[4];

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    ot_fill(k, op, rank, red, COUNT);
    ot_fill(k, op, rank, scan, COUNT);
    ot_fill(k, op, rank, exscan, COUNT);
    for (i = 0; i < size * COUNT; i++)
        k->set(rsb, i, ot_input(k, op, rank, i % (2 * COUNT)));
    if (rank == 0)
        MPI_Ireduce(MPI_IN_PLACE, red, COUNT, k->type, ot_op(op), 0, comm, &req[0]);
    else
        MPI_Ireduce(red, NULL, COUNT, k->type, ot_op(op), 0, comm, &req[0]);
    MPI_Iscan(MPI_IN_PLACE, scan, COUNT, k->type, ot_op(op), comm, &req[1]);
    MPI_Iexscan(MPI_IN_PLACE, exscan, COUNT, k->type, ot_op(op), comm, &req[2]);
    MPI_Ireduce_scatter_block(MPI_IN_PLACE, rsb, COUNT, k->type, ot_op(op), comm, &req[3]);
    while (!done)
        MPI_Testall(4, req, &done, MPI_STATUSES_IGNORE);
    if (rank == 0)
        check(k, op, red, COUNT, 0, size, 0, "MPI_Ireduce (in place)", cname);
    check(k, op, scan, COUNT, 0, rank + 1, 0, "MPI_Iscan (in place)", cname);
    if (rank > 0)
        check(k, op, exscan, COUNT, 0, rank, 0, "MPI_Iexscan (in place)", cname);
    check(k, op, rsb, COUNT, 0, size, (rank * COUNT) % (2 * COUNT), "MPI_Ireduce_scatter_block (in place)", cname);
}

static void check_mat(const mat *got, int lo, int hi, const char *what, const char *cname)
{
    int e;
    for (e = 0; e < 3; e++) {
        mat want = product(lo, hi, e);
        if (got[e].a != want.a || got[e].b != want.b || got[e].c != want.c || got[e].d != want.d) {
            FAIL("%s with a non-commutative operation on %s: element %d is not M_%d..M_%d in order", what, cname, e, lo, hi - 1);
            return;
        }
    }
}

/* Commutative and associative: sum modulo 1000003. */
static void modsum_op(void *in, void *inout, int *len, MPI_Datatype *dtype)
{
    int i, *x = (int *) in, *y = (int *) inout;
    (void) dtype;
    for (i = 0; i < *len; i++)
        y[i] = (int) (((long long) x[i] + y[i]) % 1000003);
}

static void non_commutative(MPI_Comm comm, MPI_Datatype mattype, MPI_Op matop, MPI_Op modsum, const char *cname)
{
    int rank, size, e, root, j, sums[3], want;
    mat in[3], allr[3], red[3], scan[3], exscan[3], blocks[8 * 3], mine[3];
    int counts[8];
    MPI_Request req[6];

    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (e = 0; e < 3; e++)
        in[e] = matrix_of(rank, e);
    for (root = 0; root < size; root++) {
        MPI_Iallreduce(in, allr, 3, mattype, matop, comm, &req[0]);
        MPI_Ireduce(in, red, 3, mattype, matop, root, comm, &req[1]);
        MPI_Iscan(in, scan, 3, mattype, matop, comm, &req[2]);
        MPI_Iexscan(in, exscan, 3, mattype, matop, comm, &req[3]);
        MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
        check_mat(allr, 0, size, "MPI_Iallreduce", cname);
        if (rank == root)
            check_mat(red, 0, size, "MPI_Ireduce", cname);
        check_mat(scan, 0, rank + 1, "MPI_Iscan", cname);
        if (rank > 0)
            check_mat(exscan, 0, rank, "MPI_Iexscan", cname);
    }
    /* Reduce_scatter(_block): block j of every rank holds its matrices; rank j gets the
       product of block j in rank order. */
    for (j = 0; j < size; j++) {
        counts[j] = 3;
        for (e = 0; e < 3; e++)
            blocks[j * 3 + e] = matrix_of(rank, e);
    }
    MPI_Ireduce_scatter(blocks, mine, counts, mattype, matop, comm, &req[0]);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    check_mat(mine, 0, size, "MPI_Ireduce_scatter", cname);
    MPI_Ireduce_scatter_block(blocks, mine, 3, mattype, matop, comm, &req[0]);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    check_mat(mine, 0, size, "MPI_Ireduce_scatter_block", cname);
    /* A commutative user operation. */
    for (e = 0; e < 3; e++)
        sums[e] = 999000 + rank * 7 + e;
    MPI_Iallreduce(MPI_IN_PLACE, sums, 3, MPI_INT, modsum, comm, &req[0]);
    MPI_Wait(&req[0], MPI_STATUS_IGNORE);
    for (e = 0; e < 3; e++) {
        long long total = 0;
        for (j = 0; j < size; j++)
            total += 999000 + j * 7 + e;
        want = (int) (total % 1000003);
        CHECK(sums[e] == want, "MPI_Iallreduce with a commutative user operation on %s: %d is %d, expected %d", cname, e, sums[e], want);
    }
}

/* Blocking MPI_Reduce_scatter_block, which the first set of collectives lacked. */
static void blocking_block(MPI_Comm comm, const char *cname)
{
    int rank, size, i, in[8 * 4], out[4], inplace[8 * 4];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (i = 0; i < size * 4; i++)
        in[i] = inplace[i] = rank * 100 + i;
    MPI_Reduce_scatter_block(in, out, 4, MPI_INT, MPI_SUM, comm);
    MPI_Reduce_scatter_block(MPI_IN_PLACE, inplace, 4, MPI_INT, MPI_SUM, comm);
    for (i = 0; i < 4; i++) {
        int want = 100 * size * (size - 1) / 2 + size * (rank * 4 + i);
        CHECK(out[i] == want, "MPI_Reduce_scatter_block on %s: element %d is %d, expected %d", cname, i, out[i], want);
        CHECK(inplace[i] == want, "MPI_Reduce_scatter_block (in place) on %s: element %d is %d, expected %d", cname, i, inplace[i], want);
    }
}

int main(int argc, char **argv)
{
    OpKind kinds[32];
    int nkinds, t, op, idx = 0;
    MPI_Comm comm;
    const char *cname;
    MPI_Datatype mattype;
    MPI_Op matop, modsum;

    MPI_Init(&argc, &argv);
    nkinds = ot_kinds(kinds);
    MPI_Type_contiguous(4, MPI_UNSIGNED, &mattype);
    MPI_Type_commit(&mattype);
    MPI_Op_create(matmul_op, 0, &matop);
    MPI_Op_create(modsum_op, 1, &modsum);

    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            for (t = 0; t < nkinds; t++)
                for (op = 0; op < OP_COUNT; op++) {
                    if (!ot_valid(&kinds[t], op))
                        continue;
                    all_at_once(comm, &kinds[t], op, cname);
                    if (idx % 2 == 1)
                        in_place_polled(comm, &kinds[t], op, cname);
                }
            non_commutative(comm, mattype, matop, modsum, cname);
            blocking_block(comm, cname);
        }
        tu_free_comm(&comm);
    }

    MPI_Op_free(&matop);
    MPI_Op_free(&modsum);
    MPI_Type_free(&mattype);
    return tu_finish();
}
