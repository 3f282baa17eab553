/*
 * MPI_BOTTOM with absolute addresses (MPI_Get_address + MPI_Type_create_struct /
 * hindexed) as the buffer of point-to-point calls and of collectives (Bcast,
 * Gather, Scatter, Allgather, Alltoallv); and a null buffer refused with
 * MPI_ERR_BUFFER for a derived type whose data starts at offset 0, as for a
 * predefined one.
 */
#include "testutil.h"
#include <stddef.h>

/* A type of absolute addresses: the int `*i`, then the double `*d`. */
static MPI_Datatype absolute(int *i, double *d)
{
    int lens[] = { 1, 1 };
    MPI_Aint addrs[2];
    MPI_Datatype types[] = { MPI_INT, MPI_DOUBLE }, t;
    MPI_Get_address(i, &addrs[0]);
    MPI_Get_address(d, &addrs[1]);
    MPI_Type_create_struct(2, lens, addrs, types, &t);
    MPI_Type_commit(&t);
    return t;
}

/* The same signature as a relative struct over an array of { int; double; }. */
struct rec { int i; double d; };

static MPI_Datatype relative(void)
{
    int lens[] = { 1, 1 };
    MPI_Aint disps[] = { offsetof(struct rec, i), offsetof(struct rec, d) };
    MPI_Datatype types[] = { MPI_INT, MPI_DOUBLE }, t;
    MPI_Type_create_struct(2, lens, disps, types, &t);
    MPI_Type_commit(&t);
    return t;
}



int main(int argc, char **argv)
{
    int rank, size, i, rc;
    int n = -1;
    double x = -1;
    MPI_Datatype abs_t, rel_t;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    abs_t = absolute(&n, &x);
    rel_t = relative();

    /* Bcast */
    if (rank == 0) { n = 7; x = 2.5; }
    MPI_Bcast(MPI_BOTTOM, 1, abs_t, 0, MPI_COMM_WORLD);
    CHECK(n == 7 && x == 2.5, "Bcast at MPI_BOTTOM: %d %g", n, x);

    /* Sendrecv around a ring */
    {
        struct rec got = { 0, 0 };
        n = rank;
        x = rank + 0.5;
        MPI_Sendrecv(MPI_BOTTOM, 1, abs_t, (rank + 1) % size, 0, &got, 1, rel_t, (rank + size - 1) % size, 0,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK(got.i == (rank + size - 1) % size && got.d == got.i + 0.5, "Sendrecv from MPI_BOTTOM: %d %g", got.i, got.d);
        MPI_Sendrecv(&got, 1, rel_t, (rank + size - 1) % size, 1, MPI_BOTTOM, 1, abs_t, (rank + 1) % size, 1,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK(n == rank && x == rank + 0.5, "Sendrecv into MPI_BOTTOM: %d %g", n, x);
    }

    /* Gather from MPI_BOTTOM, Scatter into it */
    {
        struct rec *all = malloc(size * sizeof *all);
        n = 10 * rank;
        x = rank / 4.0;
        MPI_Gather(MPI_BOTTOM, 1, abs_t, all, 1, rel_t, 0, MPI_COMM_WORLD);
        if (rank == 0)
            for (i = 0; i < size; i++) CHECK(all[i].i == 10 * i && all[i].d == i / 4.0, "Gather from MPI_BOTTOM, rank %d", i);
        for (i = 0; i < size; i++) { all[i].i = 100 + i; all[i].d = -i; }
        MPI_Scatter(all, 1, rel_t, MPI_BOTTOM, 1, abs_t, 0, MPI_COMM_WORLD);
        CHECK(n == 100 + rank && x == -rank, "Scatter into MPI_BOTTOM: %d %g", n, x);
        MPI_Allgather(MPI_BOTTOM, 1, abs_t, all, 1, rel_t, MPI_COMM_WORLD);
        for (i = 0; i < size; i++) CHECK(all[i].i == 100 + i && all[i].d == -i, "Allgather from MPI_BOTTOM, rank %d", i);
        free(all);
    }

    /* Alltoallv into MPI_BOTTOM: only the block from rank 0 lands */
    {
        int *scounts = calloc(size, sizeof(int)), *rcounts = calloc(size, sizeof(int));
        int *sdispls = calloc(size, sizeof(int)), *rdispls = calloc(size, sizeof(int));
        struct rec *out = malloc(size * sizeof *out);
        for (i = 0; i < size; i++) { out[i].i = 1000 * rank + i; out[i].d = i; sdispls[i] = i; }
        if (rank == 0) for (i = 0; i < size; i++) scounts[i] = 1;
        rcounts[0] = 1;
        MPI_Alltoallv(out, scounts, sdispls, rel_t, MPI_BOTTOM, rcounts, rdispls, abs_t, MPI_COMM_WORLD);
        CHECK(n == rank && x == rank, "Alltoallv into MPI_BOTTOM: %d %g", n, x);
        free(scounts); free(rcounts); free(sdispls); free(rdispls); free(out);
    }

    /* A null buffer with a type whose data starts at 0 is an error */
    {
        MPI_Datatype pair;
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Type_contiguous(2, MPI_INT, &pair);
        MPI_Type_commit(&pair);
        rc = MPI_Send(NULL, 1, pair, rank, 0, MPI_COMM_WORLD);
        CHECK_CLASS(rc, MPI_ERR_BUFFER, "MPI_Send of a null buffer with contiguous(2, MPI_INT)");
        MPI_Type_free(&pair);
    }
    MPI_Type_free(&abs_t);
    MPI_Type_free(&rel_t);
    return tu_finish();
}
