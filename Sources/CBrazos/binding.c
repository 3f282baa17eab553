#define _GNU_SOURCE
#include "CBrazos.h"
#include <errno.h>
#include <hwloc.h>
#include <pthread.h>
#include <sched.h>

static hwloc_topology_t topology;
static pthread_once_t topologyOnce = PTHREAD_ONCE_INIT;
static int topologyReady = 0;

static void loadTopology(void) {
    if (hwloc_topology_init(&topology) == 0 && hwloc_topology_load(topology) == 0) topologyReady = 1;
}

int brazos_core_count(void) {
    pthread_once(&topologyOnce, loadTopology);
    if (!topologyReady) return -1;
    return hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
}

int brazos_bind_to_core(int index, int thisThreadOnly) {
    int cores = brazos_core_count();
    if (cores <= 0) { errno = ENOSYS; return -1; }
    hwloc_obj_t core = hwloc_get_obj_by_type(topology, HWLOC_OBJ_CORE, (unsigned)(index % cores));
    if (core == NULL) { errno = EINVAL; return -1; }
    hwloc_bitmap_t set = hwloc_bitmap_dup(core->cpuset);
    hwloc_bitmap_singlify(set);  // one hardware thread: no migration between siblings
    int flags = thisThreadOnly ? HWLOC_CPUBIND_THREAD : HWLOC_CPUBIND_PROCESS;
    int rc = hwloc_set_cpubind(topology, set, flags | HWLOC_CPUBIND_STRICT);
    if (rc != 0) rc = hwloc_set_cpubind(topology, set, flags);
    hwloc_bitmap_free(set);
    return rc;
}

int brazos_bound_cpu(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    if (CPU_COUNT(&set) != 1) return -1;
    for (int i = 0; i < CPU_SETSIZE; i++) if (CPU_ISSET(i, &set)) return i;
    return -1;
}

int brazos_available_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int count = CPU_COUNT(&set);
    return count > 0 ? count : 1;
}
