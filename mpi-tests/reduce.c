/*
 * MPI_Reduce: every root of every communicator (see tu_next_comm), a spread of
 * (type, operation) pairs, MPI_IN_PLACE at the root, receive buffer ignored
 * (NULL) elsewhere, long vectors, and zero elements.  The full type x op
 * matrix is in allreduce.c.
 */
#include "optypes.h"

#define COUNT 5
#define LONGCOUNT 100000

static void one(MPI_Comm comm, const OpKind *k, int op, int count, int root, int inplace,
                unsigned char *sbuf, unsigned char *rbuf, const char *cname)
{
    int rank, size, i, bad = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    ot_fill(k, op, rank, sbuf, count);
    if (rank == root) {
        if (inplace) {
            ot_fill(k, op, rank, rbuf, count);
            MPI_Reduce(MPI_IN_PLACE, rbuf, count, k->type, ot_op(op), root, comm);
        } else {
            memset(rbuf, 0xee, (size_t) count * k->size);
            MPI_Reduce(sbuf, rbuf, count, k->type, ot_op(op), root, comm);
        }
        for (i = 0; i < count && bad < 2; i++) {
            long long got = k->get(rbuf, i), exp = ot_expected(k, op, 0, size, i);
            if (got != exp) {
                FAIL("MPI_Reduce%s %s on %s, count %d, root %d, %s: element %d is %lld, expected %lld",
                     inplace ? " (in place)" : "", ot_op_name(op), k->name, count, root, cname,
                     i, got, exp);
                bad++;
            }
        }
    } else {
        MPI_Reduce(sbuf, NULL, count, k->type, ot_op(op), root, comm);
    }
    for (i = 0; i < count; i++)
        if (k->get(sbuf, i) != ot_input(k, op, rank, i)) {
            FAIL("MPI_Reduce %s on %s changed the send buffer", ot_op_name(op), k->name);
            break;
        }
}

int main(int argc, char **argv)
{
    OpKind kinds[32];
    /* (kind index in ot_kinds, op) */
    static const int pairs[][2] = {
        { 4, OP_SUM },          /* MPI_INT */
        { 19, OP_PROD },        /* MPI_DOUBLE */
        { 18, OP_MIN },         /* MPI_FLOAT */
        { 9, OP_MAX },          /* MPI_UNSIGNED_LONG_LONG */
        { 2, OP_LAND },         /* MPI_SHORT */
        { 21, OP_LXOR },        /* MPI_C_BOOL */
        { 22, OP_BOR },         /* MPI_BYTE */
        { 13, OP_BXOR },        /* MPI_INT64_T */
        { 20, OP_SUM },         /* MPI_LONG_DOUBLE */
        { 14, OP_MIN },         /* MPI_UINT8_T */
        { 10, OP_PROD },        /* MPI_INT8_T */
        { 7, OP_LOR },          /* MPI_UNSIGNED_LONG */
        { 16, OP_BAND },        /* MPI_UINT32_T */
    };
    int npairs = (int) (sizeof pairs / sizeof pairs[0]);
    int p, root, idx = 0, size;
    MPI_Comm comm;
    const char *cname;
    unsigned char *sbuf, *rbuf;

    MPI_Init(&argc, &argv);
    ot_kinds(kinds);
    sbuf = malloc((size_t) LONGCOUNT * 16);
    rbuf = malloc((size_t) LONGCOUNT * 16);

    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            MPI_Comm_size(comm, &size);
            for (root = 0; root < size; root++)
                for (p = 0; p < npairs; p++) {
                    one(comm, &kinds[pairs[p][0]], pairs[p][1], COUNT, root, 0, sbuf, rbuf, cname);
                    if (p % 3 == root % 3)
                        one(comm, &kinds[pairs[p][0]], pairs[p][1], COUNT, root, 1, sbuf, rbuf, cname);
                }
            one(comm, &kinds[19], OP_SUM, LONGCOUNT, 0, 0, sbuf, rbuf, cname);
            one(comm, &kinds[4], OP_MAX, LONGCOUNT, size - 1, 1, sbuf, rbuf, cname);
            MPI_Reduce(sbuf, rbuf, 0, MPI_INT, MPI_SUM, 0, comm);
        }
        tu_free_comm(&comm);
    }

    free(sbuf);
    free(rbuf);
    return tu_finish();
}
