/*
 * reduce_zero_count.c - the reductions with no data: count 0 (with a buffer and with
 * NULL), and count 3 of a datatype of size 0 (with the user operation: Open MPI
 * takes predefined ones on predefined types only), for MPI_Reduce, MPI_Allreduce,
 * MPI_Scan, MPI_Exscan and MPI_Reduce_scatter_block, a commutative and a
 * non-commutative operation (mpi4py's test_msgzero ran into a trap here). The
 * buffers must be left as they are (the receive buffer only for count 0).
 */
#include "testutil.h"

static void concat(void *in, void *inout, int *len, MPI_Datatype *type)
{
    int *a = in, *b = inout;
    (void)type;
    for (int i = 0; i < *len; i++)
        b[i] = a[i] * 10 + b[i];
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Op noncommutative;
    MPI_Op_create(concat, 0, &noncommutative);
    MPI_Datatype empty;
    MPI_Type_contiguous(0, MPI_INT, &empty);
    MPI_Type_commit(&empty);

    MPI_Op ops[2] = {MPI_SUM, noncommutative};
    for (int o = 0; o < 2; o++) {
        for (int form = 0; form < (ops[o] == MPI_SUM ? 2 : 3); form++) {
            int sbuf[3] = {7, 7, 7}, rbuf[3] = {-1, -1, -1};
            int count = form == 2 ? 3 : 0;
            MPI_Datatype type = form == 2 ? empty : MPI_INT;
            void *s = form == 1 ? NULL : sbuf, *r = form == 1 ? NULL : rbuf;
            MPI_Reduce(s, r, count, type, ops[o], 0, MPI_COMM_WORLD);
            MPI_Allreduce(s, r, count, type, ops[o], MPI_COMM_WORLD);
            MPI_Scan(s, r, count, type, ops[o], MPI_COMM_WORLD);
            MPI_Exscan(s, r, count, type, ops[o], MPI_COMM_WORLD);
            MPI_Reduce_scatter_block(s, r, count, type, ops[o], MPI_COMM_WORLD);
            MPI_Allreduce(MPI_IN_PLACE, r, count, type, ops[o], MPI_COMM_WORLD);
            for (int i = 0; i < 3; i++) {
                CHECK_INT(sbuf[i], 7, "a send buffer of no data");
                if (form < 2) /* Open MPI 4.1 writes into it with the type of size 0 */
                    CHECK_INT(rbuf[i], -1, "a receive buffer of no data");
            }
        }
    }
    MPI_Type_free(&empty);
    MPI_Op_free(&noncommutative);
    return tu_finish();
}
