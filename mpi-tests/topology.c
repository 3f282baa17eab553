/*
 * Virtual topologies: MPI_Dims_create; MPI_Cart_create (ranks past the grid get
 * MPI_COMM_NULL), _get, _rank (periodic coordinates wrap), _coords, _shift
 * (MPI_PROC_NULL off a non-periodic edge), _sub, _map, MPI_Cartdim_get;
 * MPI_Graph_create, _get, _neighbors(_count), _map, MPI_Graphdims_get;
 * MPI_Dist_graph_create_adjacent and MPI_Dist_graph_create (a ring, weighted and
 * MPI_UNWEIGHTED), MPI_Dist_graph_neighbors(_count); MPI_Topo_test; MPI_Comm_dup
 * keeps the topology.  Any number of processes.
 */
#include "testutil.h"

static void check_dims(int nnodes, int ndims, const int *given, const int *expected)
{
    int dims[4], i;
    for (i = 0; i < ndims; i++)
        dims[i] = given[i];
    MPI_Dims_create(nnodes, ndims, dims);
    for (i = 0; i < ndims; i++)
        if (dims[i] != expected[i])
            FAIL("Dims_create(%d, %d): dimension %d is %d, expected %d", nnodes, ndims, i, dims[i], expected[i]);
}

int main(int argc, char **argv)
{
    int rank, size, i, status, n, edges_count, flag, rk, src, dst, cart_rank;
    int dims[2], periods[2], coords[2], remain[2], rdims[2], rperiods[2], rcoords[2];
    int *index, *edges, nb[4], w[4], in, out, weighted;
    MPI_Comm cart, sub, dup, graph, dist;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    {
        int z2[2] = {0, 0}, e12[2] = {4, 3}, e16[3] = {4, 2, 2}, z3[3] = {0, 0, 0}, fixed[2] = {2, 0}, e_fixed[2] = {2, 3};
        int e7[2] = {7, 1}, e1[3] = {1, 1, 1};
        check_dims(12, 2, z2, e12);
        check_dims(16, 3, z3, e16);
        check_dims(6, 2, fixed, e_fixed);
        check_dims(7, 2, z2, e7);
        check_dims(1, 3, z3, e1);
    }

    /* A 2-D grid of all ranks, periodic in the first dimension only. */
    dims[0] = dims[1] = 0;
    MPI_Dims_create(size, 2, dims);
    periods[0] = 1;
    periods[1] = 0;
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart);
    MPI_Topo_test(cart, &status);
    CHECK_INT(status, MPI_CART, "Topo_test of a Cartesian communicator");
    MPI_Topo_test(MPI_COMM_WORLD, &status);
    CHECK_INT(status, MPI_UNDEFINED, "Topo_test of MPI_COMM_WORLD");
    MPI_Cartdim_get(cart, &n);
    CHECK_INT(n, 2, "Cartdim_get");
    MPI_Comm_rank(cart, &cart_rank);
    CHECK_INT(cart_rank, rank, "rank in the grid (not reordered)");
    MPI_Cart_get(cart, 2, rdims, rperiods, rcoords);
    CHECK(rdims[0] == dims[0] && rdims[1] == dims[1] && rperiods[0] == 1 && rperiods[1] == 0, "Cart_get dimensions and periods");
    CHECK(rcoords[0] == rank / dims[1] && rcoords[1] == rank % dims[1], "Cart_get coordinates (%d, %d) of rank %d", rcoords[0], rcoords[1], rank);
    MPI_Cart_coords(cart, size - 1, 2, coords);
    CHECK(coords[0] == dims[0] - 1 && coords[1] == dims[1] - 1, "Cart_coords of the last rank");
    coords[0] = rcoords[0] + dims[0];
    coords[1] = rcoords[1];
    MPI_Cart_rank(cart, coords, &rk);
    CHECK_INT(rk, rank, "Cart_rank wraps a periodic coordinate");

    MPI_Cart_shift(cart, 0, 1, &src, &dst);
    CHECK_INT(src, ((rcoords[0] - 1 + dims[0]) % dims[0]) * dims[1] + rcoords[1], "Cart_shift source along the periodic dimension");
    CHECK_INT(dst, ((rcoords[0] + 1) % dims[0]) * dims[1] + rcoords[1], "Cart_shift destination along the periodic dimension");
    MPI_Cart_shift(cart, 1, 1, &src, &dst);
    CHECK_INT(src, rcoords[1] == 0 ? MPI_PROC_NULL : rank - 1, "Cart_shift source along the open dimension");
    CHECK_INT(dst, rcoords[1] == dims[1] - 1 ? MPI_PROC_NULL : rank + 1, "Cart_shift destination along the open dimension");

    /* Rows: keep the second dimension. */
    remain[0] = 0;
    remain[1] = 1;
    MPI_Cart_sub(cart, remain, &sub);
    MPI_Comm_size(sub, &n);
    CHECK_INT(n, dims[1], "size of a row");
    MPI_Comm_rank(sub, &rk);
    CHECK_INT(rk, rcoords[1], "rank in a row");
    MPI_Cartdim_get(sub, &n);
    CHECK_INT(n, 1, "dimensions of a row");
    MPI_Comm_free(&sub);

    MPI_Comm_dup(cart, &dup);
    MPI_Topo_test(dup, &status);
    CHECK_INT(status, MPI_CART, "Topo_test of a duplicate");
    MPI_Comm_free(&dup);
    MPI_Comm_free(&cart);

    /* A line of size - 1 ranks leaves the last one out. */
    dims[0] = size > 1 ? size - 1 : 1;
    periods[0] = 0;
    MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 1, &cart);
    if (size > 1 && rank == size - 1)
        CHECK(cart == MPI_COMM_NULL, "the rank past the grid gets MPI_COMM_NULL");
    else if (cart == MPI_COMM_NULL)
        FAIL("a rank in the grid got MPI_COMM_NULL");
    if (cart != MPI_COMM_NULL)
        MPI_Comm_free(&cart);
    /* (Open MPI 4.1 maps the rank past a smaller grid too, so only a full one is checked.) */
    dims[0] = size;
    MPI_Cart_map(MPI_COMM_WORLD, 1, dims, periods, &rk);
    CHECK_INT(rk, rank, "Cart_map");

    /* A graph: a ring, each node linked to the next and the previous. */
    index = malloc((size_t) size * sizeof(int));
    edges = malloc((size_t) (2 * size) * sizeof(int));
    for (i = 0, edges_count = 0; i < size; i++) {
        edges[edges_count++] = (i + 1) % size;
        edges[edges_count++] = (i + size - 1) % size;
        index[i] = edges_count;
    }
    MPI_Graph_create(MPI_COMM_WORLD, size, index, edges, 0, &graph);
    MPI_Topo_test(graph, &status);
    CHECK_INT(status, MPI_GRAPH, "Topo_test of a graph");
    MPI_Graphdims_get(graph, &n, &flag);
    CHECK(n == size && flag == 2 * size, "Graphdims_get: %d nodes, %d edges", n, flag);
    MPI_Graph_neighbors_count(graph, rank, &n);
    CHECK_INT(n, 2, "Graph_neighbors_count");
    MPI_Graph_neighbors(graph, rank, 4, nb);
    CHECK(nb[0] == (rank + 1) % size && nb[1] == (rank + size - 1) % size, "Graph_neighbors: %d %d", nb[0], nb[1]);
    {
        int *gi = malloc((size_t) size * sizeof(int)), *ge = malloc((size_t) (2 * size) * sizeof(int));
        MPI_Graph_get(graph, size, 2 * size, gi, ge);
        for (i = 0; i < size; i++)
            CHECK(gi[i] == index[i], "Graph_get index %d", i);
        for (i = 0; i < 2 * size; i++)
            CHECK(ge[i] == edges[i], "Graph_get edge %d", i);
        free(gi);
        free(ge);
    }
    MPI_Graph_map(MPI_COMM_WORLD, size, index, edges, &rk);
    CHECK_INT(rk, rank, "Graph_map");
    MPI_Comm_free(&graph);

    /* Distributed graphs: the ring again, adjacent and weighted. */
    nb[0] = (rank + size - 1) % size;
    nb[1] = (rank + 1) % size;
    w[0] = rank;
    w[1] = rank + 100;
    MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &nb[0], &w[0], 1, &nb[1], &w[1], MPI_INFO_NULL, 0, &dist);
    MPI_Topo_test(dist, &status);
    CHECK_INT(status, MPI_DIST_GRAPH, "Topo_test of a distributed graph");
    MPI_Dist_graph_neighbors_count(dist, &in, &out, &weighted);
    CHECK(in == 1 && out == 1 && weighted, "Dist_graph_neighbors_count: %d %d %d", in, out, weighted);
    {
        int s[1], sw[1], d[1], dw[1];
        MPI_Dist_graph_neighbors(dist, 1, s, sw, 1, d, dw);
        CHECK(s[0] == nb[0] && d[0] == nb[1] && sw[0] == rank && dw[0] == rank + 100, "Dist_graph_neighbors of the adjacent graph");
    }
    MPI_Comm_free(&dist);

    /* Each rank names the edge to its successor: it receives from its predecessor. */
    {
        int source = rank, degree = 1, destination = (rank + 1) % size, weight = rank;
        int s[2], sw[2], d[2], dw[2];
        MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &source, &degree, &destination, &weight, MPI_INFO_NULL, 0, &dist);
        MPI_Dist_graph_neighbors_count(dist, &in, &out, &weighted);
        CHECK(in == 1 && out == 1 && weighted, "Dist_graph_create counts: %d %d %d", in, out, weighted);
        MPI_Dist_graph_neighbors(dist, 2, s, sw, 2, d, dw);
        CHECK(s[0] == (rank + size - 1) % size && sw[0] == (rank + size - 1) % size, "Dist_graph_create source %d weight %d", s[0], sw[0]);
        CHECK(d[0] == (rank + 1) % size && dw[0] == rank, "Dist_graph_create destination %d weight %d", d[0], dw[0]);
        MPI_Comm_free(&dist);

        MPI_Dist_graph_create(MPI_COMM_WORLD, 1, &source, &degree, &destination, MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &dist);
        MPI_Dist_graph_neighbors_count(dist, &in, &out, &weighted);
        CHECK(in == 1 && out == 1 && !weighted, "unweighted Dist_graph_create counts: %d %d %d", in, out, weighted);
        MPI_Dist_graph_neighbors(dist, 2, s, MPI_UNWEIGHTED, 2, d, MPI_UNWEIGHTED);
        CHECK(s[0] == (rank + size - 1) % size && d[0] == (rank + 1) % size, "unweighted Dist_graph_neighbors");
        MPI_Comm_free(&dist);
    }

    free(index);
    free(edges);
    return tu_finish();
}
