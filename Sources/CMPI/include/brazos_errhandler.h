/*
 * brazos_errhandler.h -- for libbrazosmpi itself, not for programs.
 *
 * A program's error handler is variadic (MPI_Comm_errhandler_function,
 * MPI_Win_errhandler_function), and Swift cannot call a variadic C function; these C
 * functions make the call for it.  They are hidden, so the library still exports only
 * the MPI_* functions of mpi.h.
 */
#ifndef BRAZOS_ERRHANDLER_H
#define BRAZOS_ERRHANDLER_H

#include "mpi.h"

__attribute__((visibility("hidden")))
void brazos_call_comm_errhandler(MPI_Comm_errhandler_function *function, MPI_Comm *comm, int *code);

__attribute__((visibility("hidden")))
void brazos_call_win_errhandler(MPI_Win_errhandler_function *function, MPI_Win *win, int *code);

#endif /* BRAZOS_ERRHANDLER_H */
