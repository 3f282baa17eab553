/*
 * User-defined operations (MPI_Op_create / MPI_Op_free):
 *  - a non-commutative one, 2x2 matrix product over unsigned ints (wrapping),
 *    on a contiguous datatype of 4 MPI_UNSIGNED: results must be the product in
 *    rank order M_0 M_1 ... M_{n-1}, whatever the root, with MPI_Reduce (every
 *    root, and in place), MPI_Allreduce (and in place), MPI_Scan, MPI_Exscan and
 *    MPI_Reduce_scatter; the function receives the datatype of the call;
 *  - a commutative one, a checksum-like combination of ints, with the same
 *    collectives.
 * Several communicators (see tu_next_comm).
 */
#include "testutil.h"

#define NMAT 3                  /* matrices per rank in most calls */

typedef struct { unsigned a, b, c, d; } mat;     /* [[a b] [c d]] */

static MPI_Datatype mattype;
static int wrong_type_calls = 0;

static mat mul(mat x, mat y)
{
    mat z;
    z.a = x.a * y.a + x.b * y.c;
    z.b = x.a * y.b + x.b * y.d;
    z.c = x.c * y.a + x.d * y.c;
    z.d = x.c * y.b + x.d * y.d;
    return z;
}

/* inout[i] = in[i] * inout[i]: "in" holds the lower ranks' partial result. */
static void matmul_op(void *in, void *inout, int *len, MPI_Datatype *dtype)
{
    int i;
    mat *x = (mat *) in, *y = (mat *) inout;
    if (*dtype != mattype)
        wrong_type_calls++;
    for (i = 0; i < *len; i++)
        y[i] = mul(x[i], y[i]);
}

