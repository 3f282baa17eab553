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

// A page's digest for finding what changed between checkpoints: CRC-32C in the high half
// and the high half of a multiplicative hash of the 8-byte words in the low half. Two
// unrelated functions: the changes one of them misses (CRC's are linear, the product's
// are differences that cancel modulo 2^64) the other sees, so a changed page keeps its
// digest only by a 2^-64 chance, where a CRC alone would miss one change in 2^32.
static uint64_t word_mix(uint64_t mix, uint64_t word) { return (mix + word) * 0x9E3779B97F4A7C15ull; }

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint64_t page_digest_sse42(const uint8_t *bytes, size_t length) {
    uint64_t crc = 0xFFFFFFFFu, mix = 0x243F6A8885A308D3ull;
    for (; length >= 8; bytes += 8, length -= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        crc = __builtin_ia32_crc32di(crc, word);
        mix = word_mix(mix, word);
    }
    uint32_t narrow = (uint32_t)crc;
    for (; length > 0; bytes++, length--) {
        narrow = __builtin_ia32_crc32qi(narrow, *bytes);
        mix = word_mix(mix, *bytes);
    }
    return ((uint64_t)~narrow << 32) | (mix >> 32);
}
#endif

uint64_t brazos_page_digest(const void *bytes, size_t length) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) return page_digest_sse42(bytes, length);
#endif
    const uint8_t *at = bytes;
    uint64_t mix = 0x243F6A8885A308D3ull;
    size_t left = length;
    for (; left >= 8; at += 8, left -= 8) {
        uint64_t word;
        memcpy(&word, at, 8);
        mix = word_mix(mix, word);
    }
    for (; left > 0; at++, left--) mix = word_mix(mix, *at);
    return ((uint64_t)brazos_crc32c(0, bytes, length) << 32) | (mix >> 32);
}
