/*
 * mpicolltest.h - the MTest_<Collective> names some MPICH test programs call
 * (coll/ic*.c and others).  MPICH's harness maps them to the blocking collectives
 * unless the tests are built for non-blocking ones; this harness builds them the
 * default way, so each name is the blocking MPI function itself.
 */
#ifndef BRAZOS_MPICOLLTEST_H
#define BRAZOS_MPICOLLTEST_H

#include <mpi.h>

#define MTest_Barrier MPI_Barrier
#define MTest_Bcast MPI_Bcast
#define MTest_Gather MPI_Gather
#define MTest_Gatherv MPI_Gatherv
#define MTest_Scatter MPI_Scatter
#define MTest_Scatterv MPI_Scatterv
#define MTest_Allgather MPI_Allgather
#define MTest_Allgatherv MPI_Allgatherv
#define MTest_Alltoall MPI_Alltoall
#define MTest_Alltoallv MPI_Alltoallv
#define MTest_Alltoallw MPI_Alltoallw
#define MTest_Reduce MPI_Reduce
#define MTest_Allreduce MPI_Allreduce
#define MTest_Reduce_scatter MPI_Reduce_scatter
#define MTest_Reduce_scatter_block MPI_Reduce_scatter_block
#define MTest_Scan MPI_Scan
#define MTest_Exscan MPI_Exscan

#endif