/* Commutative and associative: sum modulo 1000003 of (3 * value). */
static void modsum_op(void *in, void *inout, int *len, MPI_Datatype *dtype)
{
    int i, *x = (int *) in, *y = (int *) inout;
    (void) dtype;
    for (i = 0; i < *len; i++)
        y[i] = (int) (((long long) x[i] + y[i]) % 1000003);
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

/* M_lo * ... * M_{hi-1} at element e. */
static mat product(int lo, int hi, int e)
{
    mat p = matrix_of(lo, e);
    int r;
    for (r = lo + 1; r < hi; r++)
        p = mul(p, matrix_of(r, e));
    return p;
}

static int same(mat x, mat y)
{
    return x.a == y.a && x.b == y.b && x.c == y.c && x.d == y.d;
}

static void check_mats(const mat *got, int lo, int hi, int first, int n, const char *what,
                       const char *cname)
{
    int e;
    for (e = 0; e < n; e++) {
        mat exp = product(lo, hi, first + e);
        if (!same(got[e], exp)) {
            FAIL("%s on %s, element %d: got [%u %u; %u %u], expected [%u %u; %u %u]", what, cname,
                 first + e, got[e].a, got[e].b, got[e].c, got[e].d, exp.a, exp.b, exp.c, exp.d);
            return;
        }
    }
}

static void noncommutative(MPI_Comm comm, MPI_Op op, const char *cname)
{
    int rank, size, root, e, i;
    mat in[NMAT], out[NMAT];
    int *counts;
    mat *all, *part;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    for (e = 0; e < NMAT; e++)
        in[e] = matrix_of(rank, e);

    for (root = 0; root < size; root++) {
        memset(out, 0, sizeof out);
        MPI_Reduce(in, out, NMAT, mattype, op, root, comm);
        if (rank == root)
            check_mats(out, 0, size, 0, NMAT, "MPI_Reduce (matrix product)", cname);
        /* In place at the root. */
        if (rank == root) {
            memcpy(out, in, sizeof in);
            MPI_Reduce(MPI_IN_PLACE, out, NMAT, mattype, op, root, comm);
            check_mats(out, 0, size, 0, NMAT, "MPI_Reduce in place (matrix product)", cname);
        } else {
            MPI_Reduce(in, NULL, NMAT, mattype, op, root, comm);
        }
    }

    memset(out, 0, sizeof out);
    MPI_Allreduce(in, out, NMAT, mattype, op, comm);
    check_mats(out, 0, size, 0, NMAT, "MPI_Allreduce (matrix product)", cname);
    memcpy(out, in, sizeof in);
    MPI_Allreduce(MPI_IN_PLACE, out, NMAT, mattype, op, comm);
    check_mats(out, 0, size, 0, NMAT, "MPI_Allreduce in place (matrix product)", cname);

    memset(out, 0, sizeof out);
    MPI_Scan(in, out, NMAT, mattype, op, comm);
    check_mats(out, 0, rank + 1, 0, NMAT, "MPI_Scan (matrix product)", cname);
    memcpy(out, in, sizeof in);
    MPI_Scan(MPI_IN_PLACE, out, NMAT, mattype, op, comm);
    check_mats(out, 0, rank + 1, 0, NMAT, "MPI_Scan in place (matrix product)", cname);

    memset(out, 0, sizeof out);
    MPI_Exscan(in, out, NMAT, mattype, op, comm);
    if (rank > 0)
        check_mats(out, 0, rank, 0, NMAT, "MPI_Exscan (matrix product)", cname);
    memcpy(out, in, sizeof in);
    MPI_Exscan(MPI_IN_PLACE, out, NMAT, mattype, op, comm);
    if (rank > 0)
        check_mats(out, 0, rank, 0, NMAT, "MPI_Exscan in place (matrix product)", cname);

    /* MPI_Reduce_scatter: rank i gets i % 3 matrices (some get none). */
    {
        int total = 0, first = 0;
        counts = malloc((size_t) size * sizeof(int));
        for (i = 0; i < size; i++) {
            counts[i] = i % 3;
            if (i < rank)
                first += counts[i];
            total += counts[i];
        }
        all = malloc((size_t) (total + 1) * sizeof(mat));
        part = malloc((size_t) (counts[rank] + 1) * sizeof(mat));
        for (e = 0; e < total; e++)
            all[e] = matrix_of(rank, e);
        MPI_Reduce_scatter(all, part, counts, mattype, op, comm);
        check_mats(part, 0, size, first, counts[rank], "MPI_Reduce_scatter (matrix product)", cname);
        /* In place: the result is at the start of the full buffer. */
        MPI_Reduce_scatter(MPI_IN_PLACE, all, counts, mattype, op, comm);
        check_mats(all, 0, size, first, counts[rank], "MPI_Reduce_scatter in place (matrix product)", cname);
        free(all);
        free(part);
        free(counts);
    }
}

static void commutative(MPI_Comm comm, MPI_Op op, const char *cname)
{
    int rank, size, i, r, in[5], out[5], exp;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (i = 0; i < 5; i++)
        in[i] = (rank * 333331 + i * 7919) % 1000003;

    MPI_Allreduce(in, out, 5, MPI_INT, op, comm);
    for (i = 0; i < 5; i++) {
        long long s = 0;
        for (r = 0; r < size; r++)
            s += (r * 333331 + i * 7919) % 1000003;
        exp = (int) (s % 1000003);
        if (out[i] != exp)
            FAIL("MPI_Allreduce (commutative user op) on %s, element %d: got %d, expected %d",
                 cname, i, out[i], exp);
    }
    MPI_Reduce(in, out, 5, MPI_INT, op, size - 1, comm);
    if (rank == size - 1)
        for (i = 0; i < 5; i++) {
            long long s = 0;
            for (r = 0; r < size; r++)
                s += (r * 333331 + i * 7919) % 1000003;
            CHECK_INT(out[i], s % 1000003, "MPI_Reduce (commutative user op)");
        }
    MPI_Scan(in, out, 5, MPI_INT, op, comm);
    for (i = 0; i < 5; i++) {
        long long s = 0;
        for (r = 0; r <= rank; r++)
            s += (r * 333331 + i * 7919) % 1000003;
        CHECK_INT(out[i], s % 1000003, "MPI_Scan (commutative user op)");
    }
}

int main(int argc, char **argv)
{
    MPI_Op matop, sumop;
    int idx = 0;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    MPI_Type_contiguous(4, MPI_UNSIGNED, &mattype);
    MPI_Type_commit(&mattype);
    MPI_Op_create(matmul_op, 0, &matop);
    MPI_Op_create(modsum_op, 1, &sumop);

    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            noncommutative(comm, matop, cname);
            commutative(comm, sumop, cname);
        }
        tu_free_comm(&comm);
    }
    CHECK_INT(wrong_type_calls, 0, "calls of the user function with another datatype than the call's");

    MPI_Op_free(&matop);
    MPI_Op_free(&sumop);
    CHECK(matop == MPI_OP_NULL && sumop == MPI_OP_NULL, "MPI_Op_free did not set the handle to MPI_OP_NULL");
    MPI_Type_free(&mattype);
    return tu_finish();
}
