/*
 * MPI_Comm_create: communicators from groups of MPI_COMM_WORLD and of a dup
 * (even ranks, a reversed subset, the whole group), MPI_COMM_NULL for the
 * processes outside the group and for MPI_GROUP_EMPTY, disjoint groups in one
 * call (MPI-2.2), and the new communicators working (ranks, sizes,
 * collectives, point-to-point).  Any number of processes.
 */
#include "testutil.h"

static void check_comm(MPI_Comm c, MPI_Group g, const char *what)
{
    int grank, gsize, r, s, wrank, sum, exp, i;
    int *in, *out;
    MPI_Group world;
    MPI_Group_rank(g, &grank);
    MPI_Group_size(g, &gsize);
    if (grank == MPI_UNDEFINED) {
        CHECK(c == MPI_COMM_NULL, "%s: a process outside the group got a communicator", what);
        return;
    }
    CHECK(c != MPI_COMM_NULL, "%s: a member of the group got MPI_COMM_NULL", what);
    if (c == MPI_COMM_NULL)
        return;
    MPI_Comm_rank(c, &r);
    MPI_Comm_size(c, &s);
    CHECK_INT(r, grank, what);
    CHECK_INT(s, gsize, what);
    /* Sum of the world ranks of the members, computed two ways. */
    MPI_Comm_rank(MPI_COMM_WORLD, &wrank);
    MPI_Allreduce(&wrank, &sum, 1, MPI_INT, MPI_SUM, c);
    in = malloc((size_t) gsize * sizeof(int));
    out = malloc((size_t) gsize * sizeof(int));
    for (i = 0; i < gsize; i++)
        in[i] = i;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Group_translate_ranks(g, gsize, in, world, out);
    exp = 0;
    for (i = 0; i < gsize; i++)
        exp += out[i];
    CHECK_INT(sum, exp, what);
    /* A ring inside the new communicator. */
    {
        int v = -1;
        MPI_Sendrecv(&wrank, 1, MPI_INT, (r + 1) % s, 0, &v, 1, MPI_INT, (r + s - 1) % s, 0, c,
                     MPI_STATUS_IGNORE);
        CHECK_INT(v, out[(r + s - 1) % s], what);
    }
    MPI_Group_free(&world);
    free(in);
    free(out);
}

int main(int argc, char **argv)
{
    int rank, size, i, n;
    int *ranks;
    MPI_Group world, evens, odds, revsub, mine;
    MPI_Comm dup, c;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ranks = malloc((size_t) size * sizeof(int));
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);

    n = 0;
    for (i = 0; i < size; i += 2)
        ranks[n++] = i;
    MPI_Group_incl(world, n, ranks, &evens);
    MPI_Group_excl(world, n, ranks, &odds);
    /* The upper ranks, reversed (at least one rank). */
    n = 0;
    for (i = size - 1; i >= size / 2; i--)
        ranks[n++] = i;
    MPI_Group_incl(world, n, ranks, &revsub);

    MPI_Comm_create(MPI_COMM_WORLD, evens, &c);
    check_comm(c, evens, "communicator of the even ranks");
    if (c != MPI_COMM_NULL)
        MPI_Comm_free(&c);
    MPI_Comm_create(dup, revsub, &c);
    check_comm(c, revsub, "communicator of the upper ranks reversed, from a dup");
    if (c != MPI_COMM_NULL)
        MPI_Comm_free(&c);
    MPI_Comm_create(dup, world, &c);
    check_comm(c, world, "communicator of the whole group, from a dup");
    if (c != MPI_COMM_NULL)
        MPI_Comm_free(&c);

    /* Disjoint groups in one call: evens get the even communicator, odds the
       odd one. */
    mine = rank % 2 == 0 ? evens : odds;
    MPI_Comm_create(MPI_COMM_WORLD, mine, &c);
    check_comm(c, mine, "communicator from disjoint groups in one call");
    if (c != MPI_COMM_NULL)
        MPI_Comm_free(&c);

    /* The empty group. */
    c = MPI_COMM_WORLD;
    MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_EMPTY, &c);
    CHECK(c == MPI_COMM_NULL, "MPI_Comm_create with MPI_GROUP_EMPTY did not give MPI_COMM_NULL");

    /* From a communicator made by MPI_Comm_create. */
    MPI_Comm_create(MPI_COMM_WORLD, revsub, &c);
    if (c != MPI_COMM_NULL) {
        MPI_Group cg, top;
        MPI_Comm c2;
        int one = 0;
        MPI_Comm_group(c, &cg);
        /* Its rank 0 alone. */
        MPI_Group_incl(cg, 1, &one, &top);
        MPI_Comm_create(c, top, &c2);
        check_comm(c2, top, "communicator of rank 0 of a created communicator");
        if (c2 != MPI_COMM_NULL)
            MPI_Comm_free(&c2);
        MPI_Group_free(&top);
        MPI_Group_free(&cg);
        MPI_Comm_free(&c);
    }

    MPI_Group_free(&evens);
    MPI_Group_free(&odds);
    MPI_Group_free(&revsub);
    MPI_Group_free(&world);
    MPI_Comm_free(&dup);
    free(ranks);
    return tu_finish();
}
