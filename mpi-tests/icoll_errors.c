/*
 * Errors of the non-blocking and persistent collectives under MPI_ERRORS_RETURN,
 * with the class each gives printed: the same argument checks as the blocking forms
 * (root, count, datatype, operation, MPI_IN_PLACE where MPI forbids it), made when the
 * call is made, before anything starts; a valid call afterwards still works.
 */
#include "testutil.h"

static void show(const char *what, int rc)
{
    int rank, cls = rc;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rc != MPI_SUCCESS)
        MPI_Error_class(rc, &cls);
    if (rank == 0) {
        if (cls == MPI_SUCCESS)
            printf("%s: MPI_SUCCESS\n", what);
        else
            printf("%s: class %d\n", what, cls);
    }
}

int main(int argc, char **argv)
{
    int rank, size, buf[8] = {0}, out[8], rc;
    MPI_Request req = MPI_REQUEST_NULL;
    MPI_Datatype uncommitted;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Type_contiguous(2, MPI_INT, &uncommitted);

    show("MPI_Ibcast, root out of range", MPI_Ibcast(buf, 1, MPI_INT, size, MPI_COMM_WORLD, &req));
    show("MPI_Ibcast, negative count", MPI_Ibcast(buf, -1, MPI_INT, 0, MPI_COMM_WORLD, &req));
    show("MPI_Ireduce, MPI_OP_NULL", MPI_Ireduce(buf, out, 1, MPI_INT, MPI_OP_NULL, 0, MPI_COMM_WORLD, &req));
#ifndef OPEN_MPI
    /* Open MPI 4.1 reports MPI_ERR_OP here (it checks the operation against the type
       first); MPI names MPI_ERR_TYPE, which the blocking forms give too. */
    CHECK_CLASS(MPI_Iallreduce(buf, out, 1, uncommitted, MPI_SUM, MPI_COMM_WORLD, &req), MPI_ERR_TYPE, "MPI_Iallreduce, uncommitted type");
    CHECK_CLASS(MPI_Iallreduce(buf, out, 1, MPI_DATATYPE_NULL, MPI_SUM, MPI_COMM_WORLD, &req), MPI_ERR_TYPE, "MPI_Iallreduce, MPI_DATATYPE_NULL");
#endif
    show("MPI_Igather, root out of range", MPI_Igather(buf, 1, MPI_INT, out, 1, MPI_INT, -2, MPI_COMM_WORLD, &req));
    show("MPI_Iscan, MPI_BAND on MPI_FLOAT", MPI_Iscan(buf, out, 1, MPI_FLOAT, MPI_BAND, MPI_COMM_WORLD, &req));
    show("MPI_Ialltoall, negative count", MPI_Ialltoall(buf, -3, MPI_INT, out, 1, MPI_INT, MPI_COMM_WORLD, &req));
    show("MPI_Ibarrier, MPI_COMM_NULL", MPI_Ibarrier(MPI_COMM_NULL, &req));
    show("MPI_Ineighbor_alltoall, no topology", MPI_Ineighbor_alltoall(buf, 1, MPI_INT, out, 1, MPI_INT, MPI_COMM_WORLD, &req));
#ifndef OPEN_MPI
    /* Open MPI 4.1's blocking form reports another class. */
    CHECK_CLASS(MPI_Neighbor_allgather(buf, 1, MPI_INT, out, 1, MPI_INT, MPI_COMM_WORLD), MPI_ERR_TOPOLOGY, "MPI_Neighbor_allgather, no topology");
#endif

#if MPI_VERSION >= 4
    /* Large counts: one no host holds is MPI_ERR_COUNT, not the end of the process; counts
       MPI ignores (the send count in place, the receive count off the root) may be
       anything. */
    {
        int in[8], all[8], j;
        CHECK_CLASS(MPI_Bcast_c(buf, (MPI_Count) 1 << 62, MPI_INT, 0, MPI_COMM_WORLD), MPI_ERR_COUNT, "MPI_Bcast_c of 2^62 ints");
        CHECK_CLASS(MPI_Iallreduce_c(buf, out, (MPI_Count) 1 << 62, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &req), MPI_ERR_COUNT,
                    "MPI_Iallreduce_c of 2^62 ints");
        for (j = 0; j < size; j++)
            all[j] = rank * 10 + j;
        rc = MPI_Alltoall_c(MPI_IN_PLACE, (MPI_Count) 1 << 62, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Alltoall_c in place with a send count of 2^62");
        for (j = 0; j < size; j++)
            CHECK(all[j] == j * 10 + rank, "MPI_Alltoall_c in place: block %d is %d", j, all[j]);
        in[0] = rank;
        rc = MPI_Gather_c(in, 1, MPI_INT, all, rank == 0 ? 1 : (MPI_Count) 1 << 62, MPI_INT, 0, MPI_COMM_WORLD);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Gather_c with a receive count of 2^62 off the root");
        if (rank == 0)
            for (j = 0; j < size; j++)
                CHECK(all[j] == j, "MPI_Gather_c: block %d is %d", j, all[j]);
    }
#endif

    /* A valid call still works after the failed ones. */
    buf[0] = rank == 0 ? 5 : 0;
    rc = MPI_Ibcast(buf, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    if (rc == MPI_SUCCESS)
        rc = MPI_Wait(&req, MPI_STATUS_IGNORE);
    show("MPI_Ibcast after the errors", rc);
    CHECK_INT(buf[0], 5, "MPI_Ibcast after the errors");

    MPI_Type_free(&uncommitted);
    return tu_finish();
}
