/*
 * The neighbourhood collectives, MPI_Neighbor_allgather(v) and
 * MPI_Neighbor_alltoall(v,w), blocking and immediate (MPI_Ineighbor_...), and the
 * persistent forms of MPI 4.0 (..._init, not in Open MPI 4.1), over:
 *  - a periodic 1-D ring (MPI_Cart_create), where each rank's sources and
 *    destinations are its left and right neighbours;
 *  - a non-periodic 1-D line, whose ends have MPI_PROC_NULL neighbours: nothing
 *    arrives from them and their blocks stay as they were;
 *  - a directed graph (MPI_Dist_graph_create_adjacent): rank r receives from r-1 and
 *    r-2 and sends to r+1 and r+2 (modulo the size), so in- and out-lists differ.
 * Each block carries the sender's rank and the index of the destination it was sent
 * to, so a block in the wrong place shows.
 */
#include "testutil.h"

#define NB 4

static int tag_of(int sender, int slot, int k) { return sender * 1000 + slot * 10 + k; }

/* Checks block `j` (from source `src`, which sent it as its destination slot `slot`). */
static void check_block(const int *block, int src, int slot, int count, const char *what, const char *cname)
{
    int k;
    for (k = 0; k < count; k++) {
        int want = src == MPI_PROC_NULL ? -1 : tag_of(src, slot, k);
        if (block[k] != want) {
            FAIL("%s on %s: from %d, element %d is %d, expected %d", what, cname, src, k, block[k], want);
            return;
        }
    }
}

