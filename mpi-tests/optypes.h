/*
 * optypes.h - the predefined datatypes and reduction operations of the subset,
 * which (type, op) pairs MPI defines, and the values the reduction tests use:
 * small integers chosen so no sum or product overflows even the 8-bit types on
 * 8 processes, so floating-point results are exact in any order of evaluation.
 */
#ifndef BRAZOS_OPTYPES_H
#define BRAZOS_OPTYPES_H

#include "testutil.h"
#include <stdint.h>
#include <stdbool.h>

enum { CLS_INT, CLS_FLOAT, CLS_BOOL, CLS_BYTE };

typedef struct {
    MPI_Datatype type;
    const char *name;
    int size;
    int cls;
    int is_signed;
    void (*set)(void *buf, int i, long long v);
    long long (*get)(const void *buf, int i);
} OpKind;

#define OT_ACCESSORS(T, tag) \
    static inline void ot_set_##tag(void *b, int i, long long v) { ((T *) b)[i] = (T) v; } \
    static inline long long ot_get_##tag(const void *b, int i) { return (long long) ((const T *) b)[i]; }

OT_ACCESSORS(signed char, schar)
OT_ACCESSORS(unsigned char, uchar)
OT_ACCESSORS(short, short)
OT_ACCESSORS(unsigned short, ushort)
OT_ACCESSORS(int, int)
OT_ACCESSORS(unsigned, uint)
OT_ACCESSORS(long, long)
OT_ACCESSORS(unsigned long, ulong)
OT_ACCESSORS(long long, llong)
OT_ACCESSORS(unsigned long long, ullong)
OT_ACCESSORS(float, float)
OT_ACCESSORS(double, double)
OT_ACCESSORS(long double, ldouble)
OT_ACCESSORS(int8_t, i8)
OT_ACCESSORS(int16_t, i16)
OT_ACCESSORS(int32_t, i32)
OT_ACCESSORS(int64_t, i64)
OT_ACCESSORS(uint8_t, u8)
OT_ACCESSORS(uint16_t, u16)
OT_ACCESSORS(uint32_t, u32)
OT_ACCESSORS(uint64_t, u64)
OT_ACCESSORS(bool, bool)

#define OT_KIND(mpi, T, tag, cls, sgn) { mpi, #mpi, (int) sizeof(T), cls, sgn, ot_set_##tag, ot_get_##tag }

/* Fills kinds[] (at least 32 entries), returns how many. */
static inline int ot_kinds(OpKind *k)
{
    int n = 0;
    OpKind all[] = {
        OT_KIND(MPI_SIGNED_CHAR, signed char, schar, CLS_INT, 1),
        OT_KIND(MPI_UNSIGNED_CHAR, unsigned char, uchar, CLS_INT, 0),
        OT_KIND(MPI_SHORT, short, short, CLS_INT, 1),
        OT_KIND(MPI_UNSIGNED_SHORT, unsigned short, ushort, CLS_INT, 0),
        OT_KIND(MPI_INT, int, int, CLS_INT, 1),
        OT_KIND(MPI_UNSIGNED, unsigned, uint, CLS_INT, 0),
        OT_KIND(MPI_LONG, long, long, CLS_INT, 1),
        OT_KIND(MPI_UNSIGNED_LONG, unsigned long, ulong, CLS_INT, 0),
        OT_KIND(MPI_LONG_LONG, long long, llong, CLS_INT, 1),
        OT_KIND(MPI_UNSIGNED_LONG_LONG, unsigned long long, ullong, CLS_INT, 0),
        OT_KIND(MPI_INT8_T, int8_t, i8, CLS_INT, 1),
        OT_KIND(MPI_INT16_T, int16_t, i16, CLS_INT, 1),
        OT_KIND(MPI_INT32_T, int32_t, i32, CLS_INT, 1),
        OT_KIND(MPI_INT64_T, int64_t, i64, CLS_INT, 1),
        OT_KIND(MPI_UINT8_T, uint8_t, u8, CLS_INT, 0),
        OT_KIND(MPI_UINT16_T, uint16_t, u16, CLS_INT, 0),
        OT_KIND(MPI_UINT32_T, uint32_t, u32, CLS_INT, 0),
        OT_KIND(MPI_UINT64_T, uint64_t, u64, CLS_INT, 0),
        OT_KIND(MPI_FLOAT, float, float, CLS_FLOAT, 1),
        OT_KIND(MPI_DOUBLE, double, double, CLS_FLOAT, 1),
        OT_KIND(MPI_LONG_DOUBLE, long double, ldouble, CLS_FLOAT, 1),
        OT_KIND(MPI_C_BOOL, bool, bool, CLS_BOOL, 0),
        OT_KIND(MPI_BYTE, unsigned char, uchar, CLS_BYTE, 0),
    };
    for (n = 0; n < (int) (sizeof all / sizeof all[0]); n++)
        k[n] = all[n];
    return n;
}

