/*
 * brazos-mpi/pt2pt.h -- part of mpi.h: point-to-point: send modes, matched probes, cancellation, generalized and partitioned requests, status access.
 * Include mpi.h, not this file; values follow the MPI 5.0 standard ABI as mpi.h says.
 */
#ifndef BRAZOS_MPI_PT2PT_H
#define BRAZOS_MPI_PT2PT_H

#include "../mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_MPI_PT2PT_H */
