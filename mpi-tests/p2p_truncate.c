/*
 * A message longer than the receive buffer: with MPI_ERRORS_RETURN on the
 * communicator the receive returns an error of class MPI_ERR_TRUNCATE (with a
 * non-empty MPI_Error_string) and the program goes on; later messages between
 * the same ranks are received intact.  Covers MPI_Recv, MPI_Irecv + MPI_Wait,
 * and MPI_Waitall (MPI_ERR_IN_STATUS, with MPI_ERR_TRUNCATE in the status of
 * the truncated request and MPI_SUCCESS in the other), for short and long
 * messages.  Ranks work in pairs; an odd last rank only joins the barriers.
 */
#include "testutil.h"

#define LONGMSG 100000

static void check_status_error(int err, int expected_class, const char *what)
{
    int cls = -1;
    MPI_Error_class(err, &cls);
    if (cls != expected_class)
        FAIL("%s: status MPI_ERROR has class %d (code %d), expected %d", what, cls, err,
             expected_class);
}

int main(int argc, char **argv)
{
    int rank, size, peer, role, rc, i, len;
    int *buf;
    MPI_Status st;
    static const int lengths[2] = { 10, LONGMSG };

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    role = (rank == size - 1 && size % 2 == 1) ? -1 : rank % 2;
    peer = rank % 2 == 0 ? rank + 1 : rank - 1;
    buf = malloc((LONGMSG + 1) * sizeof(int));

    for (i = 0; i < 2; i++) {
        len = lengths[i];
        char what[128];

        /* MPI_Recv with room for half the message, then an intact message. */
        if (role == 0) {
            int j;
            for (j = 0; j < len; j++)
                buf[j] = j;
            rc = MPI_Send(buf, len, MPI_INT, peer, 1, MPI_COMM_WORLD);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Send of a message the receiver truncates");
            rc = MPI_Send(buf, 3, MPI_INT, peer, 2, MPI_COMM_WORLD);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Send after the truncated message");
        } else if (role == 1) {
            int small[3] = { -1, -1, -1 };
            snprintf(what, sizeof what, "MPI_Recv of %d ints into room for %d", len, len / 2);
            rc = MPI_Recv(buf, len / 2, MPI_INT, peer, 1, MPI_COMM_WORLD, &st);
            CHECK_CLASS(rc, MPI_ERR_TRUNCATE, what);
            rc = MPI_Recv(small, 3, MPI_INT, peer, 2, MPI_COMM_WORLD, &st);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Recv after a truncation");
            CHECK(small[0] == 0 && small[1] == 1 && small[2] == 2,
                  "message after a truncation: got %d %d %d, expected 0 1 2", small[0],
                  small[1], small[2]);
        }
        MPI_Barrier(MPI_COMM_WORLD);

        /* MPI_Irecv + MPI_Wait. */
        if (role == 0) {
            rc = MPI_Send(buf, len, MPI_INT, peer, 3, MPI_COMM_WORLD);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Send (2)");
        } else if (role == 1) {
            MPI_Request r;
            snprintf(what, sizeof what, "MPI_Wait on MPI_Irecv of %d ints into room for 1", len);
            rc = MPI_Irecv(buf, 1, MPI_INT, peer, 3, MPI_COMM_WORLD, &r);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Irecv posting");
            rc = MPI_Wait(&r, &st);
            CHECK_CLASS(rc, MPI_ERR_TRUNCATE, what);
            CHECK(r == MPI_REQUEST_NULL, "request not freed after a truncated MPI_Wait");
        }
        MPI_Barrier(MPI_COMM_WORLD);

        /* MPI_Waitall over a good receive and a truncated one. */
        if (role == 0) {
            int one = 11;
            rc = MPI_Send(&one, 1, MPI_INT, peer, 4, MPI_COMM_WORLD);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Send (3)");
            rc = MPI_Send(buf, len, MPI_INT, peer, 5, MPI_COMM_WORLD);
            CHECK_INT(rc, MPI_SUCCESS, "MPI_Send (4)");
        } else if (role == 1) {
            MPI_Request r[2];
            MPI_Status sts[2];
            int one = -1;
            snprintf(what, sizeof what, "MPI_Waitall with a truncated receive of %d ints", len);
            MPI_Irecv(&one, 1, MPI_INT, peer, 4, MPI_COMM_WORLD, &r[0]);
            MPI_Irecv(buf, 2, MPI_INT, peer, 5, MPI_COMM_WORLD, &r[1]);
            sts[0].MPI_ERROR = -1;
            sts[1].MPI_ERROR = -1;
            rc = MPI_Waitall(2, r, sts);
            CHECK_CLASS(rc, MPI_ERR_IN_STATUS, what);
            if (rc != MPI_SUCCESS) {
                CHECK_INT(sts[0].MPI_ERROR, MPI_SUCCESS, "status of the good receive in MPI_Waitall");
                check_status_error(sts[1].MPI_ERROR, MPI_ERR_TRUNCATE, what);
            }
            CHECK_INT(one, 11, "data of the good receive in MPI_Waitall");
            CHECK_INT(sts[0].MPI_SOURCE, peer, "source of the good receive in MPI_Waitall");
            CHECK_INT(sts[0].MPI_TAG, 4, "tag of the good receive in MPI_Waitall");
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }

    /* A zero-byte receive buffer truncates any non-empty message. */
    if (role == 0) {
        int v = 5;
        MPI_Send(&v, 1, MPI_INT, peer, 6, MPI_COMM_WORLD);
    } else if (role == 1) {
        rc = MPI_Recv(NULL, 0, MPI_INT, peer, 6, MPI_COMM_WORLD, &st);
        CHECK_CLASS(rc, MPI_ERR_TRUNCATE, "MPI_Recv of 1 int into a 0-count buffer");
    }

    /* Everything still works collectively afterwards. */
    {
        int one = 1, n = 0;
        rc = MPI_Allreduce(&one, &n, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(rc, MPI_SUCCESS, "MPI_Allreduce after the truncations");
        CHECK_INT(n, size, "MPI_Allreduce after the truncations");
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    free(buf);
    return tu_finish();
}
