/*
 * Argument checking under MPI_ERRORS_RETURN: each checked function, called
 * with each kind of bad argument (count, datatype, rank, tag, root, buffer,
 * communicator, request, group, operation, error handler, output pointer),
 * returns an error of the class MPI defines, and the program goes on.  Rank 0
 * prints one line per call with the class it got, so the oracle compares the
 * classes with Open MPI's.  Every rank makes the same erroneous calls (an
 * argument check fails before any message moves).
 *
 * Open MPI 4.1 does not check some mistakes (it crashes on a handle it never
 * handed out, a freed or another kind's handle, a null output pointer, a null
 * buffer in a collective), or gives another class (MPI_ERR_OP for a null
 * datatype in MPI_Reduce_scatter, MPI_ERR_GROUP for a negative count in
 * MPI_Group_incl), and its MPI_TAG_UB is larger than Brazos's.  Those calls
 * are checked but not printed, and are left out under Open MPI (its mpi.h
 * defines OPEN_MPI), so stdout is the same under both.  So are types and
 * messages too large for memory, which Brazos refuses with MPI_ERR_COUNT.
 *
 * Then a user error handler (MPI_Comm_create_errhandler) is called with the
 * communicator and the code, and the call returns that code; after all that a
 * ring of MPI_Sendrecv and an MPI_Allreduce still work.  Any number of
 * processes.
 */
#include "testutil.h"
#include <stdint.h>

static int me;

static const char *class_name(int cls)
{
    static const char *names[] = { "MPI_SUCCESS", "MPI_ERR_BUFFER", "MPI_ERR_COUNT", "MPI_ERR_TYPE",
        "MPI_ERR_TAG", "MPI_ERR_COMM", "MPI_ERR_RANK", "MPI_ERR_REQUEST", "MPI_ERR_ROOT",
        "MPI_ERR_GROUP", "MPI_ERR_OP", "MPI_ERR_TOPOLOGY", "MPI_ERR_DIMS", "MPI_ERR_ARG",
        "MPI_ERR_UNKNOWN", "MPI_ERR_TRUNCATE", "MPI_ERR_OTHER", "MPI_ERR_INTERN" };
    if (cls == MPI_ERR_IN_STATUS)
        return "MPI_ERR_IN_STATUS";
    if (cls == MPI_ERR_PENDING)
        return "MPI_ERR_PENDING";
    if (cls >= 0 && cls < (int) (sizeof names / sizeof names[0]))
        return names[cls];
    return "(not a predefined class)";
}

/* The class of a returned code, checked against the expected one. */
static int got_class(int rc, int expected, const char *what)
{
    int cls = rc;
    if (rc != MPI_SUCCESS && MPI_Error_class(rc, &cls) != MPI_SUCCESS)
        cls = -1;
    if (cls != expected)
        FAIL("%s: expected %s, got %s (code %d)", what, class_name(expected), class_name(cls), rc);
    return cls;
}

/* A call whose class both libraries agree on: checked and printed by rank 0. */
#define EXPECT(expected, what, call)                                           \
    do {                                                                       \
        int cls_ = got_class((call), (expected), (what));                      \
        if (me == 0)                                                           \
            printf("%-58s %s\n", (what), class_name(cls_));                    \
    } while (0)

/* A mistake only Brazos detects: checked, not printed, left out under Open MPI. */
#ifdef OPEN_MPI
#define BRAZOS_ONLY(expected, what, call) do { } while (0)
#else
#define BRAZOS_ONLY(expected, what, call) (void) got_class((call), (expected), (what))
#endif

static MPI_Comm handler_comm = MPI_COMM_NULL;
static int handler_code = MPI_SUCCESS, handler_calls = 0;

static void record_error(MPI_Comm *comm, int *code, ...)
{
    handler_comm = *comm;
    handler_code = *code;
    handler_calls++;
}

static void sum_ints(void *in, void *inout, int *len, MPI_Datatype *type)
{
    int i;
    (void) type;
    for (i = 0; i < *len; i++)
        ((int *) inout)[i] += ((int *) in)[i];
}

