#include "mpi.h"
#include "brazos_errhandler.h"

void brazos_call_comm_errhandler(MPI_Comm_errhandler_function *function, MPI_Comm *comm, int *code)
{
    function(comm, code);
}
