/*
 * MPI_Scan (inclusive) and MPI_Exscan (exclusive; the result on rank 0 is
 * undefined and not checked) on several communicators (see tu_next_comm),
 * with a spread of (type, op) pairs, in place, and long vectors.  (A
 * non-commutative user operation is in user_ops.c.)
 */
#include "optypes.h"

#define COUNT 4
#define LONGCOUNT 50000

static void one(MPI_Comm comm, const OpKind *k, int op, int count, int exclusive, int inplace,
                const char *cname)
{
    int rank, i, bad = 0;
    unsigned char *sbuf = malloc((size_t) count * k->size), *rbuf = malloc((size_t) count * k->size);
    MPI_Comm_rank(comm, &rank);
    if (inplace) {
        ot_fill(k, op, rank, rbuf, count);
        if (exclusive)
            MPI_Exscan(MPI_IN_PLACE, rbuf, count, k->type, ot_op(op), comm);
        else
            MPI_Scan(MPI_IN_PLACE, rbuf, count, k->type, ot_op(op), comm);
    } else {
        ot_fill(k, op, rank, sbuf, count);
        memset(rbuf, 0xee, (size_t) count * k->size);
        if (exclusive)
            MPI_Exscan(sbuf, rbuf, count, k->type, ot_op(op), comm);
        else
            MPI_Scan(sbuf, rbuf, count, k->type, ot_op(op), comm);
    }
    if (!(exclusive && rank == 0))
        for (i = 0; i < count && bad < 2; i++) {
            long long got = k->get(rbuf, i);
            long long exp = ot_expected(k, op, 0, exclusive ? rank : rank + 1, i);
            if (got != exp) {
                FAIL("%s%s %s on %s, count %d, %s: element %d is %lld, expected %lld",
                     exclusive ? "MPI_Exscan" : "MPI_Scan", inplace ? " (in place)" : "",
                     ot_op_name(op), k->name, count, cname, i, got, exp);
                bad++;
            }
        }
    free(sbuf);
    free(rbuf);
}

int main(int argc, char **argv)
{
    OpKind kinds[32];
    static const int pairs[][2] = {
        { 4, OP_SUM }, { 19, OP_PROD }, { 18, OP_MIN }, { 9, OP_MAX }, { 2, OP_LAND },
        { 21, OP_LXOR }, { 22, OP_BOR }, { 13, OP_BXOR }, { 20, OP_SUM }, { 10, OP_MAX },
        { 5, OP_BAND }, { 15, OP_LOR },
    };
    int idx = 0, p, ex;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    ot_kinds(kinds);
    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            for (ex = 0; ex < 2; ex++)
                for (p = 0; p < (int) (sizeof pairs / sizeof pairs[0]); p++) {
                    one(comm, &kinds[pairs[p][0]], pairs[p][1], COUNT, ex, 0, cname);
                    one(comm, &kinds[pairs[p][0]], pairs[p][1], COUNT, ex, 1, cname);
                }
            one(comm, &kinds[19], OP_SUM, LONGCOUNT, 0, 0, cname);
            one(comm, &kinds[4], OP_SUM, LONGCOUNT, 1, 1, cname);
        }
        tu_free_comm(&comm);
    }
    return tu_finish();
}
