/*
 * null_handle_names.c - MPI_Comm_get_name of MPI_COMM_NULL and MPI_Type_get_name of
 * MPI_DATATYPE_NULL give the handle's name (new in MPI 4.1; mpi4py's TestCommNull and
 * TestDatatypeNull expect it, and emulate it for older MPIs such as Open MPI 4.1), and
 * MPI_Request_get_status_any (MPI 4.1) over null requests gives an empty status, its
 * error field MPI_SUCCESS. Open MPI 4.1 (MPI 3.1) runs none of it.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

#if MPI_VERSION > 4 || (MPI_VERSION == 4 && MPI_SUBVERSION >= 1)
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    CHECK_INT(MPI_Comm_get_name(MPI_COMM_NULL, name, &len), MPI_SUCCESS, "MPI_Comm_get_name(MPI_COMM_NULL)");
    CHECK(strcmp(name, "MPI_COMM_NULL") == 0 && len == 13, "MPI_COMM_NULL's name: got '%s' (%d)", name, len);
    CHECK_INT(MPI_Type_get_name(MPI_DATATYPE_NULL, name, &len), MPI_SUCCESS, "MPI_Type_get_name(MPI_DATATYPE_NULL)");
    CHECK(strcmp(name, "MPI_DATATYPE_NULL") == 0 && len == 17, "MPI_DATATYPE_NULL's name: got '%s' (%d)", name, len);
    {
        MPI_Request requests[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
        MPI_Status status;
        int index = -2, flag = 0;
        status.MPI_ERROR = MPI_ERR_OTHER;
        status.MPI_SOURCE = 7;
        status.MPI_TAG = 7;
        CHECK_INT(MPI_Request_get_status_any(2, requests, &index, &flag, &status), MPI_SUCCESS, "MPI_Request_get_status_any");
        CHECK_INT(index, MPI_UNDEFINED, "the index of MPI_Request_get_status_any over null requests");
        CHECK_INT(flag, 1, "the flag of MPI_Request_get_status_any over null requests");
        CHECK_INT(status.MPI_SOURCE, MPI_ANY_SOURCE, "the empty status's source");
        CHECK_INT(status.MPI_TAG, MPI_ANY_TAG, "the empty status's tag");
        CHECK_INT(status.MPI_ERROR, MPI_SUCCESS, "the empty status's error");
    }
#endif
    return tu_finish();
}
