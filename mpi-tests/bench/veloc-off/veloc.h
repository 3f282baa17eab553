/*
 * VeloC's API as calls that do nothing, for building Tests/Programs/veloc-heat/heat.c with
 * Open MPI's mpicc in scripts/bench-veloc: Open MPI has no checkpoints, so its run is the
 * program without them. Written here; only the calls heat.c makes.
 */
#ifndef BRAZOS_VELOC_OFF_H
#define BRAZOS_VELOC_OFF_H
#include <mpi.h>
#include <stddef.h>
#include <string.h>

#define VELOC_SUCCESS (0)
#define VELOC_FAILURE (-1)
#define VELOC_MAX_NAME (1024)

static inline int VELOC_Init(MPI_Comm comm, const char *cfg) { (void)comm; (void)cfg; return VELOC_SUCCESS; }
static inline int VELOC_Finalize(int drain) { (void)drain; return VELOC_SUCCESS; }
static inline int VELOC_Mem_protect(int id, void *ptr, size_t count, size_t base_size) {
    (void)id; (void)ptr; (void)count; (void)base_size;
    return VELOC_SUCCESS;
}
static inline int VELOC_Restart_test(const char *name, int needed_version) { (void)name; (void)needed_version; return VELOC_FAILURE; }
static inline int VELOC_Restart_begin(const char *name, int version) { (void)name; (void)version; return VELOC_FAILURE; }
static inline int VELOC_Recover_mem(void) { return VELOC_FAILURE; }
static inline int VELOC_Restart_end(int success) { (void)success; return VELOC_FAILURE; }
static inline int VELOC_Checkpoint_wait(void) { return VELOC_SUCCESS; }
static inline int VELOC_Checkpoint_begin(const char *name, int version) { (void)name; (void)version; return VELOC_SUCCESS; }
static inline int VELOC_Checkpoint_mem(void) { return VELOC_SUCCESS; }
static inline int VELOC_Route_file(const char *original, char *routed) { strncpy(routed, original, VELOC_MAX_NAME - 1); routed[VELOC_MAX_NAME - 1] = 0; return VELOC_SUCCESS; }
static inline int VELOC_Checkpoint_end(int success) { (void)success; return VELOC_SUCCESS; }
static inline int MPIX_Checkpoint_point(MPI_Comm comm, const char *name, int version, int *taken) {
    (void)comm; (void)name; (void)version;
    *taken = 0;
    return MPI_SUCCESS;
}
#endif
