/*
 * Group operations: MPI_Group_union, _intersection, _difference (order: the first
 * group's, then the second's), _range_incl and _range_excl (strides of either sign),
 * MPI_Group_compare (IDENT, SIMILAR, UNEQUAL), MPI_GROUP_EMPTY results, and
 * MPI_Group_translate_ranks through the results.  Any number of processes.
 */
#include "testutil.h"

static void check_members(MPI_Group group, MPI_Group world, int n, const int *expected, const char *what)
{
    int size, i, *ranks = malloc((size_t) (n + 1) * sizeof(int)), *out = malloc((size_t) (n + 1) * sizeof(int));
    MPI_Group_size(group, &size);
    CHECK_INT(size, n, what);
    if (size == n) {
        for (i = 0; i < n; i++)
            ranks[i] = i;
        MPI_Group_translate_ranks(group, n, ranks, world, out);
        for (i = 0; i < n; i++)
            if (out[i] != expected[i])
                FAIL("%s: member %d is world rank %d, expected %d", what, i, out[i], expected[i]);
    }
    free(ranks);
    free(out);
}

int main(int argc, char **argv)
{
    int rank, size, i, n, result, r;
    int *expected, ranges[3][3];
    MPI_Group world, evens, low, g;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    expected = malloc((size_t) (2 * size + 2) * sizeof(int));
    MPI_Comm_group(MPI_COMM_WORLD, &world);

    /* evens: 0, 2, 4, ... by a range; low: the first half, highest first. */
    ranges[0][0] = 0; ranges[0][1] = size - 1; ranges[0][2] = 2;
    MPI_Group_range_incl(world, 1, ranges, &evens);
    for (n = 0, i = 0; i < size; i += 2)
        expected[n++] = i;
    check_members(evens, world, n, expected, "range_incl of the even ranks");
    MPI_Group_rank(evens, &r);
    CHECK_INT(r, rank % 2 == 0 ? rank / 2 : MPI_UNDEFINED, "rank in the even group");

    ranges[0][0] = (size - 1) / 2; ranges[0][1] = 0; ranges[0][2] = -1;
    MPI_Group_range_incl(world, 1, ranges, &low);
    for (n = 0, i = (size - 1) / 2; i >= 0; i--)
        expected[n++] = i;
    check_members(low, world, n, expected, "range_incl with a negative stride");

    /* union: evens, then the low ranks not even (in low's order). */
    MPI_Group_union(evens, low, &g);
    for (n = 0, i = 0; i < size; i += 2)
        expected[n++] = i;
    for (i = (size - 1) / 2; i >= 0; i--)
        if (i % 2)
            expected[n++] = i;
    check_members(g, world, n, expected, "union");
    MPI_Group_free(&g);

    MPI_Group_intersection(low, evens, &g);
    for (n = 0, i = (size - 1) / 2; i >= 0; i--)
        if (i % 2 == 0)
            expected[n++] = i;
    check_members(g, world, n, expected, "intersection (in the first group's order)");
    MPI_Group_free(&g);

    MPI_Group_difference(world, evens, &g);
    for (n = 0, i = 1; i < size; i += 2)
        expected[n++] = i;
    check_members(g, world, n, expected, "difference");
    if (size == 1)
        CHECK(g == MPI_GROUP_EMPTY, "an empty difference is MPI_GROUP_EMPTY");
    if (g != MPI_GROUP_EMPTY)
        MPI_Group_free(&g);

    /* range_excl of two ranges: the evens and rank 1 leave the odd ranks from 3. */
    ranges[0][0] = 0; ranges[0][1] = size - 1; ranges[0][2] = 2;
    n = 1;
    if (size > 1) {
        ranges[1][0] = 1; ranges[1][1] = 1; ranges[1][2] = 1;
        n = 2;
    }
    MPI_Group_range_excl(world, n, ranges, &g);
    for (n = 0, i = 3; i < size; i += 2)
        expected[n++] = i;
    check_members(g, world, n, expected, "range_excl");
    if (g != MPI_GROUP_EMPTY)
        MPI_Group_free(&g);

    /* compare */
    MPI_Group_compare(world, world, &result);
    CHECK_INT(result, MPI_IDENT, "world compared with itself");
    for (i = 0; i < size; i++)
        expected[i] = size - 1 - i;
    MPI_Group_incl(world, size, expected, &g);
    MPI_Group_compare(world, g, &result);
    CHECK_INT(result, size == 1 ? MPI_IDENT : MPI_SIMILAR, "world compared with its reverse");
    MPI_Group_free(&g);
    MPI_Group_union(evens, world, &g);
    MPI_Group_compare(world, g, &result);
    CHECK_INT(result, size <= 2 ? MPI_IDENT : MPI_SIMILAR, "world compared with evens + world");
    MPI_Group_free(&g);
    MPI_Group_compare(world, evens, &result);
    CHECK_INT(result, size == 1 ? MPI_IDENT : MPI_UNEQUAL, "world compared with the evens");
    MPI_Group_compare(MPI_GROUP_EMPTY, MPI_GROUP_EMPTY, &result);
    CHECK_INT(result, MPI_IDENT, "MPI_GROUP_EMPTY compared with itself");
    MPI_Group_intersection(evens, MPI_GROUP_EMPTY, &g);
    MPI_Group_size(g, &n);
    CHECK_INT(n, 0, "intersection with MPI_GROUP_EMPTY");
    MPI_Group_compare(g, MPI_GROUP_EMPTY, &result);
    CHECK_INT(result, MPI_IDENT, "an empty intersection compared with MPI_GROUP_EMPTY");
    if (g != MPI_GROUP_EMPTY)
        MPI_Group_free(&g);

    MPI_Group_free(&evens);
    MPI_Group_free(&low);
    MPI_Group_free(&world);
    free(expected);
    return tu_finish();
}
