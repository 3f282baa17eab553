/*
 * Derived datatypes: MPI_Type_contiguous, MPI_Type_vector (a matrix column
 * sent and received, a strided block pattern, a vector of a contiguous type),
 * MPI_Type_commit, MPI_Type_free (handle set to MPI_DATATYPE_NULL; a type
 * built from a freed type stays usable), MPI_Type_size of predefined, pair and
 * derived types, matching of type signatures (derived on one side, basic on
 * the other), MPI_Get_count with derived types (MPI_UNDEFINED when the data
 * is not a whole number of them), and derived types in collectives.
 * Needs at least 2 processes.
 */
#include "testutil.h"
#include <stdint.h>
#include <stdbool.h>

#define N 5

int main(int argc, char **argv)
{
    int rank, size, i, j, sz, n;
    MPI_Datatype col, pair, blocks, vecofpair, tmp, frozen;
    MPI_Status st;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }

    /* MPI_Type_size of predefined types: the C type's size, and for the pair
       types the sum of the members' sizes (no padding). */
    {
        struct { MPI_Datatype t; const char *name; int size; } pre[] = {
            { MPI_CHAR, "MPI_CHAR", sizeof(char) },
            { MPI_SIGNED_CHAR, "MPI_SIGNED_CHAR", sizeof(signed char) },
            { MPI_UNSIGNED_CHAR, "MPI_UNSIGNED_CHAR", sizeof(unsigned char) },
            { MPI_BYTE, "MPI_BYTE", 1 },
            { MPI_SHORT, "MPI_SHORT", sizeof(short) },
            { MPI_UNSIGNED_SHORT, "MPI_UNSIGNED_SHORT", sizeof(unsigned short) },
            { MPI_INT, "MPI_INT", sizeof(int) },
            { MPI_UNSIGNED, "MPI_UNSIGNED", sizeof(unsigned) },
            { MPI_LONG, "MPI_LONG", sizeof(long) },
            { MPI_UNSIGNED_LONG, "MPI_UNSIGNED_LONG", sizeof(unsigned long) },
            { MPI_LONG_LONG, "MPI_LONG_LONG", sizeof(long long) },
            { MPI_UNSIGNED_LONG_LONG, "MPI_UNSIGNED_LONG_LONG", sizeof(unsigned long long) },
            { MPI_FLOAT, "MPI_FLOAT", sizeof(float) },
            { MPI_DOUBLE, "MPI_DOUBLE", sizeof(double) },
            { MPI_LONG_DOUBLE, "MPI_LONG_DOUBLE", sizeof(long double) },
            { MPI_INT8_T, "MPI_INT8_T", 1 }, { MPI_INT16_T, "MPI_INT16_T", 2 },
            { MPI_INT32_T, "MPI_INT32_T", 4 }, { MPI_INT64_T, "MPI_INT64_T", 8 },
            { MPI_UINT8_T, "MPI_UINT8_T", 1 }, { MPI_UINT16_T, "MPI_UINT16_T", 2 },
            { MPI_UINT32_T, "MPI_UINT32_T", 4 }, { MPI_UINT64_T, "MPI_UINT64_T", 8 },
            { MPI_C_BOOL, "MPI_C_BOOL", sizeof(bool) },
            { MPI_FLOAT_INT, "MPI_FLOAT_INT", sizeof(float) + sizeof(int) },
            { MPI_DOUBLE_INT, "MPI_DOUBLE_INT", sizeof(double) + sizeof(int) },
            { MPI_LONG_INT, "MPI_LONG_INT", sizeof(long) + sizeof(int) },
            { MPI_2INT, "MPI_2INT", 2 * sizeof(int) },
        };
        for (i = 0; i < (int) (sizeof pre / sizeof pre[0]); i++) {
            sz = -1;
            MPI_Type_size(pre[i].t, &sz);
            snprintf(what, sizeof what, "MPI_Type_size(%s)", pre[i].name);
            CHECK_INT(sz, pre[i].size, what);
        }
    }

    /* Construction and sizes. */
    MPI_Type_vector(N, 1, N, MPI_DOUBLE, &col);         /* a column of an NxN matrix */
    MPI_Type_commit(&col);
    MPI_Type_contiguous(2, MPI_INT, &pair);
    MPI_Type_commit(&pair);
    MPI_Type_vector(3, 2, 4, MPI_SHORT, &blocks);       /* xx..xx..xx */
    MPI_Type_commit(&blocks);
    MPI_Type_vector(3, 1, 2, pair, &vecofpair);         /* pair, gap, pair, gap, pair */
    MPI_Type_commit(&vecofpair);
    MPI_Type_size(col, &sz);
    CHECK_INT(sz, N * (int) sizeof(double), "MPI_Type_size of a column vector");
    MPI_Type_size(pair, &sz);
    CHECK_INT(sz, 2 * (int) sizeof(int), "MPI_Type_size of contiguous(2, MPI_INT)");
    MPI_Type_size(blocks, &sz);
    CHECK_INT(sz, 6 * (int) sizeof(short), "MPI_Type_size of vector(3, 2, 4, MPI_SHORT)");
    MPI_Type_size(vecofpair, &sz);
    CHECK_INT(sz, 6 * (int) sizeof(int), "MPI_Type_size of vector(3, 1, 2, pair)");
    {
        MPI_Datatype empty;
        MPI_Type_contiguous(0, MPI_INT, &empty);
        MPI_Type_commit(&empty);
        MPI_Type_size(empty, &sz);
        CHECK_INT(sz, 0, "MPI_Type_size of contiguous(0, MPI_INT)");
        MPI_Type_free(&empty);
    }

    /* A type built on a type that is then freed stays usable. */
    MPI_Type_contiguous(3, MPI_INT, &tmp);
    MPI_Type_vector(2, 1, 2, tmp, &frozen);             /* 3 ints, 3 skipped, 3 ints */
    MPI_Type_free(&tmp);
    CHECK(tmp == MPI_DATATYPE_NULL, "MPI_Type_free did not set the handle to MPI_DATATYPE_NULL");
    MPI_Type_commit(&frozen);
    MPI_Type_size(frozen, &sz);
    CHECK_INT(sz, 6 * (int) sizeof(int), "MPI_Type_size of a type whose base type was freed");

    /* Rank 0 sends, rank 1 receives. */
    if (rank == 0) {
        double m[N][N];
        short s[12];
        int p[10], q[12];
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                m[i][j] = i * 10 + j;
        for (i = 0; i < 12; i++)
            s[i] = (short) (100 + i);
        for (i = 0; i < 10; i++)
            p[i] = 1000 + i;
        for (i = 0; i < 12; i++)
            q[i] = 2000 + i;
        MPI_Send(&m[0][3], 1, col, 1, 1, MPI_COMM_WORLD);       /* column 3 */
        MPI_Send(&m[0][1], 1, col, 1, 2, MPI_COMM_WORLD);       /* column 1 into a column */
        MPI_Send(s, 1, blocks, 1, 3, MPI_COMM_WORLD);
        MPI_Send(p, 1, vecofpair, 1, 4, MPI_COMM_WORLD);
        MPI_Send(q, 1, frozen, 1, 5, MPI_COMM_WORLD);
        MPI_Send(p, 5, MPI_INT, 1, 6, MPI_COMM_WORLD);          /* 5 ints = 2.5 pairs */
        MPI_Send(p, 3, pair, 1, 7, MPI_COMM_WORLD);             /* 3 pairs = 6 ints */
    } else if (rank == 1) {
        double c[N + 1], m[N][N];
        short s[12];
        int p[10], q[12];
        /* Column 3 into a contiguous array. */
        for (i = 0; i <= N; i++)
            c[i] = -1;
        MPI_Recv(c, N, MPI_DOUBLE, 0, 1, MPI_COMM_WORLD, &st);
        for (i = 0; i < N; i++)
            CHECK(c[i] == i * 10 + 3, "matrix column received as doubles: element %d is %g", i, c[i]);
        CHECK(c[N] == -1, "matrix column received as doubles: wrote past the end");
        MPI_Get_count(&st, MPI_DOUBLE, &n);
        CHECK_INT(n, N, "MPI_Get_count(MPI_DOUBLE) of a column");
        /* Column 1 into column 4 of another matrix: only that column changes. */
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                m[i][j] = -1;
        MPI_Recv(&m[0][4], 1, col, 0, 2, MPI_COMM_WORLD, &st);
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++) {
                double exp = j == 4 ? i * 10 + 1 : -1;
                snprintf(what, sizeof what, "column received into a column: m[%d][%d]", i, j);
                CHECK(m[i][j] == exp, "%s is %g, expected %g", what, m[i][j], exp);
            }
        MPI_Get_count(&st, col, &n);
        CHECK_INT(n, 1, "MPI_Get_count(column type) of a column");
        /* Strided shorts, packed on arrival. */
        for (i = 0; i < 12; i++)
            s[i] = -1;
        MPI_Recv(s, 12, MPI_SHORT, 0, 3, MPI_COMM_WORLD, &st);
        {
            const short exp[6] = { 100, 101, 104, 105, 108, 109 };
            for (i = 0; i < 6; i++)
                CHECK_INT(s[i], exp[i], "vector(3, 2, 4, MPI_SHORT) received as shorts");
            CHECK_INT(s[6], -1, "vector of shorts: wrote past the data");
        }
        MPI_Get_count(&st, MPI_SHORT, &n);
        CHECK_INT(n, 6, "MPI_Get_count(MPI_SHORT) of vector(3, 2, 4, MPI_SHORT)");
        /* Vector of pairs received as contiguous pairs. */
        for (i = 0; i < 10; i++)
            p[i] = -1;
        MPI_Recv(p, 5, pair, 0, 4, MPI_COMM_WORLD, &st);
        {
            const int exp[6] = { 1000, 1001, 1004, 1005, 1008, 1009 };
            for (i = 0; i < 6; i++)
                CHECK_INT(p[i], exp[i], "vector of pairs received as pairs");
            CHECK_INT(p[6], -1, "vector of pairs: wrote past the data");
        }
        MPI_Get_count(&st, pair, &n);
        CHECK_INT(n, 3, "MPI_Get_count(pair) of 3 pairs");
        /* The type whose base was freed. */
        for (i = 0; i < 12; i++)
            q[i] = -1;
        MPI_Recv(q, 12, MPI_INT, 0, 5, MPI_COMM_WORLD, &st);
        {
            const int exp[6] = { 2000, 2001, 2002, 2006, 2007, 2008 };
            for (i = 0; i < 6; i++)
                CHECK_INT(q[i], exp[i], "vector of a freed contiguous type");
        }
        /* 5 ints received with a pair type: 2.5 pairs is MPI_UNDEFINED. */
        for (i = 0; i < 10; i++)
            p[i] = -1;
        MPI_Recv(p, 4, pair, 0, 6, MPI_COMM_WORLD, &st);
        for (i = 0; i < 5; i++)
            CHECK_INT(p[i], 1000 + i, "5 ints received as pairs");
        MPI_Get_count(&st, pair, &n);
        CHECK_INT(n, MPI_UNDEFINED, "MPI_Get_count(pair) of 5 ints");
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK_INT(n, 5, "MPI_Get_count(MPI_INT) of 5 ints");
        /* 3 pairs received as ints. */
        MPI_Recv(p, 10, MPI_INT, 0, 7, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK_INT(n, 6, "MPI_Get_count(MPI_INT) of 3 pairs");
    }

    /* Collectives with derived types: every rank contributes column `rank % N`
       of its matrix; rank 0 gathers them as contiguous doubles.  Then a
       broadcast of a column. */
    {
        double m[N][N], *all = malloc((size_t) size * N * sizeof(double));
        int c = rank % N;
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                m[i][j] = rank * 100 + i * 10 + j;
        MPI_Gather(&m[0][c], 1, col, all, N, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        if (rank == 0)
            for (j = 0; j < size; j++)
                for (i = 0; i < N; i++) {
                    double exp = j * 100 + i * 10 + j % N;
                    if (all[j * N + i] != exp) {
                        FAIL("gathered column of rank %d: element %d is %g, expected %g", j, i,
                             all[j * N + i], exp);
                        j = size;
                        break;
                    }
                }
        for (i = 0; i < N; i++)
            for (j = 0; j < N; j++)
                m[i][j] = rank == size - 1 ? i * 10 + j : -1;
        MPI_Bcast(&m[0][2], 1, col, size - 1, MPI_COMM_WORLD);
        for (i = 0; i < N; i++)
            CHECK(m[i][2] == i * 10 + 2, "broadcast column: element %d is %g", i, m[i][2]);
        if (rank != size - 1)
            CHECK(m[0][1] == -1 && m[N - 1][3] == -1, "broadcast column changed other columns");
        free(all);
    }

    MPI_Type_free(&col);
    MPI_Type_free(&pair);
    MPI_Type_free(&blocks);
    MPI_Type_free(&vecofpair);
    MPI_Type_free(&frozen);
    CHECK(col == MPI_DATATYPE_NULL && frozen == MPI_DATATYPE_NULL,
          "MPI_Type_free did not set the handle to MPI_DATATYPE_NULL");
    return tu_finish();
}
