/*
 * Blocking MPI_Send / MPI_Recv of every predefined datatype of the subset, and
 * of the pair types, at several counts (0, 1, 7, 1000 and, for a few types,
 * large messages), from rank 0 to every other rank and back.  Checks the data,
 * that nothing past the message is written, the status (source, tag) and
 * MPI_Get_count.  Needs at least 2 processes.
 */
#include "testutil.h"
#include <stdint.h>
#include <stdbool.h>

typedef struct {
    MPI_Datatype type;
    const char *name;
    int size;                   /* sizeof the C type */
    int big;                    /* 64-bit integer: use values that need the high bytes */
    int boolean;
    void (*set)(void *buf, int i, long long v);
    long long (*get)(const void *buf, int i);
} Kind;

#define ACCESSORS(T, tag) \
    static void set_##tag(void *b, int i, long long v) { ((T *) b)[i] = (T) v; } \
    static long long get_##tag(const void *b, int i) { return (long long) ((const T *) b)[i]; }

ACCESSORS(char, char)
ACCESSORS(signed char, schar)
ACCESSORS(unsigned char, uchar)
ACCESSORS(short, short)
ACCESSORS(unsigned short, ushort)
ACCESSORS(int, int)
ACCESSORS(unsigned, uint)
ACCESSORS(long, long)
ACCESSORS(unsigned long, ulong)
ACCESSORS(long long, llong)
ACCESSORS(unsigned long long, ullong)
ACCESSORS(float, float)
ACCESSORS(double, double)
ACCESSORS(long double, ldouble)
ACCESSORS(int8_t, i8)
ACCESSORS(int16_t, i16)
ACCESSORS(int32_t, i32)
ACCESSORS(int64_t, i64)
ACCESSORS(uint8_t, u8)
ACCESSORS(uint16_t, u16)
ACCESSORS(uint32_t, u32)
ACCESSORS(uint64_t, u64)
ACCESSORS(bool, bool)

#define K(mpi, T, tag, big, boolean) { mpi, #mpi, (int) sizeof(T), big, boolean, set_##tag, get_##tag }

static long long value(const Kind *k, int i, int seed)
{
    long long v = (i * 7 + seed) % 100;
    if (k->boolean)
        return v & 1;
    if (k->big)
        v += (long long) (i % 5 + 1) << 40;
    return v;
}

#define MAXCOUNT 100000
#define PAD 3
#define SENTINEL 0x5a

static int check_tail(const unsigned char *buf, size_t from, size_t to, const char *what)
{
    size_t j;
    for (j = from; j < to; j++) {
        if (buf[j] != SENTINEL) {
            FAIL("%s: byte %zu past the message was overwritten (0x%02x)", what, j, buf[j]);
            return 1;
        }
    }
    return 0;
}

/* One message of one predefined type: rank 0 -> peer, checked, peer -> rank 0 with
   new values, checked. */
