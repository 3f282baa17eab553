/*
 * brazos_errhandler.h -- for libbrazosmpi itself, not for programs.
 *
 * A program's error handler is variadic (MPI_Comm_errhandler_function), and Swift
 * cannot call a variadic C function; this C function makes the call for it.  It is
 * hidden, so the library still exports only the MPI_* functions of mpi.h.
 */
#ifndef BRAZOS_ERRHANDLER_H
#define BRAZOS_ERRHANDLER_H

#include "mpi.h"

__attribute__((visibility("hidden")))
void brazos_call_comm_errhandler(MPI_Comm_errhandler_function *function, MPI_Comm *comm, int *code);

#endif /* BRAZOS_ERRHANDLER_H */
