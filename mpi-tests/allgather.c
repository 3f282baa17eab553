/*
 * MPI_Allgather and MPI_Allgatherv on several communicators (see
 * tu_next_comm): in place, counts that differ per rank (some zero),
 * displacements out of order with gaps left untouched, derived against basic
 * types, and long blocks.
 */
#include "testutil.h"

#define C 3
#define LONGC 20000
#define GAP 2

static int val(int r, int i) { return r * 1000 + i; }

int main(int argc, char **argv)
{
    int idx = 0, rank, size, i, j;
    MPI_Comm comm;
    const char *cname;
    MPI_Datatype three;

    MPI_Init(&argc, &argv);
    MPI_Type_contiguous(C, MPI_INT, &three);
    MPI_Type_commit(&three);

    while (tu_next_comm(&idx, &comm, &cname)) {
        int *sbuf, *rbuf, *counts, *displs, *expect, total;
        if (comm == MPI_COMM_NULL) {
            tu_free_comm(&comm);
            continue;
        }
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);
        sbuf = malloc(LONGC * sizeof(int));
        rbuf = malloc((size_t) size * (LONGC + GAP + 8) * sizeof(int));
        expect = malloc((size_t) size * (C + GAP + 8) * sizeof(int));
        counts = malloc((size_t) size * sizeof(int));
        displs = malloc((size_t) size * sizeof(int));

        /* MPI_Allgather of 3 ints, received as contiguous(3). */
        for (i = 0; i < C; i++)
            sbuf[i] = val(rank, i);
        for (i = 0; i < size * C; i++)
            rbuf[i] = -1;
        MPI_Allgather(sbuf, C, MPI_INT, rbuf, 1, three, comm);
        for (i = 0; i < size * C; i++)
            if (rbuf[i] != val(i / C, i % C)) {
                FAIL("MPI_Allgather on %s: element %d is %d, expected %d", cname, i, rbuf[i],
                     val(i / C, i % C));
                break;
            }

        /* In place. */
        for (i = 0; i < size * C; i++)
            rbuf[i] = i / C == rank ? val(rank, i % C) : -1;
        MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rbuf, C, MPI_INT, comm);
        for (i = 0; i < size * C; i++)
            if (rbuf[i] != val(i / C, i % C)) {
                FAIL("MPI_Allgather in place on %s: element %d is %d, expected %d", cname, i,
                     rbuf[i], val(i / C, i % C));
                break;
            }

        /* MPI_Allgatherv: rank j contributes (2 * j + 1) % 5 ints, blocks laid
           out last rank first with gaps. */
        total = 0;
        for (j = size - 1; j >= 0; j--) {
            counts[j] = (2 * j + 1) % 5;
            displs[j] = total;
            total += counts[j] + GAP;
        }
        for (i = 0; i < total; i++)
            expect[i] = -1;
        for (j = 0; j < size; j++)
            for (i = 0; i < counts[j]; i++)
                expect[displs[j] + i] = val(j, i);
        for (i = 0; i < counts[rank]; i++)
            sbuf[i] = val(rank, i);
        for (i = 0; i < total; i++)
            rbuf[i] = -1;
        MPI_Allgatherv(sbuf, counts[rank], MPI_INT, rbuf, counts, displs, MPI_INT, comm);
        for (i = 0; i < total; i++)
            if (rbuf[i] != expect[i]) {
                FAIL("MPI_Allgatherv on %s: element %d is %d, expected %d", cname, i, rbuf[i],
                     expect[i]);
                break;
            }
        /* In place. */
        for (i = 0; i < total; i++)
            rbuf[i] = -1;
        for (i = 0; i < counts[rank]; i++)
            rbuf[displs[rank] + i] = val(rank, i);
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rbuf, counts, displs, MPI_INT, comm);
        for (i = 0; i < total; i++)
            if (rbuf[i] != expect[i]) {
                FAIL("MPI_Allgatherv in place on %s: element %d is %d, expected %d", cname, i,
                     rbuf[i], expect[i]);
                break;
            }

        /* Long blocks. */
        for (i = 0; i < LONGC; i++)
            sbuf[i] = val(rank, i);
        MPI_Allgather(sbuf, LONGC, MPI_INT, rbuf, LONGC, MPI_INT, comm);
        for (i = 0; i < size * LONGC; i++)
            if (rbuf[i] != val(i / LONGC, i % LONGC)) {
                FAIL("long MPI_Allgather on %s: element %d is %d, expected %d", cname, i,
                     rbuf[i], val(i / LONGC, i % LONGC));
                break;
            }

        free(sbuf);
        free(rbuf);
        free(expect);
        free(counts);
        free(displs);
        tu_free_comm(&comm);
    }
    MPI_Type_free(&three);
    return tu_finish();
}