enum { OP_SUM, OP_PROD, OP_MIN, OP_MAX, OP_LAND, OP_LOR, OP_LXOR, OP_BAND, OP_BOR, OP_BXOR, OP_COUNT };

static inline MPI_Op ot_op(int id)
{
    switch (id) {
    case OP_SUM: return MPI_SUM;
    case OP_PROD: return MPI_PROD;
    case OP_MIN: return MPI_MIN;
    case OP_MAX: return MPI_MAX;
    case OP_LAND: return MPI_LAND;
    case OP_LOR: return MPI_LOR;
    case OP_LXOR: return MPI_LXOR;
    case OP_BAND: return MPI_BAND;
    case OP_BOR: return MPI_BOR;
    default: return MPI_BXOR;
    }
}

static inline const char *ot_op_name(int id)
{
    static const char *names[] = { "MPI_SUM", "MPI_PROD", "MPI_MIN", "MPI_MAX", "MPI_LAND",
        "MPI_LOR", "MPI_LXOR", "MPI_BAND", "MPI_BOR", "MPI_BXOR" };
    return names[id];
}

/* Whether MPI defines op on the type (MPI-3.1 section 5.9.2). */
static inline int ot_valid(const OpKind *k, int op)
{
    switch (k->cls) {
    case CLS_INT:
        return 1;
    case CLS_FLOAT:
        return op == OP_SUM || op == OP_PROD || op == OP_MIN || op == OP_MAX;
    case CLS_BOOL:
        return op == OP_LAND || op == OP_LOR || op == OP_LXOR;
    default:                   /* MPI_BYTE */
        return op == OP_BAND || op == OP_BOR || op == OP_BXOR;
    }
}

/* The value rank r contributes at element i. */
static inline long long ot_input(const OpKind *k, int op, int r, int i)
{
    long long v;
    switch (op) {
    case OP_SUM:
        v = (r * 3 + i) % 11;
        return k->is_signed ? v - 5 : v;
    case OP_PROD:
        if (k->is_signed && (r + i) % 4 == 1)
            return -1;
        return (r + i) % 3 == 0 ? 2 : 1;
    case OP_MIN:
    case OP_MAX:
        v = (r * 37 + i * 11) % 50;
        return k->is_signed ? v - 20 : v;
    case OP_LAND:
    case OP_LOR:
    case OP_LXOR:
        if (k->cls == CLS_BOOL)
            return (r + i) % 3 != 0;
        return (r + i) % 3 == 0 ? 0 : (r % 2 ? 2 : 1);
    default:                   /* bitwise: a low byte pattern and bits near the top */
        v = (r * 0x3B + i * 0x11 + 0x5A) & 0x7F;
        if (k->size >= 2)
            v |= (long long) ((r + i) & 0x3F) << (8 * k->size - 8);
        return v;
    }
}

static inline long long ot_fold(int op, long long a, long long b)
{
    switch (op) {
    case OP_SUM: return a + b;
    case OP_PROD: return a * b;
    case OP_MIN: return a < b ? a : b;
    case OP_MAX: return a > b ? a : b;
    case OP_LAND: return (a != 0) && (b != 0);
    case OP_LOR: return (a != 0) || (b != 0);
    case OP_LXOR: return (a != 0) != (b != 0);
    case OP_BAND: return a & b;
    case OP_BOR: return a | b;
    default: return a ^ b;
    }
}

/* The reduction over ranks lo..hi-1 at element i, as the type holds it. */
static inline long long ot_expected(const OpKind *k, int op, int lo, int hi, int i)
{
    unsigned char tmp[16];
    long long acc = ot_input(k, op, lo, i);
    int r;
    for (r = lo + 1; r < hi; r++)
        acc = ot_fold(op, acc, ot_input(k, op, r, i));
    k->set(tmp, 0, acc);
    return k->get(tmp, 0);
}

static inline void ot_fill(const OpKind *k, int op, int r, void *buf, int count)
{
    int i;
    for (i = 0; i < count; i++)
        k->set(buf, i, ot_input(k, op, r, i));
}

#endif
