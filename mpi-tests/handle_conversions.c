/*
 * Handles as Fortran integers (MPI_X_c2f / MPI_X_f2c) and, under MPI 5, as ints
 * (MPI_X_toint / MPI_X_fromint): every kind of handle, predefined and made by the
 * program, comes back as the same handle and still works: a communicator made by
 * MPI_Comm_dup, a group, a datatype, a user operation, a pending request (completed
 * through the handle that came back), an error handler; the null handles of every
 * kind, info and message included.  Distinct handles give distinct integers.
 * A received message's status converted to Fortran's INTEGER array (and, under MPI 5,
 * to the mpi_f08 type) and back keeps its source, tag and count; converting
 * MPI_STATUS_IGNORE is an error.  Any number of processes.
 */
#include "testutil.h"

#define ROUND_TRIP(kind, handle, what)                                                 \
    do {                                                                               \
        MPI_Fint f_ = MPI_##kind##_c2f(handle);                                        \
        CHECK(MPI_##kind##_f2c(f_) == (handle), "MPI_" #kind "_f2c(MPI_" #kind "_c2f(%s))", what); \
    } while (0)

#if MPI_VERSION >= 5
#define INT_ROUND_TRIP(kind, handle, what)                                             \
    do {                                                                               \
        int i_ = MPI_##kind##_toint(handle);                                           \
        CHECK(MPI_##kind##_fromint(i_) == (handle), "MPI_" #kind "_fromint(MPI_" #kind "_toint(%s))", what); \
    } while (0)
#else
#define INT_ROUND_TRIP(kind, handle, what) do { } while (0)
#endif

#define BOTH(kind, handle, what)                                                       \
    do {                                                                               \
        ROUND_TRIP(kind, handle, what);                                                \
        INT_ROUND_TRIP(kind, handle, what);                                            \
    } while (0)

static void add_ints(void *in, void *inout, int *len, MPI_Datatype *type)
{
    int i;
    for (i = 0; i < *len; i++)
        ((int *) inout)[i] += ((int *) in)[i];
}

int main(int argc, char **argv)
{
    int rank, size, value = -1, sum = -1, gsize = -1;
    MPI_Comm dup, back;
    MPI_Group group;
    MPI_Datatype pair;
    MPI_Op op;
    MPI_Request request;
    MPI_Errhandler handler;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    BOTH(Comm, MPI_COMM_WORLD, "MPI_COMM_WORLD");
    BOTH(Comm, MPI_COMM_SELF, "MPI_COMM_SELF");
    BOTH(Comm, MPI_COMM_NULL, "MPI_COMM_NULL");
    BOTH(Group, MPI_GROUP_NULL, "MPI_GROUP_NULL");
    BOTH(Group, MPI_GROUP_EMPTY, "MPI_GROUP_EMPTY");
    BOTH(Type, MPI_INT, "MPI_INT");
    BOTH(Type, MPI_DOUBLE, "MPI_DOUBLE");
    BOTH(Type, MPI_DATATYPE_NULL, "MPI_DATATYPE_NULL");
    BOTH(Op, MPI_SUM, "MPI_SUM");
    BOTH(Op, MPI_OP_NULL, "MPI_OP_NULL");
    BOTH(Request, MPI_REQUEST_NULL, "MPI_REQUEST_NULL");
    BOTH(Errhandler, MPI_ERRORS_RETURN, "MPI_ERRORS_RETURN");
    BOTH(Errhandler, MPI_ERRORS_ARE_FATAL, "MPI_ERRORS_ARE_FATAL");
    BOTH(Errhandler, MPI_ERRHANDLER_NULL, "MPI_ERRHANDLER_NULL");
    BOTH(Info, MPI_INFO_NULL, "MPI_INFO_NULL");
    BOTH(Message, MPI_MESSAGE_NULL, "MPI_MESSAGE_NULL");
    BOTH(Win, MPI_WIN_NULL, "MPI_WIN_NULL");
    BOTH(File, MPI_FILE_NULL, "MPI_FILE_NULL");
    CHECK(MPI_Comm_c2f(MPI_COMM_WORLD) != MPI_Comm_c2f(MPI_COMM_SELF), "MPI_COMM_WORLD and MPI_COMM_SELF give one integer");
    CHECK(MPI_Type_c2f(MPI_INT) != MPI_Type_c2f(MPI_DOUBLE), "MPI_INT and MPI_DOUBLE give one integer");

    /* A communicator that came back works. */
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    BOTH(Comm, dup, "a dup of MPI_COMM_WORLD");
    CHECK(MPI_Comm_c2f(dup) != MPI_Comm_c2f(MPI_COMM_WORLD), "a dup gives MPI_COMM_WORLD's integer");
    back = MPI_Comm_f2c(MPI_Comm_c2f(dup));
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, back);
    CHECK_INT(sum, size * (size - 1) / 2, "MPI_Allreduce on a communicator converted back");

    MPI_Comm_group(dup, &group);
    BOTH(Group, group, "a communicator's group");
    MPI_Group_size(MPI_Group_f2c(MPI_Group_c2f(group)), &gsize);
    CHECK_INT(gsize, size, "MPI_Group_size of a group converted back");
    MPI_Group_free(&group);

    MPI_Type_contiguous(2, MPI_INT, &pair);
    MPI_Type_commit(&pair);
    BOTH(Type, pair, "a contiguous type");
    {
        int two = -1;
        MPI_Type_size(MPI_Type_f2c(MPI_Type_c2f(pair)), &two);
        CHECK_INT(two, 2 * sizeof(int), "MPI_Type_size of a type converted back");
    }
    MPI_Type_free(&pair);

    MPI_Op_create(add_ints, 1, &op);
    BOTH(Op, op, "a user operation");
    value = rank + 1;
    MPI_Allreduce(&value, &sum, 1, MPI_INT, MPI_Op_f2c(MPI_Op_c2f(op)), dup);
    CHECK_INT(sum, size * (size + 1) / 2, "MPI_Allreduce with a user operation converted back");
    MPI_Op_free(&op);

    value = -1;
    MPI_Irecv(&value, 1, MPI_INT, rank, 5, dup, &request);
    BOTH(Request, request, "a pending receive");
    {
        MPI_Request again = MPI_Request_f2c(MPI_Request_c2f(request));
        MPI_Send(&rank, 1, MPI_INT, rank, 5, dup);
        MPI_Wait(&again, MPI_STATUS_IGNORE);
        CHECK_INT(value, rank, "a receive completed through its converted handle");
        CHECK(again == MPI_REQUEST_NULL, "MPI_Wait did not set the converted request to MPI_REQUEST_NULL");
    }

    {
        int payload[3] = {1, 2, 3}, got[3], count = -1;
        MPI_Fint fortran[8]; /* Open MPI 4.1 has no MPI_F_STATUS_SIZE in C; its status is 6 words */
        MPI_Status status, back_status;
        MPI_Sendrecv(payload, 3, MPI_INT, rank, 9, got, 3, MPI_INT, rank, 9, dup, &status);
        CHECK(MPI_Status_c2f(&status, fortran) == MPI_SUCCESS, "MPI_Status_c2f failed");
        CHECK_INT(fortran[0], rank, "the Fortran status's source");
        CHECK_INT(fortran[1], 9, "the Fortran status's tag");
        CHECK(MPI_Status_f2c(fortran, &back_status) == MPI_SUCCESS, "MPI_Status_f2c failed");
        CHECK_INT(back_status.MPI_SOURCE, rank, "the source after MPI_Status_f2c");
        CHECK_INT(back_status.MPI_TAG, 9, "the tag after MPI_Status_f2c");
        MPI_Get_count(&back_status, MPI_INT, &count);
        CHECK_INT(count, 3, "MPI_Get_count of a status converted to Fortran and back");
#if MPI_VERSION >= 5
        {
            MPI_F08_status f08;
            MPI_Fint again[MPI_F_STATUS_SIZE];
            MPI_Status from_f08;
            CHECK(MPI_Status_c2f08(&status, &f08) == MPI_SUCCESS, "MPI_Status_c2f08 failed");
            CHECK_INT(f08.MPI_SOURCE, rank, "the mpi_f08 status's source");
            CHECK_INT(f08.MPI_TAG, 9, "the mpi_f08 status's tag");
            CHECK(MPI_Status_f082f(&f08, again) == MPI_SUCCESS, "MPI_Status_f082f failed");
            CHECK_INT(again[MPI_F_TAG], 9, "the tag after MPI_Status_f082f");
            CHECK(MPI_Status_f2f08(again, &f08) == MPI_SUCCESS, "MPI_Status_f2f08 failed");
            CHECK(MPI_Status_f082c(&f08, &from_f08) == MPI_SUCCESS, "MPI_Status_f082c failed");
            count = -1;
            MPI_Get_count(&from_f08, MPI_INT, &count);
            CHECK_INT(count, 3, "MPI_Get_count after C -> f08 -> Fortran -> f08 -> C");
        }
#endif
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        CHECK(MPI_Status_c2f(MPI_STATUS_IGNORE, fortran) != MPI_SUCCESS, "MPI_Status_c2f(MPI_STATUS_IGNORE) succeeded");
        CHECK(MPI_Status_f2c(MPI_F_STATUS_IGNORE, &status) != MPI_SUCCESS, "MPI_Status_f2c(MPI_F_STATUS_IGNORE) succeeded");
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    }

    MPI_Comm_create_errhandler((MPI_Comm_errhandler_function *) add_ints, &handler);
    BOTH(Errhandler, handler, "a user error handler");
    MPI_Errhandler_free(&handler);
    MPI_Comm_free(&dup);

#if MPI_VERSION >= 4
    {
        MPI_Session session;
        MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &session);
        BOTH(Session, session, "a session");
        BOTH(Session, MPI_SESSION_NULL, "MPI_SESSION_NULL");
        MPI_Session_finalize(&session);
    }
#endif
    return tu_finish();
}
