/*
 * MPI_Bcast from every root of several communicators (see tu_next_comm), at
 * lengths from 0 to a few MiB, with basic types, a pair type and a derived
 * (vector) datatype, and several broadcasts in a row from changing roots.
 */
#include "testutil.h"

typedef struct { double v; int i; } double_int;

int main(int argc, char **argv)
{
    static const int lengths[] = { 0, 1, 3, 1000, 65536, 300000 };
    int idx = 0, rank, size, root, l, i;
    MPI_Comm comm;
    const char *cname;
    int *ibuf = malloc(300000 * sizeof(int));
    char what[160];

    MPI_Init(&argc, &argv);
    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm == MPI_COMM_NULL) {
            tu_free_comm(&comm);
            continue;
        }
        MPI_Comm_rank(comm, &rank);
        MPI_Comm_size(comm, &size);

        /* Ints, every root, every length (the longest only from two roots). */
        for (root = 0; root < size; root++) {
            for (l = 0; l < (int) (sizeof lengths / sizeof lengths[0]); l++) {
                int len = lengths[l];
                if (len > 65536 && root != 0 && root != size - 1)
                    continue;
                for (i = 0; i < len; i++)
                    ibuf[i] = rank == root ? root * 7 + i : -1;
                MPI_Bcast(ibuf, len, MPI_INT, root, comm);
                for (i = 0; i < len; i++)
                    if (ibuf[i] != root * 7 + i) {
                        FAIL("MPI_Bcast of %d ints from root %d on %s: element %d is %d, expected %d",
                             len, root, cname, i, ibuf[i], root * 7 + i);
                        break;
                    }
            }
        }

        /* Doubles, chars and a pair type from the last root. */
        {
            double d[17];
            char c[33];
            double_int p[5];
            root = size - 1;
            for (i = 0; i < 17; i++)
                d[i] = rank == root ? i / 8.0 : -1;
            for (i = 0; i < 33; i++)
                c[i] = rank == root ? (char) ('a' + i % 26) : 0;
            for (i = 0; i < 5; i++) {
                p[i].v = rank == root ? i * 1.5 : -1;
                p[i].i = rank == root ? -i : 99;
            }
            MPI_Bcast(d, 17, MPI_DOUBLE, root, comm);
            MPI_Bcast(c, 33, MPI_CHAR, root, comm);
            MPI_Bcast(p, 5, MPI_DOUBLE_INT, root, comm);
            for (i = 0; i < 17; i++)
                CHECK(d[i] == i / 8.0, "MPI_Bcast of doubles on %s: element %d is %g", cname, i, d[i]);
            for (i = 0; i < 33; i++)
                CHECK(c[i] == (char) ('a' + i % 26), "MPI_Bcast of chars on %s: element %d", cname, i);
            for (i = 0; i < 5; i++)
                CHECK(p[i].v == i * 1.5 && p[i].i == -i,
                      "MPI_Bcast of MPI_DOUBLE_INT on %s: element %d is (%g, %d)", cname, i,
                      p[i].v, p[i].i);
        }

        /* A column of a 6x6 matrix (MPI_Type_vector), received as a column of
           another matrix: only the column may change. */
        {
            int m[6][6];
            MPI_Datatype col;
            MPI_Type_vector(6, 1, 6, MPI_INT, &col);
            MPI_Type_commit(&col);
            root = size / 2;
            for (i = 0; i < 36; i++)
                m[i / 6][i % 6] = rank == root ? i : -1;
            MPI_Bcast(&m[0][2], 1, col, root, comm);
            for (i = 0; i < 36; i++) {
                int exp = (rank == root || i % 6 == 2) ? i : -1;
                snprintf(what, sizeof what, "MPI_Bcast of a matrix column on %s, entry %d", cname, i);
                CHECK_INT(m[i / 6][i % 6], exp, what);
            }
            MPI_Type_free(&col);
        }

        /* Back-to-back broadcasts from different roots. */
        {
            int v[4];
            for (l = 0; l < 4; l++) {
                v[l] = rank == (l % size) ? 1000 + l : -1;
                MPI_Bcast(&v[l], 1, MPI_INT, l % size, comm);
            }
            for (l = 0; l < 4; l++)
                CHECK_INT(v[l], 1000 + l, "back-to-back MPI_Bcast");
        }
        tu_free_comm(&comm);
    }
    free(ibuf);
    return tu_finish();
}
