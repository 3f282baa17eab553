/*
 * brazos_session_errhandler.h -- for libbrazosmpi itself, not for programs.
 *
 * A session's error handler is variadic (MPI_Session_errhandler_function), and Swift
 * cannot call a variadic C function; this C function makes the call for it.  It is
 * hidden, so the library still exports only the MPI_* functions of mpi.h.
 */
#ifndef BRAZOS_SESSION_ERRHANDLER_H
#define BRAZOS_SESSION_ERRHANDLER_H

#include "mpi.h"

__attribute__((visibility("hidden")))
void brazos_call_session_errhandler(MPI_Session_errhandler_function *function, MPI_Session *session, int *code);

#endif /* BRAZOS_SESSION_ERRHANDLER_H */
