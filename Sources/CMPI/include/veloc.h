/*
 * veloc.h -- VeloC's memory-based checkpoint API (the ECP checkpoint library), implemented
 * by libbrazosmpi over Brazos's own checkpoints: a program written for VeloC builds with
 * brazoscc unchanged. Written here from VeloC's documented API; what Brazos does
 * differently is in docs/C-ABI.md, "VeloC".
 *
 * Under Brazos a checkpoint is collective over every rank of the job, consistent (messages
 * sent before it and not yet received are saved and delivered once after a restart),
 * incremental (only changed pages of protected regions are written) and written in the
 * background while the program goes on. Checkpoints are taken in the job's checkpoint
 * directory, brazosrun --checkpoint-dir, which the configuration file's `persistent`
 * cannot replace (brazosrun's coordinator writes the checkpoints' manifests).
 */
#ifndef BRAZOS_VELOC_H
#define BRAZOS_VELOC_H

#include <stddef.h>
#include "mpi.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Return codes. VELOC_IGNORED is VeloC's "nothing to do"; no function here returns it. */
#define VELOC_SUCCESS (0)
#define VELOC_FAILURE (-1)
#define VELOC_IGNORED (-2)

/* The longest name of a checkpoint or a routed file, counting the terminating NUL. */
#define VELOC_MAX_NAME (1024)

/* Which protected regions VELOC_Recover_selective restores: all, those listed, the others. */
#define VELOC_RECOVER_ALL  (0)
#define VELOC_RECOVER_SOME (1)
#define VELOC_RECOVER_REST (2)

/* Which protected regions VELOC_Checkpoint_selective saves: all, those listed, the others. */
#define VELOC_CKPT_ALL  (0)
#define VELOC_CKPT_SOME (1)
#define VELOC_CKPT_REST (2)

/* Starts VeloC for the ranks of comm, which must hold every rank of the job
 * (MPI_COMM_WORLD or a duplicate); cfg_file holds `key = value` lines (NULL: none). */
int VELOC_Init(MPI_Comm comm, const char *cfg_file);
/* VeloC's per-process mode; Brazos's checkpoints are job-wide: always VELOC_FAILURE. */
int VELOC_Init_single(unsigned int unique_id, const char *cfg_file);
/* Ends VeloC; with drain non-zero, first waits until the last checkpoint is written. */
int VELOC_Finalize(int drain);

/* Memory regions saved by every checkpoint and restored at a restart, by the caller's id:
 * count elements of base_size bytes from ptr (count 0 unprotects). */
int VELOC_Mem_protect(int id, void *ptr, size_t count, size_t base_size);
int VELOC_Mem_unprotect(int id);
int VELOC_Mem_clear(void);

/* Inside a checkpoint or restart phase: the path (at most VELOC_MAX_NAME bytes, written
 * to routed) where the rank writes or reads the file it calls original. A file written
 * there during a checkpoint is kept with it, and is there again in the restart phase. */
int VELOC_Route_file(const char *original, char *routed);

/* A checkpoint, collective over VELOC_Init's communicator: begin, save the protected
 * regions (all, or a selection), end. The program goes on while it is written. */
int VELOC_Checkpoint_begin(const char *name, int version);
int VELOC_Checkpoint_mem(void);
int VELOC_Checkpoint_selective(int mode, int *ids, int no_ids);
int VELOC_Checkpoint_end(int success);
/* Waits until this process's last checkpoint is written. */
int VELOC_Checkpoint_wait(void);
/* VELOC_SUCCESS once this process's last checkpoint is written, VELOC_FAILURE before. */
int VELOC_Checkpoint_finished(void);
/* VELOC_Checkpoint_wait, then begin, mem and end. */
int VELOC_Checkpoint(const char *name, int version);

/* The version of checkpoint `name` the job restarted from (below needed_version unless
 * it is 0), or VELOC_FAILURE if it did not restart from one. */
int VELOC_Restart_test(const char *name, int needed_version);
/* A restart from that version: begin, restore protected regions (all, or a selection),
 * end; VELOC_Restart does the three. */
int VELOC_Restart_begin(const char *name, int version);
int VELOC_Recover_selective(int mode, int *ids, int no_ids);
int VELOC_Recover_mem(void);
int VELOC_Restart_end(int success);
int VELOC_Restart(const char *name, int version);

#if defined(__cplusplus)
}
#endif

#endif /* BRAZOS_VELOC_H */