static void exchange(const Kind *k, int count, int peer, int tag, unsigned char *sbuf,
                     unsigned char *rbuf)
{
    int rank, i, n, bad;
    MPI_Status st;
    char what[160];

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    snprintf(what, sizeof what, "%s count %d between 0 and %d", k->name, count, peer);

    if (rank == 0 || rank == peer) {
        int from = rank == 0 ? peer : 0;
        int seed_out = rank == 0 ? peer + tag : peer + tag + 1;
        int seed_in = rank == 0 ? peer + tag + 1 : peer + tag;

        if (rank == 0) {
            for (i = 0; i < count; i++)
                k->set(sbuf, i, value(k, i, seed_out));
            MPI_Send(sbuf, count, k->type, peer, tag, MPI_COMM_WORLD);
        }
        memset(rbuf, SENTINEL, (size_t) (count + PAD) * k->size);
        st.MPI_SOURCE = -7;
        st.MPI_TAG = -7;
        MPI_Recv(rbuf, count + PAD, k->type, from, tag, MPI_COMM_WORLD, &st);
        CHECK_INT(st.MPI_SOURCE, from, what);
        CHECK_INT(st.MPI_TAG, tag, what);
        n = -1;
        MPI_Get_count(&st, k->type, &n);
        CHECK_INT(n, count, what);
        bad = 0;
        for (i = 0; i < count && bad < 3; i++) {
            long long got = k->get(rbuf, i), exp = value(k, i, seed_in);
            if (got != exp) {
                FAIL("%s: element %d is %lld, expected %lld", what, i, got, exp);
                bad++;
            }
        }
        /* Only the message's bytes may be written; long double has padding
           bytes inside each element, so check whole elements after the end. */
        check_tail(rbuf, (size_t) count * k->size, (size_t) (count + PAD) * k->size, what);
        if (rank == peer) {
            for (i = 0; i < count; i++)
                k->set(sbuf, i, value(k, i, seed_out));
            MPI_Send(sbuf, count, k->type, 0, tag, MPI_COMM_WORLD);
        }
    }
}

typedef struct { float v; int i; } float_int;
typedef struct { double v; int i; } double_int;
typedef struct { long v; int i; } long_int;
typedef struct { int v; int i; } two_int;

