/*
 * brazos-mpi/communicators.h -- part of mpi.h: groups, communicators, intercommunicators, attributes and keyvals, info objects, topologies.
 * Include mpi.h, not this file; values follow the MPI 5.0 standard ABI as mpi.h says.
 */
#ifndef BRAZOS_MPI_COMMUNICATORS_H
#define BRAZOS_MPI_COMMUNICATORS_H

#include "../mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_MPI_COMMUNICATORS_H */
