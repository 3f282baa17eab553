// Write protection of a process's own memory through userfaultfd, for checkpoints that
// copy a page only when the program writes it (Checkpointing/ProtectedMemory). Unlike
// mprotect, a write by the kernel (read(2) into the buffer, a socket receive) waits for
// the page to be saved like one by the program, instead of failing with EFAULT; and the
// protection is a bit in the page table, so protecting 100 MiB does not split the
// mapping into thousands of areas.
#define _GNU_SOURCE
#include "CBrazos.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int brazos_wp_open(int *protects_unpopulated) {
    int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
    if (fd < 0) return -errno;
    // Ask for protection of pages never touched too (Linux 6.4); older kernels refuse the
    // feature, and the caller populates the pages first instead.
    struct uffdio_api api = {.api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED};
    *protects_unpopulated = 1;
    if (ioctl(fd, UFFDIO_API, &api) != 0) {
        // A refused UFFDIO_API leaves the descriptor unusable: start again without it.
        close(fd);
        fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
        if (fd < 0) return -errno;
        struct uffdio_api plain = {.api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP};
        *protects_unpopulated = 0;
        if (ioctl(fd, UFFDIO_API, &plain) != 0) {
            int error = errno;
            close(fd);
            return -error;
        }
    }
    return fd;
}

int brazos_wp_register(int fd, void *start, size_t length) {
    struct uffdio_register range = {.range = {.start = (uintptr_t)start, .len = length}, .mode = UFFDIO_REGISTER_MODE_WP};
    return ioctl(fd, UFFDIO_REGISTER, &range) == 0 ? 0 : -errno;
}

int brazos_wp_set(int fd, void *start, size_t length, int protect) {
    struct uffdio_writeprotect wp = {.range = {.start = (uintptr_t)start, .len = length},
                                     .mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0};
    while (ioctl(fd, UFFDIO_WRITEPROTECT, &wp) != 0) {
        if (errno != EAGAIN) return -errno;
    }
    return 0;
}

int brazos_wp_wake(int fd, void *start, size_t length) {
    struct uffdio_range range = {.start = (uintptr_t)start, .len = length};
    return ioctl(fd, UFFDIO_WAKE, &range) == 0 ? 0 : -errno;
}

int brazos_wp_next_fault(int fd, uintptr_t *address) {
    struct uffd_msg message;
    ssize_t got = read(fd, &message, sizeof message);
    if (got < 0) return -errno;
    if (got != sizeof message || message.event != UFFD_EVENT_PAGEFAULT) return 0;
    *address = (uintptr_t)message.arg.pagefault.address;
    return 1;
}

int brazos_populate_for_writing(void *start, size_t length) {
    return madvise(start, length, MADV_POPULATE_WRITE) == 0 ? 0 : -errno;
}
