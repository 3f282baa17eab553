// C shims for what Swift cannot do safely or cheaply: atomics on memory shared between
// processes, single-copy reads from another process, CPU binding through hwloc, and the
// PMIx client (opened with dlopen so that binaries do not need libpmix to start).
#ifndef CBRAZOS_H
#define CBRAZOS_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

// MARK: Atomics on shared mappings. Swift's own atomics cannot be placed at an address
// inside an mmap'ed region that another process also maps; these can.

static inline uint64_t brazos_load_acquire_u64(const void *p) {
    return __atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE);
}
static inline uint64_t brazos_load_seq_cst_u64(const void *p) {
    return __atomic_load_n((const uint64_t *)p, __ATOMIC_SEQ_CST);
}
static inline void brazos_store_seq_cst_u64(void *p, uint64_t v) {
    __atomic_store_n((uint64_t *)p, v, __ATOMIC_SEQ_CST);
}
static inline void brazos_store_release_u64(void *p, uint64_t v) {
    __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELEASE);
}
static inline uint32_t brazos_load_acquire_u32(const void *p) {
    return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE);
}
static inline void brazos_store_seq_cst_u32(void *p, uint32_t v) {
    __atomic_store_n((uint32_t *)p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t brazos_exchange_u32(void *p, uint32_t v) {
    return __atomic_exchange_n((uint32_t *)p, v, __ATOMIC_SEQ_CST);
}
static inline uint64_t brazos_increment_u64(void *p) {
    return __atomic_fetch_add((uint64_t *)p, 1, __ATOMIC_SEQ_CST);
}
static inline uint64_t brazos_decrement_u64(void *p) {
    return __atomic_fetch_sub((uint64_t *)p, 1, __ATOMIC_SEQ_CST);
}
/// A full barrier. On x86-64 a locked add to the stack orders like mfence for ordinary
/// memory at a fraction of its cost (the Linux kernel's smp_mb does the same).
static inline void brazos_fence_seq_cst(void) {
#if defined(__x86_64__)
    __asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}
/// Copies `count` bytes between buffers that do not overlap. Up to 16 bytes, two
/// overlapping loads and stores instead of a call into the C library: small messages are
/// copied into a ring, out of it and into a receive buffer, and the call and its size
/// dispatch cost more than the copy.
static inline void brazos_copy(void *destination, const void *source, size_t count) {
    unsigned char *to = (unsigned char *)destination;
    const unsigned char *from = (const unsigned char *)source;
    if (count >= 8 && count <= 16) {
        uint64_t head, tail;
        __builtin_memcpy(&head, from, 8);
        __builtin_memcpy(&tail, from + count - 8, 8);
        __builtin_memcpy(to, &head, 8);
        __builtin_memcpy(to + count - 8, &tail, 8);
    } else if (count >= 4 && count < 8) {
        uint32_t head, tail;
        __builtin_memcpy(&head, from, 4);
        __builtin_memcpy(&tail, from + count - 4, 4);
        __builtin_memcpy(to, &head, 4);
        __builtin_memcpy(to + count - 4, &tail, 4);
    } else if (count < 4) {
        for (size_t i = 0; i < count; i++) to[i] = from[i];
    } else {
        __builtin_memcpy(to, from, count);
    }
}
static inline void brazos_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

// MARK: Descriptors Glibc's module map leaves out.

/// A non-blocking, close-on-exec eventfd, or -1.
int brazos_eventfd(void);
/* Waits for one of `signals` (blocked in every thread); returns it and, in *sender, the
   process that sent it (0 for the kernel). */
int brazos_wait_for_signal(const int *signals, int count, pid_t *sender);
/* A stream socket in the abstract AF_UNIX namespace (no file, per network namespace):
   listening as `name`, or connected to it; -1 and errno on failure. */
int brazos_control_listen(const char *name);
int brazos_control_connect(const char *name);
/* The user id of the process at the other end of a connected AF_UNIX socket, or -1. */
long brazos_peer_uid(int fd);
/// accept4 with SOCK_CLOEXEC, or -1 with errno.
int brazos_accept(int listener);
/// A blocking, close-on-exec eventfd (the fault service sleeps on it), or -1.
int brazos_blocking_eventfd(void);
/// An anonymous memory file of `length` bytes (memfd_create + ftruncate), or -1.
int brazos_memory_file(const char *name, size_t length);
/// Maps `length` bytes of `fd` shared at exactly `address` without replacing anything
/// there (MAP_FIXED_NOREPLACE); NULL with errno if the range is taken.
void *brazos_map_fixed(void *address, size_t length, int protection, int fd);

// MARK: Binding through hwloc.

/// Number of cores hwloc sees, or -1.
int brazos_core_count(void);
/// Binds the calling process (thisThreadOnly == 0) or thread to core `index` modulo the
/// core count. Returns 0 or -1 with errno set.
int brazos_bind_to_core(int index, int thisThreadOnly);
/// The core the calling thread is bound to (its first CPU), or -1.
int brazos_bound_cpu(void);

/// CPUs this process may run on (its affinity mask), at least 1.
int brazos_available_cpus(void);

// MARK: PMIx client, for jobs started by mpirun or srun.

/// Opens libpmix and calls PMIx_Init. Fills the namespace, rank and job size.
/// Returns 0, or a negative code with a message in `error`.
int brazos_pmix_init(char *nspace, size_t nspaceLength, uint32_t *rank, uint32_t *size,
                     char *error, size_t errorLength);
/// Publishes a string under `key` (global scope) and commits it.
int brazos_pmix_put(const char *key, const char *value);
/// Waits until every process of the namespace has published (fence, collecting data).
int brazos_pmix_fence(void);
/// Reads the string `key` published by `rank` into `value`. Returns 0 or a negative code.
int brazos_pmix_get(uint32_t rank, const char *key, char *value, size_t valueLength);
int brazos_pmix_finalize(void);

// MARK: Page faults of the shared region (fault.c)

enum { BRAZOS_FAULT_IDLE = 0, BRAZOS_FAULT_PENDING = 1, BRAZOS_FAULT_RESOLVED = 2 };

/// One thread's fault in progress: written by the signal handler, resolved by the
/// service thread. `state` is the futex word.
typedef struct {
    uint32_t state;
    uint32_t write;
    uintptr_t address;
} brazos_fault_slot;

/// Installs the SIGSEGV handler for [start, start+length): faults there are announced on
/// `fd` (an eventfd) and wait for `brazos_fault_resolve`. Returns 0 or -1 (errno).
int brazos_fault_install(void *start, size_t length, int fd);

/// Faults of the calling thread use `slot` (NULL: its faults are not ours to serve).
void brazos_fault_register_thread(brazos_fault_slot *slot);
/* Forgets the calling thread's slot and returns it (NULL if it had none). */
brazos_fault_slot *brazos_fault_unregister_thread(void);

/// Whether the calling thread has a slot.
int brazos_fault_thread_registered(void);

/// Lets the thread waiting in `slot` retry its access.
void brazos_fault_resolve(brazos_fault_slot *slot);

static inline uint32_t brazos_fault_state(brazos_fault_slot *slot) {
    return __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
}

// MARK: The page table of the shared region (pages.c)

/// A page's state on this node (see docs/ARCHITECTURE.md, "Coherence").
enum {
    BRAZOS_PAGE_UNTOUCHED = 0,
    BRAZOS_PAGE_INVALID = 1,
    BRAZOS_PAGE_READ_ONLY = 2,
    BRAZOS_PAGE_WRITABLE = 3,
    /// Invalid here while its diff is on the way home: only the service thread serves it.
    BRAZOS_PAGE_FLUSHING = 4,
};

/// What serving a fault needs next.
enum {
    /// The page is accessible as the access needs: retry it.
    BRAZOS_FAULT_SERVED = 0,
    /// The page must come from a home this process cannot read: the service thread fetches it.
    BRAZOS_FAULT_NEEDS_SERVICE = 1,
};

/// Pages one fault fills at most: the faulting one and those after it with the same home
/// and no valid copy here.
enum { BRAZOS_PAGE_BATCH = 8 };

/// One node's protocol state for every page of its region, shared by the service thread
/// and the faulting threads' signal handler. Every field but `homes` is read and written
/// under the table's lock (`brazos_pages_lock`), which the signal handler takes too.
typedef struct brazos_page_table brazos_page_table;

/// A table for `pages` pages with every page untouched and homed on node 0; `application`
/// and `service` are the region's two views, `shared_bits` and `shared_summary` this
/// node's sharing bitmap and its summary (in the region's memory file, so that other
/// processes of the host can set them). NULL with errno if memory cannot be had.
brazos_page_table *brazos_pages_create(size_t pages, int me, int node_limit, uint8_t *application, uint8_t *service,
                                       uint64_t *shared_bits, uint64_t *shared_summary);

/// Words of the sharing bitmap and of its summary for a region of `pages` pages.
size_t brazos_pages_shared_words(size_t pages);
size_t brazos_pages_summary_words(size_t pages);

void brazos_pages_lock(brazos_page_table *table);
void brazos_pages_unlock(brazos_page_table *table);

// Under the lock:
uint8_t brazos_pages_state(const brazos_page_table *table, size_t page);
void brazos_pages_set_state(brazos_page_table *table, size_t page, uint8_t state);
/// mprotect of the application view of [first, first+count); 0 or -errno.
int brazos_pages_protect(brazos_page_table *table, size_t first, size_t count, int protection);
void brazos_pages_mark_dirty(brazos_page_table *table, size_t page);
void brazos_pages_clear_dirty(brazos_page_table *table, size_t page);
/// Moves the dirty pages (ascending) into `out` (room for `capacity`) and clears them;
/// returns how many there were (call again with more room if that is more than `capacity`).
size_t brazos_pages_take_dirty(brazos_page_table *table, int64_t *out, size_t capacity);
size_t brazos_pages_dirty_count(const brazos_page_table *table);
/// The page's twin (its copy before the first write since the last release) if it has
/// one, and the twin is forgotten: the pointer stays valid until the page is twinned again.
const uint8_t *brazos_pages_take_twin(brazos_page_table *table, size_t page);
/// Pages one fetch of `page` from `home` takes: it and those after it with the same home
/// and no valid copy here, `BRAZOS_PAGE_BATCH` at most.
size_t brazos_pages_fetch_run(const brazos_page_table *table, size_t page, int home);
/// Whether this node marked `page` shared or another process of the host did.
int brazos_pages_is_shared(const brazos_page_table *table, size_t page);
void brazos_pages_mark_shared(brazos_page_table *table, size_t page);
/// No other node holds a valid copy of home page `page` any more (a shared barrier
/// invalidated them all): its writes here need no notices until a copy is made again.
void brazos_pages_clear_shared(brazos_page_table *table, size_t page);
/// Home pages other processes of the host marked shared since the last call: each one
/// that was writable (its writes untracked) becomes read-only and dirty. Returns 0 or -errno.
int brazos_pages_absorb_shares(brazos_page_table *table);

// Without the lock:
/// The home of `page` (relaxed atomics: the allocator sets homes while faults read them).
int brazos_pages_home(const brazos_page_table *table, size_t page);
void brazos_pages_set_home(brazos_page_table *table, size_t page, int home);
/// Node `node` is on this host: its pages (`pages`, read-only) and its sharing bitmap
/// and summary (writable) are mapped here, and faults on pages it is home of copy them.
void brazos_pages_map_peer(brazos_page_table *table, int node, const uint8_t *pages, uint64_t *shared_bits,
                           uint64_t *shared_summary);
/// Serves a fault on `page` (a write if `write`) as far as this process can: takes the
/// lock. Safe in a signal handler (memcpy, mprotect and futex only). Returns
/// BRAZOS_FAULT_SERVED, BRAZOS_FAULT_NEEDS_SERVICE or -errno (mprotect failed).
int brazos_pages_serve_fault(brazos_page_table *table, size_t page, int write);

/// Faults of registered threads are first served by `table` in the handler itself.
void brazos_fault_serve_with(brazos_page_table *table);

// MARK: Checksums of checkpoint files (crc32c.c)

/// CRC-32C (Castagnoli) of `length` bytes, continuing from `crc` (0 to start): the
/// SSE 4.2 instruction where the processor has it, a table otherwise.
uint32_t brazos_crc32c(uint32_t crc, const void *bytes, size_t length);

/// The CRC-32C of A followed by B from the CRC-32C of A, that of B and B's length: a
/// checksum taken once of a piece serves both its section's and its file's.
uint32_t brazos_crc32c_combine(uint32_t first, uint32_t second, size_t second_length);

/// A 64-bit digest of a page (CRC-32C and a multiplicative word hash), the same on every
/// processor: a checkpoint compares pages' digests to find those that changed.
uint64_t brazos_page_digest(const void *bytes, size_t length);

// MARK: Write protection for copy-on-write checkpoints (writeprotect.c)

/// A userfaultfd for write protection (blocking reads, close-on-exec), or -errno (EPERM
/// without privilege: vm.unprivileged_userfaultfd). Sets *protects_unpopulated to whether
/// pages never touched are protected too; if not, populate them first.
int brazos_wp_open(int *protects_unpopulated);
/// Registers whole pages [start, start+length) for write protection. 0 or -errno.
int brazos_wp_register(int fd, void *start, size_t length);
/// Write-protects the pages (protect != 0) or lifts the protection, which wakes the
/// threads waiting to write them. 0 or -errno.
int brazos_wp_set(int fd, void *start, size_t length, int protect);
/// Wakes threads waiting on a write fault in the range. 0 or -errno.
int brazos_wp_wake(int fd, void *start, size_t length);
/// Waits for the next event: 1 and the address of a write fault, 0 for another event,
/// or -errno.
int brazos_wp_next_fault(int fd, uintptr_t *address);
/// Makes every page of the range present and writable, changing no byte. 0 or -errno.
int brazos_populate_for_writing(void *start, size_t length);

#endif
