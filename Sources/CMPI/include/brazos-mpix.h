/*
 * brazos-mpix.h -- part of mpi.h: Brazos's extensions to MPI, with the MPIX_ prefix that
 * MPI implementations give theirs. Include mpi.h, not this file.
 */
#ifndef BRAZOS_MPIX_H
#define BRAZOS_MPIX_H

#include "mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* A point where a checkpoint may be taken, collective over comm (every rank of the job:
 * MPI_COMM_WORLD or a duplicate). A checkpoint is taken here only when brazosrun asked
 * for one (`brazosrun checkpoint JOB`, SIGUSR1 to brazosrun, --checkpoint-every), on every
 * rank or on none; it saves what VELOC_Checkpoint saves (the regions of VELOC_Mem_protect
 * and the messages not yet received) as checkpoint `name`, `version`, which
 * VELOC_Restart_test and VELOC_Restart find after a restart. *taken (if not NULL) is 1
 * when one was taken, else 0. Without a checkpoint directory it only sets *taken to 0. */
int MPIX_Checkpoint_point(MPI_Comm comm, const char *name, int version, int *taken);

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_MPIX_H */
