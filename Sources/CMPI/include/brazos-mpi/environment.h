/*
 * brazos-mpi/environment.h -- part of mpi.h: environment, threads, errors, sessions and handle conversions.
 * Include mpi.h, not this file; values follow the MPI 5.0 standard ABI as mpi.h says.
 */
#ifndef BRAZOS_MPI_ENVIRONMENT_H
#define BRAZOS_MPI_ENVIRONMENT_H

#include "../mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_MPI_ENVIRONMENT_H */