int main(int argc, char **argv)
{
    int size, rc, n, flag, cls, len;
    int buf[8] = { 0 }, out[8] = { 0 }, counts[64], displs[64], ranks[2];
    MPI_Status st;
    MPI_Request req = MPI_REQUEST_NULL, reqs[2];
    MPI_Datatype uncommitted, freed, vec;
    MPI_Group world_group, g;
    MPI_Comm dup, c;
    MPI_Op op;
    MPI_Errhandler eh;
    char text[MPI_MAX_ERROR_STRING];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size > 64) {
        FAIL("this test handles at most 64 processes, has %d", size);
        return tu_finish();
    }
    for (n = 0; n < size; n++) {
        counts[n] = 1;
        displs[n] = n;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Type_contiguous(2, MPI_INT, &uncommitted);
    MPI_Type_contiguous(2, MPI_INT, &freed);
    {
        MPI_Datatype handle = freed;
        MPI_Type_free(&handle);
    }
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);

    /* Point-to-point. */
    EXPECT(MPI_ERR_COUNT, "MPI_Send count -1", MPI_Send(buf, -1, MPI_INT, me, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Send MPI_DATATYPE_NULL", MPI_Send(buf, 1, MPI_DATATYPE_NULL, me, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Send uncommitted type", MPI_Send(buf, 1, uncommitted, me, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_RANK, "MPI_Send dest == size", MPI_Send(buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_RANK, "MPI_Send dest MPI_ANY_SOURCE", MPI_Send(buf, 1, MPI_INT, MPI_ANY_SOURCE, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TAG, "MPI_Send tag -1", MPI_Send(buf, 1, MPI_INT, me, -1, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_BUFFER, "MPI_Send NULL buffer, count 1", MPI_Send(NULL, 1, MPI_INT, me, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COMM, "MPI_Send MPI_COMM_NULL", MPI_Send(buf, 1, MPI_INT, me, 0, MPI_COMM_NULL));
    EXPECT(MPI_ERR_COUNT, "MPI_Recv count -1", MPI_Recv(buf, -1, MPI_INT, me, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TYPE, "MPI_Recv MPI_DATATYPE_NULL", MPI_Recv(buf, 1, MPI_DATATYPE_NULL, me, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_RANK, "MPI_Recv source size + 1", MPI_Recv(buf, 1, MPI_INT, size + 1, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "MPI_Recv tag -7", MPI_Recv(buf, 1, MPI_INT, me, -7, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_BUFFER, "MPI_Recv NULL buffer, count 2", MPI_Recv(NULL, 2, MPI_INT, me, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_COMM, "MPI_Recv MPI_COMM_NULL", MPI_Recv(buf, 1, MPI_INT, me, 0, MPI_COMM_NULL, &st));
    EXPECT(MPI_ERR_COUNT, "MPI_Isend count -1", MPI_Isend(buf, -1, MPI_INT, me, 0, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_RANK, "MPI_Isend dest -5", MPI_Isend(buf, 1, MPI_INT, -5, 0, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_BUFFER, "MPI_Isend NULL buffer, count 1", MPI_Isend(NULL, 1, MPI_INT, me, 0, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_REQUEST, "MPI_Isend NULL request pointer", MPI_Isend(buf, 1, MPI_INT, me, 0, MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_TAG, "MPI_Irecv tag -3", MPI_Irecv(buf, 1, MPI_INT, me, -3, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_TYPE, "MPI_Irecv uncommitted type", MPI_Irecv(buf, 1, uncommitted, me, 0, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_REQUEST, "MPI_Irecv NULL request pointer", MPI_Irecv(buf, 1, MPI_INT, me, 0, MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_COUNT, "MPI_Sendrecv receive count -1",
           MPI_Sendrecv(buf, 1, MPI_INT, me, 0, out, -1, MPI_INT, me, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_RANK, "MPI_Sendrecv dest == size",
           MPI_Sendrecv(buf, 1, MPI_INT, size, 0, out, 1, MPI_INT, me, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "MPI_Sendrecv send tag MPI_ANY_TAG",
           MPI_Sendrecv(buf, 1, MPI_INT, me, MPI_ANY_TAG, out, 1, MPI_INT, me, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_COUNT, "MPI_Send_init count -4", MPI_Send_init(buf, -4, MPI_INT, me, 0, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_RANK, "MPI_Recv_init source size", MPI_Recv_init(buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD, &req));
    EXPECT(MPI_ERR_RANK, "MPI_Probe source -4", MPI_Probe(-4, 0, MPI_COMM_WORLD, &st));
    EXPECT(MPI_ERR_TAG, "MPI_Iprobe tag -9", MPI_Iprobe(me, -9, MPI_COMM_WORLD, &flag, &st));
    BRAZOS_ONLY(MPI_ERR_COMM, "MPI_Iprobe MPI_COMM_NULL", MPI_Iprobe(me, 0, MPI_COMM_NULL, &flag, &st));
    BRAZOS_ONLY(MPI_ERR_COMM, "MPI_Comm_free NULL communicator pointer", MPI_Comm_free(NULL));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Iprobe NULL flag", MPI_Iprobe(me, 0, MPI_COMM_WORLD, NULL, &st));
    EXPECT(MPI_ERR_TYPE, "MPI_Get_count MPI_DATATYPE_NULL", MPI_Get_count(&st, MPI_DATATYPE_NULL, &n));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Get_count NULL count", MPI_Get_count(&st, MPI_INT, NULL));

    /* Requests and completion. */
    EXPECT(MPI_ERR_REQUEST, "MPI_Wait NULL request pointer", MPI_Wait(NULL, &st));
    EXPECT(MPI_ERR_REQUEST, "MPI_Start MPI_REQUEST_NULL", (req = MPI_REQUEST_NULL, MPI_Start(&req)));
    EXPECT(MPI_ERR_REQUEST, "MPI_Request_free NULL request pointer", MPI_Request_free(NULL));
    EXPECT(MPI_ERR_REQUEST, "MPI_Request_free MPI_REQUEST_NULL", (req = MPI_REQUEST_NULL, MPI_Request_free(&req)));
    EXPECT(MPI_ERR_ARG, "MPI_Startall count -1", MPI_Startall(-1, reqs));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Test NULL flag", (req = MPI_REQUEST_NULL, MPI_Test(&req, NULL, &st)));
    EXPECT(MPI_ERR_REQUEST, "MPI_Waitall NULL array, count 2", MPI_Waitall(2, NULL, MPI_STATUSES_IGNORE));
    EXPECT(MPI_ERR_ARG, "MPI_Waitall count -1", MPI_Waitall(-1, reqs, MPI_STATUSES_IGNORE));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Waitany NULL index", (reqs[0] = reqs[1] = MPI_REQUEST_NULL, MPI_Waitany(2, reqs, NULL, &st)));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Testsome NULL outcount",
           (reqs[0] = reqs[1] = MPI_REQUEST_NULL, MPI_Testsome(2, reqs, NULL, ranks, MPI_STATUSES_IGNORE)));
    {
        /* A started send is not persistent: MPI_Start refuses it. */
        rc = MPI_Isend(buf, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &req);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Isend to MPI_PROC_NULL");
        EXPECT(MPI_ERR_REQUEST, "MPI_Start of a non-persistent request", MPI_Start(&req));
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    }

    /* Collectives: every rank makes the same mistake. */
    EXPECT(MPI_ERR_COMM, "MPI_Barrier MPI_COMM_NULL", MPI_Barrier(MPI_COMM_NULL));
    EXPECT(MPI_ERR_COUNT, "MPI_Bcast count -1", MPI_Bcast(buf, -1, MPI_INT, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Bcast MPI_DATATYPE_NULL", MPI_Bcast(buf, 1, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "MPI_Bcast root == size", MPI_Bcast(buf, 1, MPI_INT, size, MPI_COMM_WORLD));
    BRAZOS_ONLY(MPI_ERR_BUFFER, "MPI_Bcast NULL buffer, count 1", MPI_Bcast(NULL, 1, MPI_INT, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_OP, "MPI_Reduce MPI_OP_NULL", MPI_Reduce(buf, out, 1, MPI_INT, MPI_OP_NULL, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "MPI_Reduce root -1", MPI_Reduce(buf, out, 1, MPI_INT, MPI_SUM, -1, MPI_COMM_WORLD));
    BRAZOS_ONLY(MPI_ERR_BUFFER, "MPI_Reduce NULL send buffer", MPI_Reduce(NULL, out, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Allreduce count -2", MPI_Allreduce(buf, out, -2, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_OP, "MPI_Allreduce MPI_BAND on MPI_DOUBLE",
           MPI_Allreduce(buf, out, 1, MPI_DOUBLE, MPI_BAND, MPI_COMM_WORLD));
    BRAZOS_ONLY(MPI_ERR_BUFFER, "MPI_Allreduce NULL receive buffer", MPI_Allreduce(buf, NULL, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COMM, "MPI_Allreduce MPI_COMM_NULL", MPI_Allreduce(buf, out, 1, MPI_INT, MPI_SUM, MPI_COMM_NULL));
    EXPECT(MPI_ERR_ROOT, "MPI_Gather root size + 2", MPI_Gather(buf, 1, MPI_INT, out, 1, MPI_INT, size + 2, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Gather send count -1", MPI_Gather(buf, -1, MPI_INT, out, 1, MPI_INT, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Gather send MPI_DATATYPE_NULL",
           MPI_Gather(buf, 1, MPI_DATATYPE_NULL, out, 1, MPI_INT, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "MPI_Gatherv root -2", MPI_Gatherv(buf, 1, MPI_INT, out, counts, displs, MPI_INT, -2, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Gatherv send count -1",
           MPI_Gatherv(buf, -1, MPI_INT, out, counts, displs, MPI_INT, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "MPI_Scatter root size", MPI_Scatter(buf, 1, MPI_INT, out, 1, MPI_INT, size, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Scatter receive count -1", MPI_Scatter(buf, 1, MPI_INT, out, -1, MPI_INT, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_ROOT, "MPI_Scatterv root -1", MPI_Scatterv(buf, counts, displs, MPI_INT, out, 1, MPI_INT, -1, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Scatterv receive MPI_DATATYPE_NULL",
           MPI_Scatterv(buf, counts, displs, MPI_INT, out, 1, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Allgather send count -1", MPI_Allgather(buf, -1, MPI_INT, out, 1, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Allgather receive MPI_DATATYPE_NULL",
           MPI_Allgather(buf, 1, MPI_INT, out, 1, MPI_DATATYPE_NULL, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Allgatherv send count -1",
           MPI_Allgatherv(buf, -1, MPI_INT, out, counts, displs, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Alltoall send count -1", MPI_Alltoall(buf, -1, MPI_INT, out, 1, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Alltoall send uncommitted type",
           MPI_Alltoall(buf, 1, uncommitted, out, 1, MPI_INT, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_TYPE, "MPI_Alltoallv receive MPI_DATATYPE_NULL",
           MPI_Alltoallv(buf, counts, displs, MPI_INT, out, counts, displs, MPI_DATATYPE_NULL, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_OP, "MPI_Reduce_scatter MPI_OP_NULL",
           MPI_Reduce_scatter(buf, out, counts, MPI_INT, MPI_OP_NULL, MPI_COMM_WORLD));
    BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Reduce_scatter MPI_DATATYPE_NULL",
           MPI_Reduce_scatter(buf, out, counts, MPI_DATATYPE_NULL, MPI_SUM, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_COUNT, "MPI_Scan count -1", MPI_Scan(buf, out, -1, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
    EXPECT(MPI_ERR_OP, "MPI_Scan MPI_OP_NULL", MPI_Scan(buf, out, 1, MPI_INT, MPI_OP_NULL, MPI_COMM_WORLD));
    BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Exscan MPI_DATATYPE_NULL", MPI_Exscan(buf, out, 1, MPI_DATATYPE_NULL, MPI_SUM, MPI_COMM_WORLD));

    /* Communicators. */
    EXPECT(MPI_ERR_COMM, "MPI_Comm_size MPI_COMM_NULL", MPI_Comm_size(MPI_COMM_NULL, &n));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Comm_size NULL size", MPI_Comm_size(MPI_COMM_WORLD, NULL));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Comm_rank NULL rank", MPI_Comm_rank(MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_COMM, "MPI_Comm_dup MPI_COMM_NULL", MPI_Comm_dup(MPI_COMM_NULL, &c));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Comm_dup NULL new communicator", MPI_Comm_dup(MPI_COMM_WORLD, NULL));
    EXPECT(MPI_ERR_ARG, "MPI_Comm_split colour -5", MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &c));
    EXPECT(MPI_ERR_GROUP, "MPI_Comm_create MPI_GROUP_NULL", MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_NULL, &c));
    EXPECT(MPI_ERR_COMM, "MPI_Comm_free MPI_COMM_WORLD", (c = MPI_COMM_WORLD, MPI_Comm_free(&c)));
    EXPECT(MPI_ERR_COMM, "MPI_Comm_free MPI_COMM_NULL", (c = MPI_COMM_NULL, MPI_Comm_free(&c)));
    EXPECT(MPI_ERR_COMM, "MPI_Comm_compare MPI_COMM_NULL", MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_NULL, &n));
    EXPECT(MPI_ERR_COMM, "MPI_Comm_group MPI_COMM_NULL", MPI_Comm_group(MPI_COMM_NULL, &g));

    /* Groups. */
    EXPECT(MPI_ERR_GROUP, "MPI_Group_size MPI_GROUP_NULL", MPI_Group_size(MPI_GROUP_NULL, &n));
    EXPECT(MPI_ERR_GROUP, "MPI_Group_rank MPI_GROUP_NULL", MPI_Group_rank(MPI_GROUP_NULL, &n));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Group_size NULL size", MPI_Group_size(world_group, NULL));
    EXPECT(MPI_ERR_RANK, "MPI_Group_incl rank == size", (ranks[0] = size, MPI_Group_incl(world_group, 1, ranks, &g)));
    BRAZOS_ONLY(MPI_ERR_RANK, "MPI_Group_incl rank twice", (ranks[0] = ranks[1] = 0, MPI_Group_incl(world_group, 2, ranks, &g)));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Group_incl n -1", MPI_Group_incl(world_group, -1, ranks, &g));
    EXPECT(MPI_ERR_RANK, "MPI_Group_excl rank -1", (ranks[0] = -1, MPI_Group_excl(world_group, 1, ranks, &g)));
    BRAZOS_ONLY(MPI_ERR_RANK, "MPI_Group_translate_ranks rank == size",
           (ranks[0] = size, MPI_Group_translate_ranks(world_group, 1, ranks, world_group, out)));
    EXPECT(MPI_ERR_GROUP, "MPI_Group_translate_ranks MPI_GROUP_NULL",
           (ranks[0] = 0, MPI_Group_translate_ranks(world_group, 1, ranks, MPI_GROUP_NULL, out)));
    EXPECT(MPI_ERR_GROUP, "MPI_Group_free NULL group pointer", MPI_Group_free(NULL));
    EXPECT(MPI_ERR_GROUP, "MPI_Group_free MPI_GROUP_NULL", (g = MPI_GROUP_NULL, MPI_Group_free(&g)));

    /* Operations. */
    EXPECT(MPI_ERR_OP, "MPI_Op_free MPI_SUM", (op = MPI_SUM, MPI_Op_free(&op)));
    EXPECT(MPI_ERR_OP, "MPI_Op_free NULL operation pointer", MPI_Op_free(NULL));
    EXPECT(MPI_ERR_OP, "MPI_Op_free MPI_OP_NULL", (op = MPI_OP_NULL, MPI_Op_free(&op)));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Op_create NULL op pointer", MPI_Op_create(sum_ints, 1, NULL));

    /* Datatypes. */
    EXPECT(MPI_ERR_COUNT, "MPI_Type_contiguous count -1", MPI_Type_contiguous(-1, MPI_INT, &vec));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_contiguous MPI_DATATYPE_NULL", MPI_Type_contiguous(2, MPI_DATATYPE_NULL, &vec));
    EXPECT(MPI_ERR_COUNT, "MPI_Type_vector count -1", MPI_Type_vector(-1, 1, 1, MPI_INT, &vec));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_vector MPI_DATATYPE_NULL", MPI_Type_vector(2, 1, 2, MPI_DATATYPE_NULL, &vec));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_commit MPI_DATATYPE_NULL", (vec = MPI_DATATYPE_NULL, MPI_Type_commit(&vec)));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_commit NULL type pointer", MPI_Type_commit(NULL));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_free NULL type pointer", MPI_Type_free(NULL));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_free MPI_INT", (vec = MPI_INT, MPI_Type_free(&vec)));
    EXPECT(MPI_ERR_TYPE, "MPI_Type_size MPI_DATATYPE_NULL", MPI_Type_size(MPI_DATATYPE_NULL, &n));
    BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Type_size NULL size", MPI_Type_size(MPI_INT, NULL));

    /* Error handlers and codes. */
    EXPECT(MPI_ERR_ARG, "MPI_Comm_set_errhandler MPI_ERRHANDLER_NULL",
           MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRHANDLER_NULL));
    EXPECT(MPI_ERR_COMM, "MPI_Comm_get_errhandler MPI_COMM_NULL", MPI_Comm_get_errhandler(MPI_COMM_NULL, &eh));
    EXPECT(MPI_ERR_ARG, "MPI_Error_class of -1", MPI_Error_class(-1, &cls));
    EXPECT(MPI_ERR_ARG, "MPI_Error_string of -1", MPI_Error_string(-1, text, &len));

    /* Mistakes only Brazos detects. */
    {
        MPI_Datatype garbage_type = (MPI_Datatype) (intptr_t) 0x7f0012345678;
        MPI_Comm garbage_comm = (MPI_Comm) (intptr_t) 0x7f0012345678;
        MPI_Request garbage_request = (MPI_Request) (intptr_t) 0x5000;
        MPI_Op garbage_op = (MPI_Op) (intptr_t) 0x1234560;
        MPI_Group garbage_group = (MPI_Group) (intptr_t) 0x777;
        MPI_Datatype huge, huger, as_type;
        MPI_Request persistent;

        BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Send a type never handed out", MPI_Send(buf, 1, garbage_type, me, 0, MPI_COMM_WORLD));
        BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Send a freed type", MPI_Send(buf, 1, freed, me, 0, MPI_COMM_WORLD));
        BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Type_size a freed type", MPI_Type_size(freed, &n));
        BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Type_free a freed type", (vec = freed, MPI_Type_free(&vec)));
        BRAZOS_ONLY(MPI_ERR_COMM, "MPI_Send a communicator never handed out",
                    MPI_Send(buf, 1, MPI_INT, me, 0, garbage_comm));
        BRAZOS_ONLY(MPI_ERR_COMM, "MPI_Barrier a communicator never handed out", MPI_Barrier(garbage_comm));
        BRAZOS_ONLY(MPI_ERR_REQUEST, "MPI_Wait a request never handed out",
                    (req = garbage_request, MPI_Wait(&req, &st)));
        BRAZOS_ONLY(MPI_ERR_REQUEST, "MPI_Test a request never handed out",
                    (req = garbage_request, MPI_Test(&req, &flag, &st)));
        BRAZOS_ONLY(MPI_ERR_REQUEST, "MPI_Waitall a request never handed out",
                    (reqs[0] = MPI_REQUEST_NULL, reqs[1] = garbage_request, MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE)));
        BRAZOS_ONLY(MPI_ERR_REQUEST, "MPI_Request_free a request never handed out",
                    (req = garbage_request, MPI_Request_free(&req)));
        BRAZOS_ONLY(MPI_ERR_OP, "MPI_Allreduce an operation never handed out",
                    MPI_Allreduce(buf, out, 1, MPI_INT, garbage_op, MPI_COMM_WORLD));
        BRAZOS_ONLY(MPI_ERR_GROUP, "MPI_Group_size a group never handed out", MPI_Group_size(garbage_group, &n));
        BRAZOS_ONLY(MPI_ERR_ARG, "MPI_Comm_set_errhandler a handler never handed out",
                    MPI_Comm_set_errhandler(MPI_COMM_WORLD, (MPI_Errhandler) (intptr_t) 0x99999990));
        BRAZOS_ONLY(MPI_ERR_TAG, "MPI_Send tag MPI_TAG_UB + 1", MPI_Send(buf, 1, MPI_INT, me, 1 << 30, MPI_COMM_WORLD));
        /* Handles of one kind used as another. */
        MPI_Send_init(buf, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &persistent);
        memcpy(&as_type, &persistent, sizeof as_type);
        BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Send a request used as a type", MPI_Send(buf, 1, as_type, me, 0, MPI_COMM_WORLD));
        MPI_Request_free(&persistent);
        MPI_Comm_dup(MPI_COMM_WORLD, &dup);
        memcpy(&as_type, &dup, sizeof as_type);
        BRAZOS_ONLY(MPI_ERR_TYPE, "MPI_Type_commit a communicator used as a type", MPI_Type_commit(&as_type));
        MPI_Comm_free(&dup);
        BRAZOS_ONLY(MPI_ERR_COMM, "MPI_Barrier a freed communicator", MPI_Barrier(dup));
        /* Sizes that do not fit: an extent beyond any address space, a message
           of more bytes than memory holds. */
        MPI_Type_contiguous(1 << 30, MPI_DOUBLE, &huge);
        BRAZOS_ONLY(MPI_ERR_COUNT, "MPI_Type_vector extent overflow", MPI_Type_vector(1 << 30, 1, 1 << 30, huge, &huger));
        BRAZOS_ONLY(MPI_SUCCESS, "MPI_Type_contiguous 2^31 - 1 bytes", MPI_Type_contiguous(2147483647, MPI_BYTE, &huger));
        BRAZOS_ONLY(MPI_SUCCESS, "MPI_Type_size of 2^31 - 1 bytes", MPI_Type_size(huger, &n));
        MPI_Type_free(&huger);
        MPI_Type_commit(&huge);
        BRAZOS_ONLY(MPI_SUCCESS, "MPI_Type_size of 2^33 bytes", MPI_Type_size(huge, &n));
        BRAZOS_ONLY(MPI_ERR_COUNT, "MPI_Send 2^30 elements of 2^33 bytes",
                    MPI_Send(buf, 1 << 30, huge, me, 0, MPI_COMM_WORLD));
        BRAZOS_ONLY(MPI_ERR_COUNT, "MPI_Allreduce 2^30 elements of 2^33 bytes",
                    MPI_Allreduce(buf, out, 1 << 30, huge, MPI_SUM, MPI_COMM_WORLD));
        MPI_Type_free(&huge);
        (void) garbage_type; (void) garbage_comm; (void) garbage_request; (void) garbage_op; (void) garbage_group;
    }

    /* A user error handler: called with the communicator and the code; the
       call then returns the code. */
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    rc = MPI_Comm_create_errhandler(record_error, &eh);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Comm_create_errhandler");
    rc = MPI_Comm_set_errhandler(dup, eh);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Comm_set_errhandler of a user handler");
    rc = MPI_Errhandler_free(&eh);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Errhandler_free of a handler still in use");
    CHECK(eh == MPI_ERRHANDLER_NULL, "MPI_Errhandler_free did not set the handle to MPI_ERRHANDLER_NULL");
    rc = MPI_Send(buf, 1, MPI_INT, size, 0, dup);
    cls = got_class(rc, MPI_ERR_RANK, "MPI_Send dest == size on a communicator with a user handler");
    if (me == 0)
        printf("%-58s %s\n", "MPI_Send dest == size, user handler", class_name(cls));
    CHECK_INT(handler_calls, 1, "calls of the user error handler");
    CHECK(handler_comm == dup, "the user error handler was not given the communicator");
    CHECK_INT(handler_code, rc, "the code the user error handler was given");
    rc = MPI_Bcast(buf, -1, MPI_INT, 0, dup);
    (void) got_class(rc, MPI_ERR_COUNT, "MPI_Bcast count -1 on a communicator with a user handler");
    CHECK_INT(handler_calls, 2, "calls of the user error handler");
    MPI_Comm_dup(dup, &c);
    rc = MPI_Recv(buf, 1, MPI_INT, me, -4, c, &st);
    (void) got_class(rc, MPI_ERR_TAG, "MPI_Recv tag -4 on a dup inheriting a user handler");
    CHECK_INT(handler_calls, 3, "calls of the user error handler inherited by MPI_Comm_dup");
    CHECK(handler_comm == c, "the inherited user error handler was not given the new communicator");
    MPI_Comm_get_errhandler(c, &eh);
    CHECK(eh != MPI_ERRHANDLER_NULL && eh != MPI_ERRORS_RETURN && eh != MPI_ERRORS_ARE_FATAL,
          "MPI_Comm_get_errhandler did not give the user handler");
    MPI_Errhandler_free(&eh);
    MPI_Comm_free(&c);
    MPI_Comm_free(&dup);
    EXPECT(MPI_ERR_ARG, "MPI_Errhandler_free MPI_ERRHANDLER_NULL", (eh = MPI_ERRHANDLER_NULL, MPI_Errhandler_free(&eh)));

    /* The program goes on. */
    {
        int one = 1, total = 0, right = (me + 1) % size, left = (me + size - 1) % size, v = -1;
        rc = MPI_Sendrecv(&me, 1, MPI_INT, right, 1, &v, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Sendrecv after the errors");
        CHECK_INT(v, left, "the value MPI_Sendrecv received after the errors");
        rc = MPI_Allreduce(&one, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Allreduce after the errors");
        CHECK_INT(total, size, "the sum MPI_Allreduce gave after the errors");
        MPI_Op_create(sum_ints, 1, &op);
        rc = MPI_Allreduce(&one, &total, 1, MPI_INT, op, MPI_COMM_WORLD);
        CHECK_INT(total, size, "the sum of a user operation after the errors");
        MPI_Op_free(&op);
    }
    MPI_Type_free(&uncommitted);
    MPI_Group_free(&world_group);
    return tu_finish();
}