/* `srcslot[j]`: which of source j's destination slots points at this rank. */
static void run(MPI_Comm comm, int nin, const int *sources, int nout, const int *dests, const int *srcslot, const char *cname)
{
    int rank, i, j, k, form;
    int sendall[NB], sendeach[8 * NB], recv[8 * NB], counts[8], displs[8], scounts[8], sdispls[8];
    MPI_Aint bdispls[8], sbdispls[8];
    MPI_Datatype types[8];
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);

    for (form = 0; form < 2; form++) {
        /* Allgather: the same block to every destination; slot -1 means "any". */
        for (k = 0; k < NB; k++)
            sendall[k] = tag_of(rank, 0, k);
        for (i = 0; i < 8 * NB; i++)
            recv[i] = -1;
        if (form == 0)
            MPI_Neighbor_allgather(sendall, NB, MPI_INT, recv, NB, MPI_INT, comm);
        else {
            MPI_Ineighbor_allgather(sendall, NB, MPI_INT, recv, NB, MPI_INT, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        for (j = 0; j < nin; j++)
            check_block(recv + j * NB, sources[j], 0, NB, form ? "MPI_Ineighbor_allgather" : "MPI_Neighbor_allgather", cname);

        /* Allgatherv: 2 elements from each source, blocks in reverse order with a gap. */
        for (i = 0; i < 8 * NB; i++)
            recv[i] = -1;
        for (j = 0; j < nin; j++) {
            counts[j] = 2;
            displs[j] = (nin - 1 - j) * 3;
        }
        if (form == 0)
            MPI_Neighbor_allgatherv(sendall, 2, MPI_INT, recv, counts, displs, MPI_INT, comm);
        else {
            MPI_Ineighbor_allgatherv(sendall, 2, MPI_INT, recv, counts, displs, MPI_INT, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        for (j = 0; j < nin; j++) {
            check_block(recv + displs[j], sources[j], 0, 2, form ? "MPI_Ineighbor_allgatherv" : "MPI_Neighbor_allgatherv", cname);
            CHECK(recv[displs[j] + 2] == -1, "MPI_Neighbor_allgatherv wrote past block %d on %s", j, cname);
        }

        /* Alltoall: block d goes to destination d. */
        for (j = 0; j < nout; j++)
            for (k = 0; k < NB; k++)
                sendeach[j * NB + k] = tag_of(rank, j, k);
        for (i = 0; i < 8 * NB; i++)
            recv[i] = -1;
        if (form == 0)
            MPI_Neighbor_alltoall(sendeach, NB, MPI_INT, recv, NB, MPI_INT, comm);
        else {
            MPI_Ineighbor_alltoall(sendeach, NB, MPI_INT, recv, NB, MPI_INT, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        for (j = 0; j < nin; j++)
            check_block(recv + j * NB, sources[j], srcslot[j], NB, form ? "MPI_Ineighbor_alltoall" : "MPI_Neighbor_alltoall", cname);

        /* Alltoallv and Alltoallw: the same exchange, blocks laid out in reverse. */
        for (j = 0; j < nout; j++) {
            scounts[j] = NB;
            sdispls[j] = (nout - 1 - j) * NB;
            sbdispls[j] = (MPI_Aint) sizeof(int) * sdispls[j];
            for (k = 0; k < NB; k++)
                sendeach[sdispls[j] + k] = tag_of(rank, j, k);
        }
        for (j = 0; j < nin; j++) {
            counts[j] = NB;
            displs[j] = (nin - 1 - j) * NB;
            bdispls[j] = (MPI_Aint) sizeof(int) * displs[j];
            types[j] = MPI_INT;
        }
        for (i = 0; i < 8 * NB; i++)
            recv[i] = -1;
        if (form == 0)
            MPI_Neighbor_alltoallv(sendeach, scounts, sdispls, MPI_INT, recv, counts, displs, MPI_INT, comm);
        else {
            MPI_Ineighbor_alltoallv(sendeach, scounts, sdispls, MPI_INT, recv, counts, displs, MPI_INT, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        for (j = 0; j < nin; j++)
            check_block(recv + displs[j], sources[j], srcslot[j], NB, form ? "MPI_Ineighbor_alltoallv" : "MPI_Neighbor_alltoallv", cname);
        for (i = 0; i < 8 * NB; i++)
            recv[i] = -1;
        if (form == 0)
            MPI_Neighbor_alltoallw(sendeach, scounts, sbdispls, types, recv, counts, bdispls, types, comm);
        else {
            MPI_Ineighbor_alltoallw(sendeach, scounts, sbdispls, types, recv, counts, bdispls, types, comm, &req);
            MPI_Wait(&req, MPI_STATUS_IGNORE);
        }
        for (j = 0; j < nin; j++)
            check_block(recv + displs[j], sources[j], srcslot[j], NB, form ? "MPI_Ineighbor_alltoallw" : "MPI_Neighbor_alltoallw", cname);
    }

#if MPI_VERSION >= 4
    /* Persistent: started twice, with new data the second time. */
    {
        MPI_Request p;
        int round;
        MPI_Neighbor_alltoall_init(sendeach, NB, MPI_INT, recv, NB, MPI_INT, comm, MPI_INFO_NULL, &p);
        for (round = 0; round < 2; round++) {
            for (j = 0; j < nout; j++)
                for (k = 0; k < NB; k++)
                    sendeach[j * NB + k] = tag_of(rank, j, k) + round;
            MPI_Start(&p);
            MPI_Wait(&p, MPI_STATUS_IGNORE);
            for (j = 0; j < nin; j++)
                if (sources[j] != MPI_PROC_NULL)
                    CHECK(recv[j * NB] == tag_of(sources[j], srcslot[j], 0) + round, "MPI_Neighbor_alltoall_init start %d on %s: from %d got %d",
                          round, cname, sources[j], recv[j * NB]);
        }
        MPI_Request_free(&p);
    }
#endif
}

int main(int argc, char **argv)
{
    int rank, size, dims[1], periods[1], sources[2], dests[2], slots[2];
    MPI_Comm ring, line, graph;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* A Cartesian topology's neighbours in dimension 0: source (-1 side) first, then
       destination (+1 side); both lists are [left, right]. Left's slot pointing here
       is its right (1); right's is its left (0). */
    dims[0] = size;
    if (size >= 3) {
        periods[0] = 1;
        MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &ring);
        MPI_Comm_rank(ring, &rank);
        sources[0] = dests[0] = (rank + size - 1) % size;
        sources[1] = dests[1] = (rank + 1) % size;
        slots[0] = 1;
        slots[1] = 0;
        run(ring, 2, sources, 2, dests, slots, "a periodic ring");
        MPI_Comm_free(&ring);
    }

    periods[0] = 0;
    MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &line);
    MPI_Comm_rank(line, &rank);
    sources[0] = dests[0] = rank > 0 ? rank - 1 : MPI_PROC_NULL;
    sources[1] = dests[1] = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
    slots[0] = 1;
    slots[1] = 0;
    run(line, 2, sources, 2, dests, slots, "a line");
    MPI_Comm_free(&line);

    if (size >= 3) {
        sources[0] = (rank + size - 1) % size;
        sources[1] = (rank + size - 2) % size;
        dests[0] = (rank + 1) % size;
        dests[1] = (rank + 2) % size;
        MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 2, sources, MPI_UNWEIGHTED, 2, dests, MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &graph);
        /* Source r-1 sent here as its destination 0 (r-1+1), source r-2 as its destination 1. */
        slots[0] = 0;
        slots[1] = 1;
        run(graph, 2, sources, 2, dests, slots, "a directed graph");
        MPI_Comm_free(&graph);
    }

    return tu_finish();
}
