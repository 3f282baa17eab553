/*
 * alltoallw_bottom.c - MPI_Alltoallw, MPI_Ialltoallw and MPI_Neighbor_alltoallw with
 * MPI_BOTTOM as both buffers and the absolute addresses of MPI_Get_address as the byte
 * displacements (as mpi4py's testAlltoallwBottom and testNeighborAlltoallwBottom
 * pass them).
 */
#include "testutil.h"

#define N 3

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *sbuf = malloc(sizeof(int) * N * size), *rbuf = malloc(sizeof(int) * N * size);
    int *counts = malloc(sizeof(int) * size), *sdisp = malloc(sizeof(int) * size), *rdisp = malloc(sizeof(int) * size);
    MPI_Aint saddr, raddr;
    MPI_Get_address(sbuf, &saddr);
    MPI_Get_address(rbuf, &raddr);
    for (int form = 0; form < 2; form++) {
        for (int p = 0; p < size; p++) {
            for (int i = 0; i < N; i++) {
                sbuf[p * N + i] = 1000 * rank + 10 * p + i;
                rbuf[p * N + i] = -1;
            }
        }
        /* The int displacements of MPI_Alltoallw cannot hold an address: each block is a
         * struct type whose one block lies at the buffer's absolute address. */
        MPI_Datatype *stypes = malloc(sizeof(MPI_Datatype) * size), *rtypes = malloc(sizeof(MPI_Datatype) * size);
        for (int p = 0; p < size; p++) {
            int len = N;
            MPI_Aint sd = saddr + (MPI_Aint)(p * N * sizeof(int)), rd = raddr + (MPI_Aint)(p * N * sizeof(int));
            MPI_Datatype it = MPI_INT;
            MPI_Type_create_struct(1, &len, &sd, &it, &stypes[p]);
            MPI_Type_create_struct(1, &len, &rd, &it, &rtypes[p]);
            MPI_Type_commit(&stypes[p]);
            MPI_Type_commit(&rtypes[p]);
            counts[p] = 1;
            sdisp[p] = rdisp[p] = 0;
        }
        if (form == 0) {
            MPI_Alltoallw(MPI_BOTTOM, counts, sdisp, stypes, MPI_BOTTOM, counts, rdisp, rtypes, MPI_COMM_WORLD);
        } else {
            MPI_Request req;
            MPI_Ialltoallw(MPI_BOTTOM, counts, sdisp, stypes, MPI_BOTTOM, counts, rdisp, rtypes, MPI_COMM_WORLD, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        for (int p = 0; p < size; p++)
            for (int i = 0; i < N; i++)
                CHECK_INT(rbuf[p * N + i], 1000 * p + 10 * rank + i, form == 0 ? "MPI_Alltoallw from MPI_BOTTOM" : "MPI_Ialltoallw from MPI_BOTTOM");
        for (int p = 0; p < size; p++) {
            MPI_Type_free(&stypes[p]);
            MPI_Type_free(&rtypes[p]);
        }
        free(stypes);
        free(rtypes);
    }

    /* Neighbor_alltoallw takes MPI_Aint displacements: the addresses themselves. */
    {
        MPI_Comm ring;
        int dims[1] = {size}, periods[1] = {1};
        MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &ring);
        int left, right, ncounts[2] = {N, N};
        MPI_Cart_shift(ring, 0, 1, &left, &right);
        MPI_Aint nsdisp[2], nrdisp[2];
        MPI_Datatype ntypes[2] = {MPI_INT, MPI_INT};
        for (int i = 0; i < 2 * N; i++) {
            sbuf[i] = 100 * rank + i;
            rbuf[i] = -1;
        }
        for (int k = 0; k < 2; k++) {
            nsdisp[k] = saddr + (MPI_Aint)(k * N * sizeof(int));
            nrdisp[k] = raddr + (MPI_Aint)(k * N * sizeof(int));
        }
        MPI_Neighbor_alltoallw(MPI_BOTTOM, ncounts, nsdisp, ntypes, MPI_BOTTOM, ncounts, nrdisp, ntypes, ring);
        /* From the left neighbour its block for + (its second), from the right its block for - (its first). */
        for (int i = 0; i < N; i++) {
            CHECK_INT(rbuf[i], 100 * left + N + i, "MPI_Neighbor_alltoallw from the left, at MPI_BOTTOM");
            CHECK_INT(rbuf[N + i], 100 * right + i, "MPI_Neighbor_alltoallw from the right, at MPI_BOTTOM");
        }
        MPI_Comm_free(&ring);
    }

    free(sbuf);
    free(rbuf);
    free(counts);
    free(sdisp);
    free(rdisp);
    return tu_finish();
}
