/*
 * The environment calls that C must define itself, being variadic: MPI_Pcontrol, and the
 * call of a session's error handler.
 */
#include "mpi.h"
#include "brazos_session_errhandler.h"

/* No profiling library is attached to this one, so there is nothing to control: the
   standard asks for no effect then. */
int MPI_Pcontrol(const int level, ...)
{
    (void) level;
    return MPI_SUCCESS;
}

void brazos_call_session_errhandler(MPI_Session_errhandler_function *function, MPI_Session *session, int *code)
{
    function(session, code);
}
