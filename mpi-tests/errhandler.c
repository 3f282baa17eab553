/*
 * Error handlers and error classes.  With MPI_ERRORS_RETURN set on a
 * communicator, an erroneous call returns an error code of the class MPI
 * defines, MPI_Error_string describes it, and the program goes on:
 *   invalid rank (MPI_ERR_RANK), count (MPI_ERR_COUNT), tag (MPI_ERR_TAG),
 *   root (MPI_ERR_ROOT), operation (MPI_ERR_OP: MPI_OP_NULL, or an operation
 *   not defined on the type), datatype (MPI_ERR_TYPE: MPI_DATATYPE_NULL or an
 *   uncommitted derived type), communicator (MPI_ERR_COMM: MPI_COMM_NULL;
 *   reported through MPI_COMM_WORLD's handler), group (MPI_ERR_GROUP),
 *   request (MPI_ERR_REQUEST).
 * MPI_Comm_dup copies the error handler; a handler set on a dup does not
 * change MPI_COMM_WORLD's.  MPI_Error_class maps each predefined class to
 * itself.  Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, rc, buf[4] = { 0, 0, 0, 0 }, i, j, n;
    double d = 1.0, dout;
    MPI_Status st;
    MPI_Comm dup, dup2;
    MPI_Datatype uncommitted;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* Predefined error classes: distinct, MPI_SUCCESS is 0, each its own
       class, each with a description, none above MPI_ERR_LASTCODE. */
    {
        const int classes[] = { MPI_SUCCESS, MPI_ERR_BUFFER, MPI_ERR_COUNT, MPI_ERR_TYPE,
            MPI_ERR_TAG, MPI_ERR_COMM, MPI_ERR_RANK, MPI_ERR_REQUEST, MPI_ERR_ROOT, MPI_ERR_GROUP,
            MPI_ERR_OP, MPI_ERR_TOPOLOGY, MPI_ERR_DIMS, MPI_ERR_ARG, MPI_ERR_UNKNOWN,
            MPI_ERR_TRUNCATE, MPI_ERR_OTHER, MPI_ERR_INTERN, MPI_ERR_IN_STATUS, MPI_ERR_PENDING };
        const int nclasses = (int) (sizeof classes / sizeof classes[0]);
        char msg[MPI_MAX_ERROR_STRING];
        CHECK_INT(MPI_SUCCESS, 0, "MPI_SUCCESS");
        for (i = 0; i < nclasses; i++) {
            int cls = -1, len = -1;
            MPI_Error_class(classes[i], &cls);
            CHECK_INT(cls, classes[i], "MPI_Error_class of a predefined class");
            CHECK(classes[i] <= MPI_ERR_LASTCODE, "error class %d above MPI_ERR_LASTCODE %d",
                  classes[i], MPI_ERR_LASTCODE);
            msg[0] = '\0';
            MPI_Error_string(classes[i], msg, &len);
            CHECK(len > 0 && len < MPI_MAX_ERROR_STRING && (int) strlen(msg) == len,
                  "MPI_Error_string of class %d: length %d, text '%s'", classes[i], len, msg);
            for (j = 0; j < i; j++)
                CHECK(classes[i] != classes[j], "error classes %d and %d are equal", i, j);
        }
    }

    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    /* Ranks. */
    rc = MPI_Send(buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_RANK, "MPI_Send to rank == size");
    rc = MPI_Send(buf, 1, MPI_INT, -5, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_RANK, "MPI_Send to rank -5");
    rc = MPI_Recv(buf, 1, MPI_INT, size + 3, 0, MPI_COMM_WORLD, &st);
    CHECK_CLASS(rc, MPI_ERR_RANK, "MPI_Recv from rank size + 3");
    {
        MPI_Request r = MPI_REQUEST_NULL;
        rc = MPI_Isend(buf, 1, MPI_INT, size, 0, MPI_COMM_WORLD, &r);
        CHECK_CLASS(rc, MPI_ERR_RANK, "MPI_Isend to rank == size");
    }

    /* Counts. */
    rc = MPI_Send(buf, -1, MPI_INT, rank, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_COUNT, "MPI_Send with count -1");
    rc = MPI_Recv(buf, -1, MPI_INT, rank, 0, MPI_COMM_WORLD, &st);
    CHECK_CLASS(rc, MPI_ERR_COUNT, "MPI_Recv with count -1");
    rc = MPI_Bcast(buf, -1, MPI_INT, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_COUNT, "MPI_Bcast with count -1");
    rc = MPI_Allreduce(&d, &dout, -2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_COUNT, "MPI_Allreduce with count -2");

    /* Tags. */
    rc = MPI_Send(buf, 1, MPI_INT, rank, -5, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_TAG, "MPI_Send with tag -5");
    rc = MPI_Send(buf, 1, MPI_INT, rank, MPI_ANY_TAG, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_TAG, "MPI_Send with tag MPI_ANY_TAG");
    rc = MPI_Recv(buf, 1, MPI_INT, rank, -5, MPI_COMM_WORLD, &st);
    CHECK_CLASS(rc, MPI_ERR_TAG, "MPI_Recv with tag -5");

    /* Roots (every rank makes the same erroneous call). */
    rc = MPI_Bcast(buf, 1, MPI_INT, size, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_ROOT, "MPI_Bcast with root == size");
    rc = MPI_Reduce(&d, &dout, 1, MPI_DOUBLE, MPI_SUM, -1, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_ROOT, "MPI_Reduce with root -1");
    rc = MPI_Gather(buf, 1, MPI_INT, buf, 1, MPI_INT, size + 1, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_ROOT, "MPI_Gather with root size + 1");

    /* Operations. */
    rc = MPI_Allreduce(&d, &dout, 1, MPI_DOUBLE, MPI_OP_NULL, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_OP, "MPI_Allreduce with MPI_OP_NULL");
    rc = MPI_Reduce(&d, &dout, 1, MPI_DOUBLE, MPI_OP_NULL, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_OP, "MPI_Reduce with MPI_OP_NULL");
    rc = MPI_Allreduce(&d, &dout, 1, MPI_DOUBLE, MPI_BAND, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_OP, "MPI_Allreduce of MPI_DOUBLE with MPI_BAND");

    /* Datatypes. */
    rc = MPI_Send(buf, 1, MPI_DATATYPE_NULL, rank, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_TYPE, "MPI_Send with MPI_DATATYPE_NULL");
    rc = MPI_Recv(buf, 1, MPI_DATATYPE_NULL, rank, 0, MPI_COMM_WORLD, &st);
    CHECK_CLASS(rc, MPI_ERR_TYPE, "MPI_Recv with MPI_DATATYPE_NULL");
    rc = MPI_Bcast(buf, 1, MPI_DATATYPE_NULL, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_TYPE, "MPI_Bcast with MPI_DATATYPE_NULL");
    MPI_Type_contiguous(2, MPI_INT, &uncommitted);
    rc = MPI_Send(buf, 1, uncommitted, rank, 0, MPI_COMM_WORLD);
    CHECK_CLASS(rc, MPI_ERR_TYPE, "MPI_Send with an uncommitted datatype");
    MPI_Type_free(&uncommitted);

    /* Communicators: errors on MPI_COMM_NULL go to MPI_COMM_WORLD's handler. */
    rc = MPI_Send(buf, 1, MPI_INT, 0, 0, MPI_COMM_NULL);
    CHECK_CLASS(rc, MPI_ERR_COMM, "MPI_Send on MPI_COMM_NULL");
    rc = MPI_Comm_size(MPI_COMM_NULL, &n);
    CHECK_CLASS(rc, MPI_ERR_COMM, "MPI_Comm_size of MPI_COMM_NULL");
    rc = MPI_Comm_rank(MPI_COMM_NULL, &n);
    CHECK_CLASS(rc, MPI_ERR_COMM, "MPI_Comm_rank of MPI_COMM_NULL");
    rc = MPI_Barrier(MPI_COMM_NULL);
    CHECK_CLASS(rc, MPI_ERR_COMM, "MPI_Barrier on MPI_COMM_NULL");
    rc = MPI_Allreduce(&d, &dout, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_NULL);
    CHECK_CLASS(rc, MPI_ERR_COMM, "MPI_Allreduce on MPI_COMM_NULL");

    /* Groups and requests. */
    rc = MPI_Group_size(MPI_GROUP_NULL, &n);
    CHECK_CLASS(rc, MPI_ERR_GROUP, "MPI_Group_size of MPI_GROUP_NULL");
    {
        MPI_Request r = MPI_REQUEST_NULL;
        rc = MPI_Start(&r);
        CHECK_CLASS(rc, MPI_ERR_REQUEST, "MPI_Start of MPI_REQUEST_NULL");
    }

    /* The program goes on: communication still works after all that. */
    {
        int one = 1, total = 0, right = (rank + 1) % size, left = (rank + size - 1) % size, v = -1;
        rc = MPI_Allreduce(&one, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Allreduce after the errors");
        CHECK_INT(total, size, "MPI_Allreduce after the errors");
        rc = MPI_Sendrecv(&rank, 1, MPI_INT, right, 1, &v, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Sendrecv after the errors");
        CHECK_INT(v, left, "MPI_Sendrecv after the errors");
    }

    /* Handlers per communicator: dup inherits MPI_ERRORS_RETURN from world;
       world back to fatal does not change the dup; a dup of the dup inherits. */
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    rc = MPI_Send(buf, 1, MPI_INT, size, 0, dup);
    CHECK_CLASS(rc, MPI_ERR_RANK, "MPI_Send to rank == size on a dup made under MPI_ERRORS_RETURN");
    MPI_Comm_dup(dup, &dup2);
    rc = MPI_Recv(buf, 1, MPI_INT, rank, -7, dup2, &st);
    CHECK_CLASS(rc, MPI_ERR_TAG, "MPI_Recv with tag -7 on a dup of that dup");
    MPI_Comm_free(&dup2);
    MPI_Comm_free(&dup);
    /* MPI_ERRORS_RETURN set on a dup only. */
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
    rc = MPI_Bcast(buf, 1, MPI_INT, -3, dup);
    CHECK_CLASS(rc, MPI_ERR_ROOT, "MPI_Bcast with root -3 on a dup with MPI_ERRORS_RETURN");
    MPI_Comm_free(&dup);

    return tu_finish();
}
