// The page table of the distributed shared memory, in C because the SIGSEGV handler
// serves faults with it: a fault that needs nothing from another host (a write to a valid
// copy, a fault at the home, a page whose home is a process of this host) is served by
// the faulting thread itself, with no wake-up of the service thread. The service thread
// (Swift) takes the same lock for every change of a page's state or protection.
//
// A home of this host is read through its memory file, mapped here read-only. Before
// copying a page the reader sets the page's bit in the home's sharing bitmap (and the
// bitmap word's bit in the summary): from then on the home tracks its writes to the page,
// and the writes it made while the page was unshared become write notices at its next
// release (`brazos_pages_absorb_shares`), as when a request over TCP shares a page.
#define _GNU_SOURCE
#include "CBrazos.h"
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { PAGE = 4096 };

typedef struct {
    const uint8_t *pages;
    uint64_t *shared_bits;
    uint64_t *shared_summary;
} peer_view;

struct brazos_page_table {
    uint32_t lock;
    int me;
    int node_limit;
    size_t pages;
    uint8_t *application;
    uint8_t *service;
    uint8_t *states;
    uint16_t *homes;
    uint64_t *dirty;
    size_t dirty_count;
    uint64_t *twinned;
    uint8_t *twins;
    uint64_t *shared_bits;
    uint64_t *shared_summary;
    peer_view *peers;
};

size_t brazos_pages_shared_words(size_t pages) { return (pages + 63) / 64; }
size_t brazos_pages_summary_words(size_t pages) { return (brazos_pages_shared_words(pages) + 63) / 64; }

static int bit(const uint64_t *bits, size_t index) { return (bits[index / 64] >> (index % 64)) & 1; }
static void set_bit(uint64_t *bits, size_t index) { bits[index / 64] |= (uint64_t)1 << (index % 64); }
static void clear_bit(uint64_t *bits, size_t index) { bits[index / 64] &= ~((uint64_t)1 << (index % 64)); }

brazos_page_table *brazos_pages_create(size_t pages, int me, int node_limit, uint8_t *application, uint8_t *service,
                                       uint64_t *shared_bits, uint64_t *shared_summary) {
    brazos_page_table *table = calloc(1, sizeof *table);
    if (!table) return NULL;
    size_t words = brazos_pages_shared_words(pages);
    table->me = me;
    table->node_limit = node_limit;
    table->pages = pages;
    table->application = application;
    table->service = service;
    table->shared_bits = shared_bits;
    table->shared_summary = shared_summary;
    table->states = calloc(pages, 1);
    table->homes = calloc(pages, sizeof *table->homes);
    table->dirty = calloc(words, sizeof(uint64_t));
    table->twinned = calloc(words, sizeof(uint64_t));
    table->peers = calloc((size_t)node_limit, sizeof(peer_view));
    // Twins live at their page's offset in a range as large as the region: no allocation
    // on the fault path, and memory only for pages ever twinned.
    void *twins = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (!table->states || !table->homes || !table->dirty || !table->twinned || !table->peers || twins == MAP_FAILED) {
        int saved = errno ? errno : ENOMEM;
        free(table->states), free(table->homes), free(table->dirty), free(table->twinned), free(table->peers);
        if (twins != MAP_FAILED) munmap(twins, pages * PAGE);
        free(table);
        errno = saved;
        return NULL;
    }
    table->twins = twins;
    return table;
}

