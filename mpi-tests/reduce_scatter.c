/*
 * MPI_Reduce_scatter on several communicators (see tu_next_comm): equal and
 * unequal receive counts (some zero), several (type, op) pairs, in place, and
 * long vectors.  (A non-commutative user operation is in user_ops.c.)
 */
#include "optypes.h"

static void one(MPI_Comm comm, const OpKind *k, int op, const int *counts, int inplace,
                const char *cname)
{
    int rank, size, i, total = 0, first = 0, bad = 0;
    unsigned char *sbuf, *rbuf;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (i = 0; i < size; i++) {
        if (i < rank)
            first += counts[i];
        total += counts[i];
    }
    sbuf = malloc((size_t) (total + 1) * k->size);
    rbuf = malloc((size_t) (total + 1) * k->size);
    if (inplace) {
        ot_fill(k, op, rank, rbuf, total);
        MPI_Reduce_scatter(MPI_IN_PLACE, rbuf, counts, k->type, ot_op(op), comm);
    } else {
        ot_fill(k, op, rank, sbuf, total);
        memset(rbuf, 0xee, (size_t) (total + 1) * k->size);
        MPI_Reduce_scatter(sbuf, rbuf, counts, k->type, ot_op(op), comm);
    }
    for (i = 0; i < counts[rank] && bad < 2; i++) {
        long long got = k->get(rbuf, i), exp = ot_expected(k, op, 0, size, first + i);
        if (got != exp) {
            FAIL("MPI_Reduce_scatter%s %s on %s, %d of %d elements, %s: element %d is %lld, expected %lld",
                 inplace ? " (in place)" : "", ot_op_name(op), k->name, counts[rank], total,
                 cname, i, got, exp);
            bad++;
        }
    }
    free(sbuf);
    free(rbuf);
}

int main(int argc, char **argv)
{
    OpKind kinds[32];
    int idx = 0, rank, size, i, pattern;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    ot_kinds(kinds);
    while (tu_next_comm(&idx, &comm, &cname)) {
        int *counts;
        if (comm == MPI_COMM_NULL) {
            tu_free_comm(&comm);
            continue;
        }
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);
        counts = malloc((size_t) size * sizeof(int));
        for (pattern = 0; pattern < 4; pattern++) {
            for (i = 0; i < size; i++) {
                switch (pattern) {
                case 0: counts[i] = 1; break;
                case 1: counts[i] = 4; break;
                case 2: counts[i] = (i * 3 + 1) % 4; break;     /* some zero */
                default: counts[i] = i == size - 1 ? 30000 : i % 2; break;
                }
            }
            one(comm, &kinds[4], OP_SUM, counts, 0, cname);       /* MPI_INT */
            one(comm, &kinds[19], OP_MAX, counts, pattern % 2, cname);    /* MPI_DOUBLE */
            if (pattern < 3) {
                one(comm, &kinds[4], OP_SUM, counts, 1, cname);
                one(comm, &kinds[8], OP_PROD, counts, 0, cname);  /* MPI_LONG_LONG */
                one(comm, &kinds[14], OP_BXOR, counts, 1, cname); /* MPI_UINT8_T */
                one(comm, &kinds[21], OP_LOR, counts, 0, cname);  /* MPI_C_BOOL */
                one(comm, &kinds[18], OP_MIN, counts, 0, cname);  /* MPI_FLOAT */
            }
        }
        free(counts);
        tu_free_comm(&comm);
    }
    return tu_finish();
}
