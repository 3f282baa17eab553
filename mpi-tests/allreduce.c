/*
 * MPI_Allreduce with every predefined operation on every predefined type MPI
 * defines it for (SUM PROD MIN MAX on integers and floating point, LAND LOR
 * LXOR on integers and C_BOOL, BAND BOR BXOR on integers and BYTE), on several
 * communicators (see tu_next_comm), with MPI_IN_PLACE, and with long vectors.
 */
#include "optypes.h"

#define MAXCOUNT 7
#define LONGCOUNT 100000

static void one(MPI_Comm comm, const OpKind *k, int op, int count, int inplace,
                unsigned char *sbuf, unsigned char *rbuf, const char *cname)
{
    int rank, size, i, bad = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    if (inplace) {
        ot_fill(k, op, rank, rbuf, count);
        MPI_Allreduce(MPI_IN_PLACE, rbuf, count, k->type, ot_op(op), comm);
    } else {
        ot_fill(k, op, rank, sbuf, count);
        memset(rbuf, 0xee, (size_t) count * k->size);
        MPI_Allreduce(sbuf, rbuf, count, k->type, ot_op(op), comm);
    }
    for (i = 0; i < count && bad < 2; i++) {
        long long got = k->get(rbuf, i), exp = ot_expected(k, op, 0, size, i);
        if (got != exp) {
            FAIL("MPI_Allreduce%s %s on %s, count %d, %s: element %d is %lld, expected %lld",
                 inplace ? " (in place)" : "", ot_op_name(op), k->name, count, cname, i, got, exp);
            bad++;
        }
    }
    /* The send buffer is input only. */
    if (!inplace)
        for (i = 0; i < count; i++)
            if (k->get(sbuf, i) != ot_input(k, op, rank, i)) {
                FAIL("MPI_Allreduce %s on %s changed the send buffer", ot_op_name(op), k->name);
                break;
            }
}

int main(int argc, char **argv)
{
    OpKind kinds[32];
    int nkinds, t, op, idx = 0;
    MPI_Comm comm;
    const char *cname;
    unsigned char *sbuf, *rbuf;

    MPI_Init(&argc, &argv);
    nkinds = ot_kinds(kinds);
    sbuf = malloc((size_t) LONGCOUNT * 16);
    rbuf = malloc((size_t) LONGCOUNT * 16);

    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            for (t = 0; t < nkinds; t++)
                for (op = 0; op < OP_COUNT; op++) {
                    if (!ot_valid(&kinds[t], op))
                        continue;
                    one(comm, &kinds[t], op, MAXCOUNT, 0, sbuf, rbuf, cname);
                    /* In place and single elements: on a few communicators. */
                    if (idx % 2 == 1) {
                        one(comm, &kinds[t], op, MAXCOUNT, 1, sbuf, rbuf, cname);
                        one(comm, &kinds[t], op, 1, 0, sbuf, rbuf, cname);
                    }
                }
            /* Long vectors (the large-message algorithms). */
            one(comm, &kinds[19], OP_SUM, LONGCOUNT, 0, sbuf, rbuf, cname);      /* DOUBLE */
            one(comm, &kinds[4], OP_MAX, LONGCOUNT, 1, sbuf, rbuf, cname);       /* INT */
            one(comm, &kinds[17], OP_BXOR, LONGCOUNT / 4, 0, sbuf, rbuf, cname); /* UINT64 */
            /* Zero elements is a valid call. */
            MPI_Allreduce(sbuf, rbuf, 0, MPI_INT, MPI_SUM, comm);
        }
        tu_free_comm(&comm);
    }

    free(sbuf);
    free(rbuf);
    return tu_finish();
}