// A futex mutex (0 free, 1 held, 2 held with waiters), which a signal handler may take:
// no thread holds it while it waits for anything but the lock itself.
void brazos_pages_lock(brazos_page_table *table) {
    uint32_t seen = 0;
    if (__atomic_compare_exchange_n(&table->lock, &seen, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    if (seen != 2) seen = __atomic_exchange_n(&table->lock, 2, __ATOMIC_ACQUIRE);
    while (seen != 0) {
        syscall(SYS_futex, &table->lock, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
        seen = __atomic_exchange_n(&table->lock, 2, __ATOMIC_ACQUIRE);
    }
}

void brazos_pages_unlock(brazos_page_table *table) {
    if (__atomic_exchange_n(&table->lock, 0, __ATOMIC_RELEASE) == 2) {
        syscall(SYS_futex, &table->lock, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

uint8_t brazos_pages_state(const brazos_page_table *table, size_t page) { return table->states[page]; }
void brazos_pages_set_state(brazos_page_table *table, size_t page, uint8_t state) { table->states[page] = state; }

int brazos_pages_protect(brazos_page_table *table, size_t first, size_t count, int protection) {
    if (count == 0) return 0;
    return mprotect(table->application + first * PAGE, count * PAGE, protection) == 0 ? 0 : -errno;
}

void brazos_pages_mark_dirty(brazos_page_table *table, size_t page) {
    if (!bit(table->dirty, page)) {
        set_bit(table->dirty, page);
        table->dirty_count += 1;
    }
}

void brazos_pages_clear_dirty(brazos_page_table *table, size_t page) {
    if (bit(table->dirty, page)) {
        clear_bit(table->dirty, page);
        table->dirty_count -= 1;
    }
}

size_t brazos_pages_dirty_count(const brazos_page_table *table) { return table->dirty_count; }

size_t brazos_pages_take_dirty(brazos_page_table *table, int64_t *out, size_t capacity) {
    size_t count = table->dirty_count;
    if (count > capacity) return count;
    size_t taken = 0;
    for (size_t word = 0; taken < count; word++) {
        uint64_t bits = table->dirty[word];
        table->dirty[word] = 0;
        while (bits) {
            out[taken++] = (int64_t)(word * 64 + (size_t)__builtin_ctzll(bits));
            bits &= bits - 1;
        }
    }
    table->dirty_count = 0;
    return count;
}

const uint8_t *brazos_pages_take_twin(brazos_page_table *table, size_t page) {
    if (!bit(table->twinned, page)) return NULL;
    clear_bit(table->twinned, page);
    return table->twins + page * PAGE;
}

static int missing(uint8_t state) { return state == BRAZOS_PAGE_UNTOUCHED || state == BRAZOS_PAGE_INVALID; }

size_t brazos_pages_fetch_run(const brazos_page_table *table, size_t page, int home) {
    size_t count = 1;
    while (count < BRAZOS_PAGE_BATCH && page + count < table->pages && brazos_pages_home(table, page + count) == home &&
           missing(table->states[page + count])) {
        count++;
    }
    return count;
}

int brazos_pages_is_shared(const brazos_page_table *table, size_t page) {
    return (__atomic_load_n(&table->shared_bits[page / 64], __ATOMIC_ACQUIRE) >> (page % 64)) & 1;
}

void brazos_pages_mark_shared(brazos_page_table *table, size_t page) {
    __atomic_fetch_or(&table->shared_bits[page / 64], (uint64_t)1 << (page % 64), __ATOMIC_SEQ_CST);
}

void brazos_pages_clear_shared(brazos_page_table *table, size_t page) {
    __atomic_fetch_and(&table->shared_bits[page / 64], ~((uint64_t)1 << (page % 64)), __ATOMIC_SEQ_CST);
}

int brazos_pages_absorb_shares(brazos_page_table *table) {
    size_t summaries = brazos_pages_summary_words(table->pages);
    for (size_t index = 0; index < summaries; index++) {
        // Cleared before the words are read: a bit set after this is seen at the next
        // release, and a reader that sets it copies after this release's writes.
        uint64_t flagged = __atomic_exchange_n(&table->shared_summary[index], 0, __ATOMIC_SEQ_CST);
        while (flagged) {
            size_t word = index * 64 + (size_t)__builtin_ctzll(flagged);
            flagged &= flagged - 1;
            uint64_t bits = __atomic_load_n(&table->shared_bits[word], __ATOMIC_SEQ_CST);
            while (bits) {
                size_t page = word * 64 + (size_t)__builtin_ctzll(bits);
                bits &= bits - 1;
                if (page >= table->pages || table->states[page] != BRAZOS_PAGE_WRITABLE) continue;
                if (brazos_pages_home(table, page) != table->me) continue;
                int failed = brazos_pages_protect(table, page, 1, PROT_READ);
                if (failed) return failed;
                table->states[page] = BRAZOS_PAGE_READ_ONLY;
                brazos_pages_mark_dirty(table, page);
            }
        }
    }
    return 0;
}

int brazos_pages_home(const brazos_page_table *table, size_t page) {
    return __atomic_load_n(&table->homes[page], __ATOMIC_RELAXED);
}

void brazos_pages_set_home(brazos_page_table *table, size_t page, int home) {
    __atomic_store_n(&table->homes[page], (uint16_t)home, __ATOMIC_RELAXED);
}

void brazos_pages_map_peer(brazos_page_table *table, int node, const uint8_t *pages, uint64_t *shared_bits,
                           uint64_t *shared_summary) {
    if (node < 0 || node >= table->node_limit) return;
    brazos_pages_lock(table);
    table->peers[node] = (peer_view){pages, shared_bits, shared_summary};
    brazos_pages_unlock(table);
}

// Copies `page` and the pages after it with the same home and no valid copy here from
// the home's memory file, read-only. The sharing bits go first, so that the home tracks
// every write it makes after the copy.
static int copy_from_peer(brazos_page_table *table, size_t page, const peer_view *peer, int home) {
    size_t count = brazos_pages_fetch_run(table, page, home);
    for (size_t index = page; index < page + count; index++) {
        uint64_t mask = (uint64_t)1 << (index % 64);
        uint64_t before = __atomic_fetch_or(&peer->shared_bits[index / 64], mask, __ATOMIC_SEQ_CST);
        if (!(before & mask)) {
            size_t word = index / 64;
            __atomic_fetch_or(&peer->shared_summary[word / 64], (uint64_t)1 << (word % 64), __ATOMIC_SEQ_CST);
        }
    }
    memcpy(table->service + page * PAGE, peer->pages + page * PAGE, count * PAGE);
    int failed = brazos_pages_protect(table, page, count, PROT_READ);
    if (failed) return failed;
    memset(table->states + page, BRAZOS_PAGE_READ_ONLY, count);
    return 0;
}

static int serve_locked(brazos_page_table *table, size_t page, int write) {
    int home = brazos_pages_home(table, page);
    uint8_t state = table->states[page];
    if (home == table->me) {
        // The master copy is here; only writes to a page others hold need a notice.
        if (brazos_pages_is_shared(table, page) && !write) {
            if (state == BRAZOS_PAGE_WRITABLE || state == BRAZOS_PAGE_READ_ONLY) return BRAZOS_FAULT_SERVED;
            int failed = brazos_pages_protect(table, page, 1, PROT_READ);
            if (failed) return failed;
            table->states[page] = BRAZOS_PAGE_READ_ONLY;
            return BRAZOS_FAULT_SERVED;
        }
        if (state == BRAZOS_PAGE_WRITABLE) return BRAZOS_FAULT_SERVED;
        if (brazos_pages_is_shared(table, page)) brazos_pages_mark_dirty(table, page);
        int failed = brazos_pages_protect(table, page, 1, PROT_READ | PROT_WRITE);
        if (failed) return failed;
        table->states[page] = BRAZOS_PAGE_WRITABLE;
        return BRAZOS_FAULT_SERVED;
    }
    if (state == BRAZOS_PAGE_FLUSHING) return BRAZOS_FAULT_NEEDS_SERVICE;
    if (missing(state)) {
        const peer_view *peer = home >= 0 && home < table->node_limit ? &table->peers[home] : NULL;
        if (!peer || !peer->pages) return BRAZOS_FAULT_NEEDS_SERVICE;
        int failed = copy_from_peer(table, page, peer, home);
        if (failed) return failed;
        state = BRAZOS_PAGE_READ_ONLY;
    }
    if (write && state != BRAZOS_PAGE_WRITABLE) {
        memcpy(table->twins + page * PAGE, table->service + page * PAGE, PAGE);
        set_bit(table->twinned, page);
        brazos_pages_mark_dirty(table, page);
        int failed = brazos_pages_protect(table, page, 1, PROT_READ | PROT_WRITE);
        if (failed) return failed;
        table->states[page] = BRAZOS_PAGE_WRITABLE;
    }
    return BRAZOS_FAULT_SERVED;
}

int brazos_pages_serve_fault(brazos_page_table *table, size_t page, int write) {
    if (page >= table->pages) return BRAZOS_FAULT_NEEDS_SERVICE;
    brazos_pages_lock(table);
    int outcome = serve_locked(table, page, write);
    brazos_pages_unlock(table);
    return outcome;
}
