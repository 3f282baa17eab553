/*
 * p2p_arg_checks.c - the error classes of this part's functions under
 * MPI_ERRORS_RETURN: bad counts, ranks, tags and buffers in every send mode, a second
 * Buffer_attach, Mrecv of MPI_MESSAGE_NULL, Cancel and Grequest_complete of
 * MPI_REQUEST_NULL; Brazos-only checks (#ifndef OPEN_MPI) where Open MPI 4.1 does not
 * catch the mistake.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int size, value = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    MPI_Request request = MPI_REQUEST_NULL;

    CHECK_CLASS(MPI_Ssend(&value, -1, MPI_INT, 0, 0, MPI_COMM_WORLD), MPI_ERR_COUNT, "Ssend of a negative count");
    CHECK_CLASS(MPI_Ssend(&value, 1, MPI_INT, size, 0, MPI_COMM_WORLD), MPI_ERR_RANK, "Ssend to a rank outside");
    CHECK_CLASS(MPI_Ssend(&value, 1, MPI_INT, 0, -5, MPI_COMM_WORLD), MPI_ERR_TAG, "Ssend with a negative tag");
    CHECK_CLASS(MPI_Rsend(&value, -1, MPI_INT, 0, 0, MPI_COMM_WORLD), MPI_ERR_COUNT, "Rsend of a negative count");
    CHECK_CLASS(MPI_Rsend(&value, 1, MPI_INT, size, 0, MPI_COMM_WORLD), MPI_ERR_RANK, "Rsend to a rank outside");
    CHECK_CLASS(MPI_Issend(&value, 1, MPI_INT, 0, -5, MPI_COMM_WORLD, &request), MPI_ERR_TAG, "Issend with a negative tag");
    CHECK_CLASS(MPI_Ssend_init(&value, 1, MPI_INT, size, 0, MPI_COMM_WORLD, &request), MPI_ERR_RANK, "Ssend_init to a rank outside");
    CHECK_CLASS(MPI_Bsend_init(&value, -1, MPI_INT, 0, 0, MPI_COMM_WORLD, &request), MPI_ERR_COUNT, "Bsend_init of a negative count");
    CHECK_CLASS(MPI_Sendrecv_replace(&value, -1, MPI_INT, 0, 0, 0, 0, MPI_COMM_SELF, MPI_STATUS_IGNORE), MPI_ERR_COUNT,
                "Sendrecv_replace of a negative count");
    CHECK_CLASS(MPI_Sendrecv_replace(&value, 1, MPI_INT, 5, 0, 0, 0, MPI_COMM_SELF, MPI_STATUS_IGNORE), MPI_ERR_RANK,
                "Sendrecv_replace to a rank outside");
    int flag;
    MPI_Message message;
    CHECK_CLASS(MPI_Mprobe(size, 0, MPI_COMM_WORLD, &message, MPI_STATUS_IGNORE), MPI_ERR_RANK, "Mprobe of a rank outside");
    CHECK_CLASS(MPI_Improbe(0, -7, MPI_COMM_WORLD, &flag, &message, MPI_STATUS_IGNORE), MPI_ERR_TAG, "Improbe with a bad tag");
    CHECK_CLASS(MPI_Cancel(&request), MPI_ERR_REQUEST, "Cancel of MPI_REQUEST_NULL");

    char buffer[2 * MPI_BSEND_OVERHEAD];
    MPI_Buffer_attach(buffer, (int) sizeof buffer);
#ifndef OPEN_MPI
    /* Open MPI 4.1 takes a second buffer in place of the first. */
    CHECK_CLASS(MPI_Buffer_attach(buffer, (int) sizeof buffer), MPI_ERR_BUFFER, "a second Buffer_attach");
    message = MPI_MESSAGE_NULL;
    CHECK_CLASS(MPI_Mrecv(&value, 1, MPI_INT, &message, MPI_STATUS_IGNORE), MPI_ERR_REQUEST, "Mrecv of MPI_MESSAGE_NULL");
    CHECK_CLASS(MPI_Grequest_complete(MPI_REQUEST_NULL), MPI_ERR_REQUEST, "Grequest_complete of MPI_REQUEST_NULL");
    CHECK_CLASS(MPI_Bsend(&value, 1, MPI_INT, 0, -5, MPI_COMM_WORLD), MPI_ERR_TAG, "Bsend with a negative tag");
#endif
    void *detached;
    int detachedSize;
    MPI_Buffer_detach(&detached, &detachedSize);
    CHECK(detached == buffer && detachedSize == (int) sizeof buffer, "Buffer_detach after the bad calls");
#if MPI_VERSION >= 4
    MPI_Request receive;
    CHECK_CLASS(MPI_Psend_init(&value, 0, 1, MPI_INT, 0, 0, MPI_COMM_SELF, MPI_INFO_NULL, &request), MPI_ERR_ARG, "Psend_init of 0 partitions");
    MPI_Precv_init(&value, 1, 1, MPI_INT, 0, 0, MPI_COMM_SELF, MPI_INFO_NULL, &receive);
    MPI_Psend_init(&value, 1, 1, MPI_INT, 0, 0, MPI_COMM_SELF, MPI_INFO_NULL, &request);
    MPI_Start(&request);
    CHECK_CLASS(MPI_Pready(1, request), MPI_ERR_ARG, "Pready of a partition outside");
    CHECK_CLASS(MPI_Pready(0, receive), MPI_ERR_REQUEST, "Pready of a receive");
    MPI_Start(&receive);
    MPI_Pready(0, request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    MPI_Wait(&receive, MPI_STATUS_IGNORE);
    CHECK_CLASS(MPI_Pready(0, request), MPI_ERR_REQUEST, "Pready of an inactive send");
    MPI_Request_free(&request);
    MPI_Request_free(&receive);
    CHECK_CLASS(MPI_Send_c(&value, (MPI_Count) -3, MPI_INT, 0, 0, MPI_COMM_SELF), MPI_ERR_COUNT, "Send_c of a negative count");
#endif
    return tu_finish();
}