#define PAIR_EXCHANGE(T, mpitype, peer, count, tag)                                   \
    do {                                                                             \
        T *s_ = (T *) sbuf, *r_ = (T *) rbuf;                                         \
        int i_, n_ = -1, from_ = rank == 0 ? (peer) : 0;                              \
        MPI_Status st_;                                                              \
        char w_[128];                                                                \
        snprintf(w_, sizeof w_, "%s count %d between 0 and %d", #mpitype, (count), (peer)); \
        if (rank == 0 || rank == (peer)) {                                            \
            if (rank == 0) {                                                         \
                for (i_ = 0; i_ < (count); i_++) {                                    \
                    s_[i_].v = i_ * 3 + (peer); s_[i_].i = -i_ - (peer);              \
                }                                                                    \
                MPI_Send(s_, (count), mpitype, (peer), (tag), MPI_COMM_WORLD);        \
            }                                                                        \
            memset(r_, SENTINEL, sizeof(T) * ((count) + PAD));                        \
            MPI_Recv(r_, (count) + PAD, mpitype, from_, (tag), MPI_COMM_WORLD, &st_); \
            MPI_Get_count(&st_, mpitype, &n_);                                        \
            CHECK_INT(n_, (count), w_);                                               \
            CHECK_INT(st_.MPI_SOURCE, from_, w_);                                     \
            for (i_ = 0; i_ < (count); i_++) {                                        \
                int add_ = rank == 0 ? 1 : 0;                                          \
                if (r_[i_].v != i_ * 3 + (peer) + add_ || r_[i_].i != -i_ - (peer) - add_) { \
                    FAIL("%s: pair %d is (%g, %d), expected (%d, %d)", w_, i_,         \
                         (double) r_[i_].v, r_[i_].i, i_ * 3 + (peer) + add_, -i_ - (peer) - add_); \
                    break;                                                           \
                }                                                                    \
            }                                                                        \
            if (rank == (peer)) {                                                     \
                for (i_ = 0; i_ < (count); i_++) {                                    \
                    s_[i_].v = r_[i_].v + 1; s_[i_].i = r_[i_].i - 1;                  \
                }                                                                    \
                MPI_Send(s_, (count), mpitype, 0, (tag), MPI_COMM_WORLD);             \
            }                                                                        \
        }                                                                            \
    } while (0)

int main(int argc, char **argv)
{
    static const int counts[] = { 0, 1, 7, 1000 };
    Kind kinds[] = {
        K(MPI_CHAR, char, char, 0, 0),
        K(MPI_SIGNED_CHAR, signed char, schar, 0, 0),
        K(MPI_UNSIGNED_CHAR, unsigned char, uchar, 0, 0),
        K(MPI_BYTE, unsigned char, uchar, 0, 0),
        K(MPI_SHORT, short, short, 0, 0),
        K(MPI_UNSIGNED_SHORT, unsigned short, ushort, 0, 0),
        K(MPI_INT, int, int, 0, 0),
        K(MPI_UNSIGNED, unsigned, uint, 0, 0),
        K(MPI_LONG, long, long, sizeof(long) == 8, 0),
        K(MPI_UNSIGNED_LONG, unsigned long, ulong, sizeof(long) == 8, 0),
        K(MPI_LONG_LONG, long long, llong, 1, 0),
        K(MPI_UNSIGNED_LONG_LONG, unsigned long long, ullong, 1, 0),
        K(MPI_FLOAT, float, float, 0, 0),
        K(MPI_DOUBLE, double, double, 0, 0),
        K(MPI_LONG_DOUBLE, long double, ldouble, 0, 0),
        K(MPI_INT8_T, int8_t, i8, 0, 0),
        K(MPI_INT16_T, int16_t, i16, 0, 0),
        K(MPI_INT32_T, int32_t, i32, 0, 0),
        K(MPI_INT64_T, int64_t, i64, 1, 0),
        K(MPI_UINT8_T, uint8_t, u8, 0, 0),
        K(MPI_UINT16_T, uint16_t, u16, 0, 0),
        K(MPI_UINT32_T, uint32_t, u32, 0, 0),
        K(MPI_UINT64_T, uint64_t, u64, 1, 0),
        K(MPI_C_BOOL, bool, bool, 0, 1),
    };
    int nkinds = (int) (sizeof kinds / sizeof kinds[0]);
    int rank, size, t, c, peer;
    unsigned char *sbuf, *rbuf;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }
    sbuf = malloc((size_t) (MAXCOUNT + PAD) * 16);
    rbuf = malloc((size_t) (MAXCOUNT + PAD) * 16);

    for (t = 0; t < nkinds; t++) {
        for (c = 0; c < (int) (sizeof counts / sizeof counts[0]); c++)
            for (peer = 1; peer < size; peer++)
                exchange(&kinds[t], counts[c], peer, t * 10 + c, sbuf, rbuf);
    }
    /* Large messages (several hundred KiB) of a few types, to the last rank. */
    exchange(&kinds[3], MAXCOUNT * 4, size - 1, 1001, sbuf, rbuf);      /* MPI_BYTE */
    exchange(&kinds[6], MAXCOUNT, size - 1, 1002, sbuf, rbuf);          /* MPI_INT */
    exchange(&kinds[13], MAXCOUNT, size - 1, 1003, sbuf, rbuf);         /* MPI_DOUBLE */

    for (c = 0; c < (int) (sizeof counts / sizeof counts[0]); c++) {
        for (peer = 1; peer < size; peer++) {
            PAIR_EXCHANGE(float_int, MPI_FLOAT_INT, peer, counts[c], 2000 + c);
            PAIR_EXCHANGE(double_int, MPI_DOUBLE_INT, peer, counts[c], 2010 + c);
            PAIR_EXCHANGE(long_int, MPI_LONG_INT, peer, counts[c], 2020 + c);
            PAIR_EXCHANGE(two_int, MPI_2INT, peer, counts[c], 2030 + c);
        }
    }

    /* MPI_STATUS_IGNORE is accepted by MPI_Recv. */
    if (rank == 0) {
        int v = 42;
        MPI_Send(&v, 1, MPI_INT, 1, 3000, MPI_COMM_WORLD);
    } else if (rank == 1) {
        int v = 0;
        MPI_Recv(&v, 1, MPI_INT, 0, 3000, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK_INT(v, 42, "value received with MPI_STATUS_IGNORE");
    }

    free(sbuf);
    free(rbuf);
    return tu_finish();
}
