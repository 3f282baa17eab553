// CRC-32C for checkpoint sections: cheap enough (several GB/s with SSE 4.2) that
// checking every byte of a checkpoint costs little next to writing it.
#include "CBrazos.h"
#include <stdint.h>
#include <pthread.h>
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

// Combining: appending B to A multiplies A's CRC by x^(8 * length of B) modulo the
// polynomial, and the products cancel the initial and final inversions of both. The
// polynomials are in the CRC's reflected order: bit 31 is x^0.
static uint32_t multiply_modulo(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
        if (a & bit) product ^= b;
        b = (b & 1) ? (b >> 1) ^ 0x82F63B78u : b >> 1;
    }
    return product;
}

// x^(8 * length) modulo the polynomial, by squaring: x^8, x^16, x^32, ...
static uint32_t shift_for(size_t length) {
    uint32_t result = 1u << 31, power = 1u << 23; // x^0 and x^8
    for (; length != 0; length >>= 1) {
        if (length & 1) result = multiply_modulo(power, result);
        power = multiply_modulo(power, power);
    }
    return result;
}

uint32_t brazos_crc32c_combine(uint32_t first, uint32_t second, size_t second_length) {
    return multiply_modulo(shift_for(second_length), first) ^ second;
}

#if defined(__x86_64__)
// Three lanes of 8 KiB each, combined: the instruction's latency is three cycles and it
// can start one a cycle, so one chain runs at a third of its speed; long pieces (pages
// being written to a checkpoint) go through three at once.
enum { crc_lane = 8192 };
static uint32_t lane_shift;
static pthread_once_t lane_shift_once = PTHREAD_ONCE_INIT;
static void make_lane_shift(void) { lane_shift = shift_for(crc_lane); }

__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *bytes, size_t length) {
    uint64_t wide = crc;
    if (length >= 3 * crc_lane) pthread_once(&lane_shift_once, make_lane_shift);
    for (; length >= 3 * crc_lane; bytes += 3 * crc_lane, length -= 3 * crc_lane) {
        // Register states: that of A followed by B is A's times the shift for B's length,
        // plus B's from zero.
        uint64_t second = 0, third = 0;
        for (size_t at = 0; at < crc_lane; at += 8) {
            uint64_t words[3];
            memcpy(&words[0], bytes + at, 8);
            memcpy(&words[1], bytes + crc_lane + at, 8);
            memcpy(&words[2], bytes + 2 * crc_lane + at, 8);
            wide = __builtin_ia32_crc32di(wide, words[0]);
            second = __builtin_ia32_crc32di(second, words[1]);
            third = __builtin_ia32_crc32di(third, words[2]);
        }
        wide = multiply_modulo(lane_shift, multiply_modulo(lane_shift, (uint32_t)wide) ^ (uint32_t)second) ^ (uint32_t)third;
    }
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
// Four lanes, word i in lane i mod 4, folded at the end: one chain of CRC and product is
// bound by their latency (3 and 4 cycles a word), four keep both units busy and the
// digest runs at memory speed, about twice as fast, which is most of what an
// incremental checkpoint costs.
__attribute__((target("sse4.2")))
static uint64_t page_digest_sse42(const uint8_t *bytes, size_t length) {
    uint64_t crc0 = 0xFFFFFFFFu, crc1 = 0xFFFFFFFFu, crc2 = 0xFFFFFFFFu, crc3 = 0xFFFFFFFFu;
    uint64_t mix0 = 0x243F6A8885A308D3ull, mix1 = 0x13198A2E03707344ull, mix2 = 0xA4093822299F31D0ull,
             mix3 = 0x082EFA98EC4E6C89ull;
    for (; length >= 32; bytes += 32, length -= 32) {
        uint64_t words[4];
        memcpy(words, bytes, 32);
        crc0 = __builtin_ia32_crc32di(crc0, words[0]);
        crc1 = __builtin_ia32_crc32di(crc1, words[1]);
        crc2 = __builtin_ia32_crc32di(crc2, words[2]);
        crc3 = __builtin_ia32_crc32di(crc3, words[3]);
        mix0 = word_mix(mix0, words[0]);
        mix1 = word_mix(mix1, words[1]);
        mix2 = word_mix(mix2, words[2]);
        mix3 = word_mix(mix3, words[3]);
    }
    // Each lane folded in at its own depth: lanes folded alike would cancel a change that
    // moves a word from one lane to the next (both CRCs and products are linear in it).
    uint64_t crc = 0xFFFFFFFFu, mix = 0x452821E638D01377ull;
    uint64_t crcs[4] = {crc0, crc1, crc2, crc3}, mixes[4] = {mix0, mix1, mix2, mix3};
    for (int lane = 0; lane < 4; lane++) {
        crc = __builtin_ia32_crc32di(crc, crcs[lane]);
        mix = word_mix(mix, mixes[lane]);
    }
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
