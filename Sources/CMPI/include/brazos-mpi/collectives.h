/*
 * brazos-mpi/collectives.h -- part of mpi.h: collectives: non-blocking, persistent and neighbourhood forms, Alltoallw, Reduce_local, ....
 * Include mpi.h, not this file; values follow the MPI 5.0 standard ABI as mpi.h says.
 */
#ifndef BRAZOS_MPI_COLLECTIVES_H
#define BRAZOS_MPI_COLLECTIVES_H

#include "../mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_MPI_COLLECTIVES_H */
