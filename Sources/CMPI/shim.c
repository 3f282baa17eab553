#include "mpi.h"
#include "brazos_errhandler.h"

void brazos_call_comm_errhandler(MPI_Comm_errhandler_function *function, MPI_Comm *comm, int *code)
{
    function(comm, code);
}

void brazos_call_win_errhandler(MPI_Win_errhandler_function *function, MPI_Win *win, int *code)
{
    function(win, code);
}
