/*
 * brazos-mpi/datatypes.h -- part of mpi.h: derived datatypes, extents, packing, and the predefined types beyond mpi.h's.
 * Include mpi.h, not this file; values follow the MPI 5.0 standard ABI as mpi.h says.
 */
#ifndef BRAZOS_MPI_DATATYPES_H
#define BRAZOS_MPI_DATATYPES_H

#include "../mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_MPI_DATATYPES_H */
