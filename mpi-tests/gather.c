/*
 * MPI_Gather and MPI_Gatherv at every root of several communicators (see
 * tu_next_comm): in place at the root, receive buffer NULL elsewhere, counts
 * that differ per rank (some zero), displacements out of order with gaps that
 * must stay untouched, a derived send type against a basic receive type, and
 * a long message per rank.
 */
#include "testutil.h"

#define C 3
#define LONGC 20000
#define GAP 2

static int val(int r, int i) { return r * 1000 + i; }

int main(int argc, char **argv)
{
    int idx = 0, rank, size, root, i, j;
    MPI_Comm comm;
    const char *cname;
    MPI_Datatype three;

    MPI_Init(&argc, &argv);
    MPI_Type_contiguous(C, MPI_INT, &three);
    MPI_Type_commit(&three);

    while (tu_next_comm(&idx, &comm, &cname)) {
        int *sbuf, *rbuf, *counts, *displs, total;
        if (comm == MPI_COMM_NULL) {
            tu_free_comm(&comm);
            continue;
        }
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);
        sbuf = malloc(LONGC * sizeof(int));
        rbuf = malloc((size_t) size * (LONGC + GAP + 8) * sizeof(int));
        counts = malloc((size_t) size * sizeof(int));
        displs = malloc((size_t) size * sizeof(int));

        for (root = 0; root < size; root++) {
            /* MPI_Gather, 3 ints each. */
            for (i = 0; i < C; i++)
                sbuf[i] = val(rank, i);
            for (i = 0; i < size * C; i++)
                rbuf[i] = -1;
            MPI_Gather(sbuf, C, MPI_INT, rank == root ? rbuf : NULL, C, MPI_INT, root, comm);
            if (rank == root)
                for (j = 0; j < size; j++)
                    for (i = 0; i < C; i++)
                        if (rbuf[j * C + i] != val(j, i)) {
                            FAIL("MPI_Gather root %d on %s: block %d element %d is %d, expected %d",
                                 root, cname, j, i, rbuf[j * C + i], val(j, i));
                            j = size;
                            break;
                        }

            /* The same with a contiguous(3) send type, and in place at the root. */
            for (i = 0; i < size * C; i++)
                rbuf[i] = rank == root && i / C == root ? val(root, i % C) : -1;
            if (rank == root)
                MPI_Gather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rbuf, C, MPI_INT, root, comm);
            else
                MPI_Gather(sbuf, 1, three, NULL, 0, MPI_DATATYPE_NULL, root, comm);
            if (rank == root)
                for (i = 0; i < size * C; i++)
                    if (rbuf[i] != val(i / C, i % C)) {
                        FAIL("MPI_Gather in place, root %d on %s: element %d is %d, expected %d",
                             root, cname, i, rbuf[i], val(i / C, i % C));
                        break;
                    }

            /* MPI_Gatherv: rank j sends j % 4 ints (rank 0, 4, ... send none);
               blocks are placed last rank first, with GAP ints between them. */
            total = 0;
            for (j = size - 1; j >= 0; j--) {
                counts[j] = j % 4;
                displs[j] = total;
                total += counts[j] + GAP;
            }
            for (i = 0; i < counts[rank]; i++)
                sbuf[i] = val(rank, i);
            for (i = 0; i < total; i++)
                rbuf[i] = -1;
            MPI_Gatherv(sbuf, counts[rank], MPI_INT, rbuf, counts, displs, MPI_INT, root, comm);
            if (rank == root) {
                int *expect = malloc((size_t) total * sizeof(int));
                for (i = 0; i < total; i++)
                    expect[i] = -1;
                for (j = 0; j < size; j++)
                    for (i = 0; i < counts[j]; i++)
                        expect[displs[j] + i] = val(j, i);
                for (i = 0; i < total; i++)
                    if (rbuf[i] != expect[i]) {
                        FAIL("MPI_Gatherv root %d on %s: element %d is %d, expected %d", root,
                             cname, i, rbuf[i], expect[i]);
                        break;
                    }
                /* In place at the root: its block is already in the buffer. */
                for (i = 0; i < total; i++)
                    rbuf[i] = -1;
                for (i = 0; i < counts[root]; i++)
                    rbuf[displs[root] + i] = val(root, i);
                MPI_Gatherv(MPI_IN_PLACE, 0, MPI_INT, rbuf, counts, displs, MPI_INT, root, comm);
                for (i = 0; i < total; i++)
                    if (rbuf[i] != expect[i]) {
                        FAIL("MPI_Gatherv in place, root %d on %s: element %d is %d, expected %d",
                             root, cname, i, rbuf[i], expect[i]);
                        break;
                    }
                free(expect);
            } else {
                MPI_Gatherv(sbuf, counts[rank], MPI_INT, NULL, NULL, NULL, MPI_INT, root, comm);
            }
        }

        /* Long blocks to the last rank. */
        root = size - 1;
        for (i = 0; i < LONGC; i++)
            sbuf[i] = val(rank, i);
        MPI_Gather(sbuf, LONGC, MPI_INT, rbuf, LONGC, MPI_INT, root, comm);
        if (rank == root)
            for (i = 0; i < size * LONGC; i++)
                if (rbuf[i] != val(i / LONGC, i % LONGC)) {
                    FAIL("long MPI_Gather on %s: element %d is %d, expected %d", cname, i,
                         rbuf[i], val(i / LONGC, i % LONGC));
                    break;
                }

        free(sbuf);
        free(rbuf);
        free(counts);
        free(displs);
        tu_free_comm(&comm);
    }
    MPI_Type_free(&three);
    return tu_finish();
}
