/*
 * Groups: MPI_Comm_group, MPI_Group_size, MPI_Group_rank (MPI_UNDEFINED for a
 * non-member), MPI_Group_incl (order given by the rank list), MPI_Group_excl
 * (order kept), MPI_Group_translate_ranks (MPI_UNDEFINED for ranks not in the
 * target, MPI_PROC_NULL kept), MPI_GROUP_EMPTY, MPI_Group_free (handle set to
 * MPI_GROUP_NULL).  Group equality is checked through MPI_Comm_compare of
 * communicators made from them.  Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, i, n, r, result;
    int *ranks, *out, *in;
    MPI_Group world, self, rev, evens, odds, g, none;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ranks = malloc((size_t) (size + 2) * sizeof(int));
    out = malloc((size_t) (size + 2) * sizeof(int));
    in = malloc((size_t) (size + 2) * sizeof(int));

    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Group_size(world, &n);
    CHECK_INT(n, size, "size of the group of MPI_COMM_WORLD");
    MPI_Group_rank(world, &r);
    CHECK_INT(r, rank, "rank in the group of MPI_COMM_WORLD");
    MPI_Comm_group(MPI_COMM_SELF, &self);
    MPI_Group_size(self, &n);
    CHECK_INT(n, 1, "size of the group of MPI_COMM_SELF");
    MPI_Group_rank(self, &r);
    CHECK_INT(r, 0, "rank in the group of MPI_COMM_SELF");

    /* MPI_GROUP_EMPTY */
    MPI_Group_size(MPI_GROUP_EMPTY, &n);
    CHECK_INT(n, 0, "size of MPI_GROUP_EMPTY");
    MPI_Group_rank(MPI_GROUP_EMPTY, &r);
    CHECK_INT(r, MPI_UNDEFINED, "rank in MPI_GROUP_EMPTY");

    /* Reversed world with MPI_Group_incl. */
    for (i = 0; i < size; i++)
        ranks[i] = size - 1 - i;
    MPI_Group_incl(world, size, ranks, &rev);
    MPI_Group_size(rev, &n);
    CHECK_INT(n, size, "size of the reversed group");
    MPI_Group_rank(rev, &r);
    CHECK_INT(r, size - 1 - rank, "rank in the reversed group");
    for (i = 0; i < size; i++) {
        in[i] = i;
        out[i] = -5;
    }
    MPI_Group_translate_ranks(rev, size, in, world, out);
    for (i = 0; i < size; i++)
        CHECK_INT(out[i], size - 1 - i, "translation from the reversed group to world");

    /* Evens with MPI_Group_incl, odds with MPI_Group_excl of the evens. */
    n = 0;
    for (i = 0; i < size; i += 2)
        ranks[n++] = i;
    MPI_Group_incl(world, n, ranks, &evens);
    MPI_Group_excl(world, n, ranks, &odds);
    MPI_Group_size(evens, &r);
    CHECK_INT(r, (size + 1) / 2, "size of the even group");
    MPI_Group_size(odds, &r);
    CHECK_INT(r, size / 2, "size of the odd group (MPI_Group_excl)");
    MPI_Group_rank(evens, &r);
    CHECK_INT(r, rank % 2 == 0 ? rank / 2 : MPI_UNDEFINED, "rank in the even group");
    MPI_Group_rank(odds, &r);
    CHECK_INT(r, rank % 2 == 1 ? rank / 2 : MPI_UNDEFINED, "rank in the odd group (order kept)");

    /* Translate world ranks into the odd group (empty with one process). */
    for (i = 0; i < size; i++) {
        in[i] = i;
        out[i] = -5;
    }
    MPI_Group_translate_ranks(world, size, in, odds, out);
    for (i = 0; i < size; i++) {
        snprintf(what, sizeof what, "world rank %d translated to the odd group", i);
        CHECK_INT(out[i], i % 2 == 1 ? i / 2 : MPI_UNDEFINED, what);
    }
    /* MPI_PROC_NULL translates to MPI_PROC_NULL (MPI-2.2), mixed with ranks. */
    in[0] = MPI_PROC_NULL;
    in[1] = 0;
    in[2] = MPI_PROC_NULL;
    out[0] = out[1] = out[2] = -5;
    MPI_Group_translate_ranks(evens, 3, in, rev, out);
    CHECK_INT(out[0], MPI_PROC_NULL, "MPI_PROC_NULL translated");
    CHECK_INT(out[1], size - 1, "rank 0 of the even group translated to the reversed group");
    CHECK_INT(out[2], MPI_PROC_NULL, "MPI_PROC_NULL translated (second)");

    /* Between the reversed group and the group of MPI_COMM_SELF. */
    in[0] = size - 1 - rank;
    out[0] = -5;
    MPI_Group_translate_ranks(rev, 1, in, self, out);
    CHECK_INT(out[0], 0, "own rank translated from the reversed group to self");
    if (size > 1) {
        in[0] = size - 1 - (rank + 1) % size;
        out[0] = -5;
        MPI_Group_translate_ranks(rev, 1, in, self, out);
        CHECK_INT(out[0], MPI_UNDEFINED, "another rank translated to self");
    }
    /* Zero ranks to translate is fine. */
    MPI_Group_translate_ranks(world, 0, in, self, out);

    /* Excluding everybody, or including nobody, gives an empty group. */
    for (i = 0; i < size; i++)
        ranks[i] = i;
    MPI_Group_excl(world, size, ranks, &none);
    MPI_Group_size(none, &n);
    CHECK_INT(n, 0, "size after excluding every rank");
    MPI_Group_rank(none, &r);
    CHECK_INT(r, MPI_UNDEFINED, "rank in a group with nobody");
    MPI_Group_free(&none);
    MPI_Group_incl(world, 0, ranks, &none);
    MPI_Group_size(none, &n);
    CHECK_INT(n, 0, "size after including no rank");
    MPI_Group_free(&none);
    /* Excluding nobody keeps the group. */
    MPI_Group_excl(world, 0, ranks, &g);
    MPI_Group_size(g, &n);
    CHECK_INT(n, size, "size after excluding no rank");
    MPI_Group_rank(g, &r);
    CHECK_INT(r, rank, "rank after excluding no rank");

    /* Groups compared through communicators made from them. */
    {
        MPI_Comm c1, c2;
        MPI_Comm_create(MPI_COMM_WORLD, g, &c1);
        MPI_Comm_compare(MPI_COMM_WORLD, c1, &result);
        CHECK_INT(result, MPI_CONGRUENT, "communicator of (world excluding nobody) vs world");
        MPI_Comm_create(MPI_COMM_WORLD, rev, &c2);
        MPI_Comm_compare(c1, c2, &result);
        CHECK_INT(result, size > 1 ? MPI_SIMILAR : MPI_CONGRUENT,
                  "communicator of world vs of the reversed group");
        MPI_Comm_free(&c1);
        MPI_Comm_free(&c2);
    }
    /* The group of a split communicator. */
    {
        MPI_Comm c;
        MPI_Group cg;
        MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &c);
        MPI_Comm_group(c, &cg);
        in[0] = 0;
        out[0] = -5;
        MPI_Group_translate_ranks(cg, 1, in, world, out);
        CHECK_INT(out[0], rank % 2, "world rank of rank 0 of a split");
        MPI_Group_free(&cg);
        MPI_Comm_free(&c);
    }

    MPI_Group_free(&g);
    MPI_Group_free(&evens);
    MPI_Group_free(&odds);
    MPI_Group_free(&rev);
    MPI_Group_free(&self);
    MPI_Group_free(&world);
    CHECK(g == MPI_GROUP_NULL && evens == MPI_GROUP_NULL && world == MPI_GROUP_NULL,
          "MPI_Group_free did not set the handle to MPI_GROUP_NULL");

    free(ranks);
    free(out);
    free(in);
    return tu_finish();
}
