/*
 * MPI_PROC_NULL as source or destination: every operation completes at once;
 * a receive returns source MPI_PROC_NULL, tag MPI_ANY_TAG, count 0 and leaves
 * the buffer alone.  Covers MPI_Send, MPI_Recv, MPI_Isend, MPI_Irecv,
 * MPI_Sendrecv, MPI_Probe, MPI_Iprobe and persistent requests.  Any number of
 * processes (the test involves no other rank).
 */
#include "testutil.h"

static void check_null_status(const MPI_Status *st, const char *what)
{
    int n = -1;
    CHECK_INT(st->MPI_SOURCE, MPI_PROC_NULL, what);
    CHECK_INT(st->MPI_TAG, MPI_ANY_TAG, what);
    MPI_Get_count(st, MPI_INT, &n);
    CHECK_INT(n, 0, what);
}

int main(int argc, char **argv)
{
    int buf[4] = { 1, 2, 3, 4 }, in[4], i, flag;
    MPI_Status st;
    MPI_Request r[2];

    MPI_Init(&argc, &argv);

    MPI_Send(buf, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD);

    for (i = 0; i < 4; i++)
        in[i] = -9;
    st.MPI_SOURCE = st.MPI_TAG = 77;
    MPI_Recv(in, 4, MPI_INT, MPI_PROC_NULL, 1, MPI_COMM_WORLD, &st);
    check_null_status(&st, "MPI_Recv from MPI_PROC_NULL");
    for (i = 0; i < 4; i++)
        CHECK_INT(in[i], -9, "buffer of MPI_Recv from MPI_PROC_NULL");

    st.MPI_SOURCE = st.MPI_TAG = 77;
    MPI_Recv(in, 4, MPI_INT, MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    check_null_status(&st, "MPI_Recv from MPI_PROC_NULL with MPI_ANY_TAG");

    MPI_Isend(buf, 4, MPI_INT, MPI_PROC_NULL, 2, MPI_COMM_WORLD, &r[0]);
    MPI_Irecv(in, 4, MPI_INT, MPI_PROC_NULL, 2, MPI_COMM_WORLD, &r[1]);
    flag = 0;
    MPI_Test(&r[1], &flag, &st);
    CHECK_INT(flag, 1, "MPI_Test of MPI_Irecv from MPI_PROC_NULL");
    if (flag)
        check_null_status(&st, "MPI_Irecv from MPI_PROC_NULL");
    else
        MPI_Wait(&r[1], &st);
    MPI_Wait(&r[0], &st);
    CHECK(r[0] == MPI_REQUEST_NULL && r[1] == MPI_REQUEST_NULL,
          "requests to MPI_PROC_NULL not freed on completion");
    for (i = 0; i < 4; i++)
        CHECK_INT(in[i], -9, "buffer of MPI_Irecv from MPI_PROC_NULL");

    st.MPI_SOURCE = st.MPI_TAG = 77;
    MPI_Sendrecv(buf, 4, MPI_INT, MPI_PROC_NULL, 3, in, 4, MPI_INT, MPI_PROC_NULL, 3,
                 MPI_COMM_WORLD, &st);
    check_null_status(&st, "MPI_Sendrecv with MPI_PROC_NULL");
    for (i = 0; i < 4; i++)
        CHECK_INT(in[i], -9, "buffer of MPI_Sendrecv from MPI_PROC_NULL");

    st.MPI_SOURCE = st.MPI_TAG = 77;
    MPI_Probe(MPI_PROC_NULL, 4, MPI_COMM_WORLD, &st);
    check_null_status(&st, "MPI_Probe of MPI_PROC_NULL");
    flag = 0;
    st.MPI_SOURCE = st.MPI_TAG = 77;
    MPI_Iprobe(MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    CHECK_INT(flag, 1, "MPI_Iprobe of MPI_PROC_NULL");
    check_null_status(&st, "MPI_Iprobe of MPI_PROC_NULL");

    /* Persistent requests on MPI_PROC_NULL, started twice. */
    MPI_Send_init(buf, 4, MPI_INT, MPI_PROC_NULL, 5, MPI_COMM_WORLD, &r[0]);
    MPI_Recv_init(in, 4, MPI_INT, MPI_PROC_NULL, 5, MPI_COMM_WORLD, &r[1]);
    for (i = 0; i < 2; i++) {
        MPI_Status sts[2];
        MPI_Startall(2, r);
        MPI_Waitall(2, r, sts);
        check_null_status(&sts[1], "persistent receive from MPI_PROC_NULL");
    }
    MPI_Request_free(&r[0]);
    MPI_Request_free(&r[1]);
    for (i = 0; i < 4; i++)
        CHECK_INT(in[i], -9, "buffer of a persistent receive from MPI_PROC_NULL");

    /* Collective sanity afterwards: nothing stray is left to be matched. */
    flag = 1;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    CHECK_INT(flag, 0, "a message is pending after the MPI_PROC_NULL operations");

    return tu_finish();
}
