/*
 * MPI_Scatter and MPI_Scatterv from every root of several communicators (see
 * tu_next_comm): in place at the root, send buffer NULL elsewhere, counts that
 * differ per rank (some zero), displacements out of order, a basic send type
 * against a derived receive type, and a long message per rank.
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
        sbuf = malloc((size_t) size * (LONGC + GAP + 8) * sizeof(int));
        rbuf = malloc((LONGC + 8) * sizeof(int));
        counts = malloc((size_t) size * sizeof(int));
        displs = malloc((size_t) size * sizeof(int));

        for (root = 0; root < size; root++) {
            /* MPI_Scatter, 3 ints each, into room for exactly 3 (+ guard). */
            for (i = 0; i < size * C; i++)
                sbuf[i] = rank == root ? val(i / C, i % C) : -7;
            for (i = 0; i < C + 1; i++)
                rbuf[i] = -1;
            MPI_Scatter(rank == root ? sbuf : NULL, C, MPI_INT, rbuf, C, MPI_INT, root, comm);
            for (i = 0; i < C; i++)
                if (rbuf[i] != val(rank, i)) {
                    FAIL("MPI_Scatter root %d on %s: element %d is %d, expected %d", root, cname,
                         i, rbuf[i], val(rank, i));
                    break;
                }
            CHECK_INT(rbuf[C], -1, "MPI_Scatter wrote past the receive block");

            /* Received as one contiguous(3); in place at the root (its block
               stays where it is). */
            for (i = 0; i < C; i++)
                rbuf[i] = -1;
            if (rank == root) {
                MPI_Scatter(sbuf, C, MPI_INT, MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, root, comm);
                for (i = 0; i < size * C; i++)
                    if (sbuf[i] != val(i / C, i % C)) {
                        FAIL("MPI_Scatter in place changed the root's buffer at %d", i);
                        break;
                    }
            } else {
                MPI_Scatter(NULL, 0, MPI_DATATYPE_NULL, rbuf, 1, three, root, comm);
                for (i = 0; i < C; i++)
                    if (rbuf[i] != val(rank, i)) {
                        FAIL("MPI_Scatter to contiguous(3), root %d on %s: element %d is %d, expected %d",
                             root, cname, i, rbuf[i], val(rank, i));
                        break;
                    }
            }

            /* MPI_Scatterv: rank j gets (j + 1) % 4 ints, blocks laid out last
               rank first with gaps. */
            total = 0;
            for (j = size - 1; j >= 0; j--) {
                counts[j] = (j + 1) % 4;
                displs[j] = total;
                total += counts[j] + GAP;
            }
            for (i = 0; i < total; i++)
                sbuf[i] = -7;
            if (rank == root)
                for (j = 0; j < size; j++)
                    for (i = 0; i < counts[j]; i++)
                        sbuf[displs[j] + i] = val(j, i);
            for (i = 0; i < 5; i++)
                rbuf[i] = -1;
            if (rank == root)
                MPI_Scatterv(sbuf, counts, displs, MPI_INT, rbuf, counts[rank], MPI_INT, root, comm);
            else
                MPI_Scatterv(NULL, NULL, NULL, MPI_INT, rbuf, counts[rank], MPI_INT, root, comm);
            for (i = 0; i < 5; i++) {
                int exp = i < counts[rank] ? val(rank, i) : -1;
                if (rbuf[i] != exp) {
                    FAIL("MPI_Scatterv root %d on %s: element %d is %d, expected %d", root, cname,
                         i, rbuf[i], exp);
                    break;
                }
            }
            /* In place at the root. */
            for (i = 0; i < 5; i++)
                rbuf[i] = -1;
            if (rank == root)
                MPI_Scatterv(sbuf, counts, displs, MPI_INT, MPI_IN_PLACE, 0, MPI_INT, root, comm);
            else {
                MPI_Scatterv(NULL, NULL, NULL, MPI_INT, rbuf, counts[rank], MPI_INT, root, comm);
                for (i = 0; i < counts[rank]; i++)
                    CHECK_INT(rbuf[i], val(rank, i), "MPI_Scatterv with the root in place");
            }
        }

        /* Long blocks from rank 0. */
        root = 0;
        if (rank == root)
            for (i = 0; i < size * LONGC; i++)
                sbuf[i] = val(i / LONGC, i % LONGC);
        MPI_Scatter(sbuf, LONGC, MPI_INT, rbuf, LONGC, MPI_INT, root, comm);
        for (i = 0; i < LONGC; i++)
            if (rbuf[i] != val(rank, i)) {
                FAIL("long MPI_Scatter on %s: element %d is %d, expected %d", cname, i, rbuf[i],
                     val(rank, i));
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
