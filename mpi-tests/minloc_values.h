/*
 * minloc_values.h - the pair types, data and expected results shared by
 * minloc_maxloc.c (blocking) and icoll_minloc.c (non-blocking).
 */
#ifndef BRAZOS_MINLOC_VALUES_H
#define BRAZOS_MINLOC_VALUES_H

typedef struct { float v; int i; } float_int;
typedef struct { double v; int i; } double_int;
typedef struct { long v; int i; } long_int;
typedef struct { int v; int i; } two_int;

#define COUNT 6

/* Value of rank r at element e: element 0 has a unique minimum and maximum,
   element 1 is equal everywhere (a tie: index must be 0 after MINLOC/MAXLOC of
   index = rank, and the smallest given index in general), element 2 ties between
   two ranks, the rest vary. The index carried is 3*r + 1 (or r for element 1). */
static int val(int r, int e, int size)
{
    switch (e) {
    case 0: return (r * 5 + 3) % (2 * size + 1);
    case 1: return 42;
    case 2: return r == size - 1 || r == size / 2 ? -100 : r;
    default: return ((r + e) * 7) % 5 - r;
    }
}

static int idx_of(int r, int e)
{
    return e == 1 ? r : 3 * r + 1;
}

static void expect(int size, int e, int maxloc, int *v, int *ix)
{
    int r;
    *v = val(0, e, size);
    *ix = idx_of(0, e);
    for (r = 1; r < size; r++) {
        int x = val(r, e, size), j = idx_of(r, e);
        if ((maxloc ? x > *v : x < *v) || (x == *v && j < *ix)) {
            *v = x;
            *ix = j;
        }
    }
}

#endif /* BRAZOS_MINLOC_VALUES_H */
