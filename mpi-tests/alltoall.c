/*
 * MPI_Alltoall and MPI_Alltoallv on several communicators (see
 * tu_next_comm): block (i -> j) carries i and j; in place (MPI-2.2) for both;
 * per-pair counts (some zero) with displacements out of order and gaps left
 * untouched; long blocks.
 */
#include "testutil.h"

#define C 2
#define LONGC 5000
#define GAP 1

static int val(int from, int to, int i) { return from * 100000 + to * 100 + i; }

/* Count sent from rank a to rank b in the v-variants; symmetric, so it also
   serves the in-place call, where each pair exchanges equal amounts. */
static int cnt(int a, int b) { return (a + b) % 3; }

int main(int argc, char **argv)
{
    int idx = 0, rank, size, i, j;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    while (tu_next_comm(&idx, &comm, &cname)) {
        int *sbuf, *rbuf, *sc, *sd, *rc, *rd, stotal, rtotal;
        if (comm == MPI_COMM_NULL) {
            tu_free_comm(&comm);
            continue;
        }
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);
        sbuf = malloc((size_t) size * (LONGC + GAP + 4) * sizeof(int));
        rbuf = malloc((size_t) size * (LONGC + GAP + 4) * sizeof(int));
        sc = malloc((size_t) size * sizeof(int));
        sd = malloc((size_t) size * sizeof(int));
        rc = malloc((size_t) size * sizeof(int));
        rd = malloc((size_t) size * sizeof(int));

        /* MPI_Alltoall, C ints per pair. */
        for (j = 0; j < size; j++)
            for (i = 0; i < C; i++)
                sbuf[j * C + i] = val(rank, j, i);
        for (i = 0; i < size * C; i++)
            rbuf[i] = -1;
        MPI_Alltoall(sbuf, C, MPI_INT, rbuf, C, MPI_INT, comm);
        for (i = 0; i < size * C; i++)
            if (rbuf[i] != val(i / C, rank, i % C)) {
                FAIL("MPI_Alltoall on %s: element %d is %d, expected %d", cname, i, rbuf[i],
                     val(i / C, rank, i % C));
                break;
            }

        /* In place. */
        for (j = 0; j < size; j++)
            for (i = 0; i < C; i++)
                rbuf[j * C + i] = val(rank, j, i);
        MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, rbuf, C, MPI_INT, comm);
        for (i = 0; i < size * C; i++)
            if (rbuf[i] != val(i / C, rank, i % C)) {
                FAIL("MPI_Alltoall in place on %s: element %d is %d, expected %d", cname, i,
                     rbuf[i], val(i / C, rank, i % C));
                break;
            }

        /* MPI_Alltoallv: to rank j goes cnt(rank, j) ints; send blocks laid out
           last rank first, receive blocks first rank first, gaps between. */
        stotal = 0;
        for (j = size - 1; j >= 0; j--) {
            sc[j] = cnt(rank, j);
            sd[j] = stotal;
            stotal += sc[j] + GAP;
        }
        rtotal = 0;
        for (j = 0; j < size; j++) {
            rc[j] = cnt(j, rank);
            rd[j] = rtotal;
            rtotal += rc[j] + GAP;
        }
        for (i = 0; i < stotal; i++)
            sbuf[i] = -3;
        for (j = 0; j < size; j++)
            for (i = 0; i < sc[j]; i++)
                sbuf[sd[j] + i] = val(rank, j, i);
        for (i = 0; i < rtotal; i++)
            rbuf[i] = -1;
        MPI_Alltoallv(sbuf, sc, sd, MPI_INT, rbuf, rc, rd, MPI_INT, comm);
        for (j = 0; j < size; j++) {
            for (i = 0; i < rc[j] + GAP; i++) {
                int exp = i < rc[j] ? val(j, rank, i) : -1;
                if (rbuf[rd[j] + i] != exp) {
                    FAIL("MPI_Alltoallv on %s: from rank %d element %d is %d, expected %d", cname,
                         j, i, rbuf[rd[j] + i], exp);
                    j = size;
                    break;
                }
            }
        }

        /* In place: the receive layout is used for both directions. */
        for (i = 0; i < rtotal; i++)
            rbuf[i] = -1;
        for (j = 0; j < size; j++)
            for (i = 0; i < rc[j]; i++)
                rbuf[rd[j] + i] = val(rank, j, i);
        MPI_Alltoallv(MPI_IN_PLACE, NULL, NULL, MPI_DATATYPE_NULL, rbuf, rc, rd, MPI_INT, comm);
        for (j = 0; j < size; j++) {
            for (i = 0; i < rc[j] + GAP; i++) {
                int exp = i < rc[j] ? val(j, rank, i) : -1;
                if (rbuf[rd[j] + i] != exp) {
                    FAIL("MPI_Alltoallv in place on %s: from rank %d element %d is %d, expected %d",
                         cname, j, i, rbuf[rd[j] + i], exp);
                    j = size;
                    break;
                }
            }
        }

        /* Long blocks. */
        for (j = 0; j < size; j++)
            for (i = 0; i < LONGC; i++)
                sbuf[j * LONGC + i] = val(rank, j, i % 100);
        MPI_Alltoall(sbuf, LONGC, MPI_INT, rbuf, LONGC, MPI_INT, comm);
        for (i = 0; i < size * LONGC; i++)
            if (rbuf[i] != val(i / LONGC, rank, (i % LONGC) % 100)) {
                FAIL("long MPI_Alltoall on %s: element %d is %d, expected %d", cname, i, rbuf[i],
                     val(i / LONGC, rank, (i % LONGC) % 100));
                break;
            }

        free(sbuf);
        free(rbuf);
        free(sc);
        free(sd);
        free(rc);
        free(rd);
        tu_free_comm(&comm);
    }
    return tu_finish();
}
