#define _GNU_SOURCE
#include "CBrazos.h"
#include <errno.h>
#include <signal.h>
#include <sys/un.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <unistd.h>

int brazos_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
int brazos_accept(int listener) { return accept4(listener, NULL, NULL, SOCK_CLOEXEC); }
int brazos_blocking_eventfd(void) { return eventfd(0, EFD_CLOEXEC); }

int brazos_memory_file(const char *name, size_t length) {
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)length) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

void *brazos_map_fixed(void *address, size_t length, int protection, int fd) {
    void *mapped = mmap(address, length, protection, MAP_SHARED | MAP_FIXED_NOREPLACE | MAP_NORESERVE, fd, 0);
    if (mapped == MAP_FAILED) return NULL;
    if (mapped != address) {  // kernels before 4.17 ignore the flag and map elsewhere
        munmap(mapped, length);
        errno = EEXIST;
        return NULL;
    }
    return mapped;
}

int brazos_wait_for_signal(const int *signals, int count, pid_t *sender) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    siginfo_t info;
    int signal;
    do { signal = sigwaitinfo(&set, &info); } while (signal < 0 && errno == EINTR);
    if (signal > 0 && sender) *sender = info.si_pid;
    return signal;
}

/* An abstract-namespace AF_UNIX stream address for `name` (no file; per network namespace). */
static socklen_t abstract_address(const char *name, struct sockaddr_un *address) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length > sizeof address->sun_path - 1) length = sizeof address->sun_path - 1;
    memcpy(address->sun_path + 1, name, length);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

int brazos_control_listen(const char *name) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = abstract_address(name, &address);
    if (bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, 8) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int brazos_control_connect(const char *name) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un address;
    socklen_t length = abstract_address(name, &address);
    if (connect(fd, (struct sockaddr *)&address, length) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

long brazos_peer_uid(int fd) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    return (long)credentials.uid;
}
