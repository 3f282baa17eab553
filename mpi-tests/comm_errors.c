/*
 * Error classes of the communicators part under MPI_ERRORS_RETURN: intercommunicator
 * calls on an intracommunicator (MPI_ERR_COMM), topology queries without a topology
 * (MPI_ERR_TOPOLOGY), bad Dims_create and Cart_create arguments (MPI_ERR_DIMS), an
 * unknown keyval (MPI_ERR_KEYVAL), bad info keys and indices, MPI_INFO_NULL
 * (MPI_ERR_INFO or MPI_ERR_ARG), and a bad Group_range_incl stride and rank.
 * Mistakes Open MPI 4.1 does not catch or gives another class for (it lets
 * Comm_remote_size of an intracommunicator and a range past the group through, and
 * gives MPI_ERR_OTHER for the unknown keyval and a negative extent) are checked on
 * Brazos only, with MPICH's classes.  Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rc, n, flag, dims[2], coords[2];
    MPI_Group world;
    MPI_Comm comm;
    MPI_Info info;

    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_size(MPI_COMM_WORLD, &n);

#ifndef OPEN_MPI
    rc = MPI_Comm_remote_size(MPI_COMM_WORLD, &n);
    CHECK_CLASS(rc, MPI_ERR_COMM, "Comm_remote_size of an intracommunicator");
#endif
    rc = MPI_Intercomm_merge(MPI_COMM_WORLD, 0, &comm);
    CHECK_CLASS(rc, MPI_ERR_COMM, "Intercomm_merge of an intracommunicator");

    rc = MPI_Cart_coords(MPI_COMM_WORLD, 0, 2, coords);
    CHECK_CLASS(rc, MPI_ERR_TOPOLOGY, "Cart_coords without a topology");
    rc = MPI_Cartdim_get(MPI_COMM_WORLD, &n);
    CHECK_CLASS(rc, MPI_ERR_TOPOLOGY, "Cartdim_get without a topology");
    rc = MPI_Graphdims_get(MPI_COMM_WORLD, &n, &flag);
    CHECK_CLASS(rc, MPI_ERR_TOPOLOGY, "Graphdims_get without a topology");

    dims[0] = 0;
    dims[1] = 0;
    rc = MPI_Dims_create(-1, 2, dims);
    CHECK_CLASS(rc, MPI_ERR_DIMS, "Dims_create of -1 nodes");
    dims[0] = 4;
    dims[1] = 0;
    rc = MPI_Dims_create(6, 2, dims);
    CHECK_CLASS(rc, MPI_ERR_DIMS, "Dims_create of 6 nodes with an extent of 4");
#ifndef OPEN_MPI
    int periods[2] = {0, 0};
    void *value;
    dims[0] = -1;
    rc = MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &comm);
    CHECK_CLASS(rc, MPI_ERR_DIMS, "Cart_create with a negative extent");
    rc = MPI_Comm_get_attr(MPI_COMM_WORLD, 987654, &value, &flag);
    CHECK_CLASS(rc, MPI_ERR_KEYVAL, "Comm_get_attr of an unknown keyval");
    rc = MPI_Comm_set_attr(MPI_COMM_WORLD, 987654, NULL);
    CHECK_CLASS(rc, MPI_ERR_KEYVAL, "Comm_set_attr of an unknown keyval");
#endif

    MPI_Info_create(&info);
#ifndef OPEN_MPI
    char key[MPI_MAX_INFO_KEY];
    rc = MPI_Info_get_nthkey(info, 0, key);
    CHECK_CLASS(rc, MPI_ERR_ARG, "Info_get_nthkey past the keys");
#endif
    rc = MPI_Info_set(info, "", "v");
    CHECK_CLASS(rc, MPI_ERR_INFO_KEY, "Info_set of an empty key");
    MPI_Info_free(&info);

    MPI_Comm_group(MPI_COMM_WORLD, &world);
#ifndef OPEN_MPI
    int ranges[1][3];
    MPI_Group g;
    ranges[0][0] = 0;
    ranges[0][1] = 0;
    ranges[0][2] = 0;
    rc = MPI_Group_range_incl(world, 1, ranges, &g);
    CHECK_CLASS(rc, MPI_ERR_ARG, "Group_range_incl with stride 0");
    ranges[0][1] = n;
    ranges[0][2] = 1;
    rc = MPI_Group_range_incl(world, 1, ranges, &g);
    CHECK_CLASS(rc, MPI_ERR_RANK, "Group_range_incl past the group");
#endif
    MPI_Group_free(&world);

    return tu_finish();
}
