// CRC-32C for checkpoint sections: cheap enough (several GB/s with SSE 4.2) that
// checking every byte of a checkpoint costs little next to writing it.
#include "CBrazos.h"
#include <stdint.h>
#include <string.h>

static uint32_t table[256];

static void make_table(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
        table[byte] = crc;
    }
}

static uint32_t crc32c_table(uint32_t crc, const uint8_t *bytes, size_t length) {
    if (table[1] == 0) make_table();
    while (length--) crc = table[(crc ^ *bytes++) & 0xff] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *bytes, size_t length) {
    uint64_t wide = crc;
    for (; length >= 8; bytes += 8, length -= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        wide = __builtin_ia32_crc32di(wide, word);
    }
    uint32_t narrow = (uint32_t)wide;
    for (; length > 0; bytes++, length--) narrow = __builtin_ia32_crc32qi(narrow, *bytes);
    return narrow;
}
#endif

uint32_t brazos_crc32c(uint32_t crc, const void *bytes, size_t length) {
    crc = ~crc;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) return ~crc32c_sse42(crc, bytes, length);
#endif
    return ~crc32c_table(crc, bytes, length);
}
