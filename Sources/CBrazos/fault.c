// The page-fault path of the distributed shared memory. A SIGSEGV inside the shared
// region is served by the faulting thread itself where the page table allows (pages.c:
// a fault at the home, a twin, a page whose home is on this host); otherwise it is handed
// to the node's service thread (Swift), which fetches the page from its home, and the
// faulting thread sleeps on a futex meanwhile. Either way the instruction then runs
// again. The handler calls nothing but memcpy, mprotect(2), write(2) and futex(2): no
// Swift runtime, no malloc. A fault
// outside the region (or on a thread the runtime does not know) goes to the handler that
// was installed before, so an ordinary crash stays an ordinary crash.
#define _GNU_SOURCE
#include "CBrazos.h"
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static uintptr_t region_start, region_end;
static int notify_fd = -1;
static struct sigaction previous;
static __thread brazos_fault_slot *current_slot;
static brazos_page_table *page_table;

void brazos_fault_serve_with(brazos_page_table *table) { __atomic_store_n(&page_table, table, __ATOMIC_RELEASE); }

static void pass_on(int signal, siginfo_t *info, void *context) {
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(signal, info, context);
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(signal);
    } else {
        // Default action: restore it and return; the instruction faults again and the
        // process ends by SIGSEGV as it would have without us.
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigaction(signal, &fallback, NULL);
    }
}

static void on_fault(int signal, siginfo_t *info, void *context) {
    uintptr_t address = (uintptr_t)info->si_addr;
    brazos_fault_slot *slot = current_slot;
    if (address < region_start || address >= region_end || slot == NULL) {
        pass_on(signal, info, context);
        return;
    }
    int saved_errno = errno;
    ucontext_t *uc = (ucontext_t *)context;
    // Bit 1 of the page-fault error code: the access was a write.
    int write_access = (uc->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
    brazos_page_table *table = __atomic_load_n(&page_table, __ATOMIC_ACQUIRE);
    if (table && brazos_pages_serve_fault(table, (address - region_start) / 4096, write_access) == BRAZOS_FAULT_SERVED) {
        errno = saved_errno;
        return;
    }
    slot->write = (uint32_t)write_access;
    slot->address = address;
    __atomic_store_n(&slot->state, BRAZOS_FAULT_PENDING, __ATOMIC_RELEASE);
    uint64_t one = 1;
    while (write(notify_fd, &one, sizeof one) < 0 && errno == EINTR) {}
    while (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) == BRAZOS_FAULT_PENDING) {
        syscall(SYS_futex, &slot->state, FUTEX_WAIT_PRIVATE, BRAZOS_FAULT_PENDING, NULL, NULL, 0);
    }
    __atomic_store_n(&slot->state, BRAZOS_FAULT_IDLE, __ATOMIC_RELAXED);
    errno = saved_errno;
}

static int installed;

int brazos_fault_install(void *start, size_t length, int fd) {
    region_start = (uintptr_t)start;
    region_end = region_start + length;
    notify_fd = fd;
    // A table made for another region must not serve this one's faults.
    brazos_fault_serve_with(NULL);
    // Installed once: a second sigaction would make our own handler the "previous" one.
    if (installed) return 0;
    installed = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGSEGV, &action, &previous);
}

void brazos_fault_register_thread(brazos_fault_slot *slot) { current_slot = slot; }
brazos_fault_slot *brazos_fault_unregister_thread(void) {
    brazos_fault_slot *slot = current_slot;
    current_slot = NULL;
    return slot;
}
int brazos_fault_thread_registered(void) { return current_slot != NULL; }

void brazos_fault_resolve(brazos_fault_slot *slot) {
    __atomic_store_n(&slot->state, BRAZOS_FAULT_RESOLVED, __ATOMIC_RELEASE);
    syscall(SYS_futex, &slot->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
