/*
 * Communicator management: MPI_Comm_dup (same group, own matching context:
 * a message on the dup is never received on the original), MPI_Comm_split with
 * colours and keys (ordering by key, ties by old rank, negative keys,
 * MPI_UNDEFINED giving MPI_COMM_NULL, splitting a split), MPI_Comm_compare
 * (IDENT, CONGRUENT, SIMILAR, UNEQUAL) and MPI_Comm_free (handle set to
 * MPI_COMM_NULL).  Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, r, s, result, i, sum;
    MPI_Comm dup, dup2, split, rev, sub, half;
    MPI_Status st;
    char what[128];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* MPI_Comm_dup */
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    CHECK(dup != MPI_COMM_NULL && dup != MPI_COMM_WORLD, "MPI_Comm_dup returned a predefined handle");
    MPI_Comm_rank(dup, &r);
    MPI_Comm_size(dup, &s);
    CHECK_INT(r, rank, "rank in a dup of MPI_COMM_WORLD");
    CHECK_INT(s, size, "size of a dup of MPI_COMM_WORLD");
    MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_WORLD, &result);
    CHECK_INT(result, MPI_IDENT, "MPI_Comm_compare(world, world)");
    MPI_Comm_compare(MPI_COMM_WORLD, dup, &result);
    CHECK_INT(result, MPI_CONGRUENT, "MPI_Comm_compare(world, dup)");
    MPI_Comm_dup(dup, &dup2);
    MPI_Comm_compare(dup, dup2, &result);
    CHECK_INT(result, MPI_CONGRUENT, "MPI_Comm_compare(dup, dup of dup)");

    /* Isolation: the same (source, tag) on world and on two dups, sent in the
       order dup2, world, dup and received in the reverse order with wildcards. */
    {
        int right = (rank + 1) % size, left = (rank + size - 1) % size, v;
        MPI_Request q[3];
        int a = 1, b = 2, c = 3;
        MPI_Isend(&c, 1, MPI_INT, right, 0, dup2, &q[0]);
        MPI_Isend(&a, 1, MPI_INT, right, 0, MPI_COMM_WORLD, &q[1]);
        MPI_Isend(&b, 1, MPI_INT, right, 0, dup, &q[2]);
        v = -1;
        MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &st);
        CHECK_INT(v, 2, "message received on the dup");
        CHECK_INT(st.MPI_SOURCE, left, "source of the message on the dup");
        v = -1;
        MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        CHECK_INT(v, 1, "message received on MPI_COMM_WORLD");
        v = -1;
        MPI_Recv(&v, 1, MPI_INT, left, 0, dup2, &st);
        CHECK_INT(v, 3, "message received on the dup of the dup");
        MPI_Waitall(3, q, MPI_STATUSES_IGNORE);
    }
    /* Collectives on a dup and the original interleave without mixing. */
    {
        int x = rank, y = 1, sx = -1, sy = -1;
        MPI_Allreduce(&x, &sx, 1, MPI_INT, MPI_SUM, dup);
        MPI_Allreduce(&y, &sy, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(sx, size * (size - 1) / 2, "MPI_Allreduce on the dup");
        CHECK_INT(sy, size, "MPI_Allreduce on MPI_COMM_WORLD after one on the dup");
    }

    /* MPI_Comm_split by colour rank % 3 with key -rank: within a colour the
       ranks are reversed. */
    MPI_Comm_split(MPI_COMM_WORLD, rank % 3, -rank, &split);
    MPI_Comm_rank(split, &r);
    MPI_Comm_size(split, &s);
    {
        int members = 0, above = 0;
        for (i = 0; i < size; i++)
            if (i % 3 == rank % 3) {
                members++;
                if (i > rank)
                    above++;
            }
        CHECK_INT(s, members, "size of a colour of MPI_Comm_split");
        CHECK_INT(r, above, "rank in a colour of MPI_Comm_split with key -rank");
        /* The members really are those of the colour: sum of world ranks. */
        sum = -1;
        MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, split);
        {
            int exp = 0;
            for (i = 0; i < size; i++)
                if (i % 3 == rank % 3)
                    exp += i;
            CHECK_INT(sum, exp, "sum of world ranks over a colour");
        }
    }
    if (size > 3) {
        MPI_Comm_compare(MPI_COMM_WORLD, split, &result);
        CHECK_INT(result, MPI_UNEQUAL, "MPI_Comm_compare(world, a colour)");
    }

    /* All the same key: order by old rank.  Reversed keys: MPI_SIMILAR. */
    MPI_Comm_split(MPI_COMM_WORLD, 7, 0, &sub);
    MPI_Comm_rank(sub, &r);
    CHECK_INT(r, rank, "rank after MPI_Comm_split with equal keys");
    MPI_Comm_compare(MPI_COMM_WORLD, sub, &result);
    CHECK_INT(result, MPI_CONGRUENT, "MPI_Comm_compare(world, split with one colour and equal keys)");
    MPI_Comm_split(MPI_COMM_WORLD, 0, size - rank, &rev);
    MPI_Comm_rank(rev, &r);
    CHECK_INT(r, size - 1 - rank, "rank after MPI_Comm_split with reversed keys");
    MPI_Comm_compare(MPI_COMM_WORLD, rev, &result);
    CHECK_INT(result, size > 1 ? MPI_SIMILAR : MPI_CONGRUENT, "MPI_Comm_compare(world, reversed)");

    /* Ties in the key broken by the rank in the old communicator: key rank / 2
       on the reversed communicator. */
    {
        MPI_Comm pairs;
        int rr;
        MPI_Comm_rank(rev, &rr);
        MPI_Comm_split(rev, 0, rr / 2, &pairs);
        MPI_Comm_rank(pairs, &r);
        CHECK_INT(r, rr, "rank after MPI_Comm_split with tied keys");
        MPI_Comm_free(&pairs);
    }

    /* MPI_UNDEFINED: ranks with it get MPI_COMM_NULL; the rest carry on. */
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2 == 0 ? 1 : MPI_UNDEFINED, rank, &half);
    if (rank % 2 == 0) {
        CHECK(half != MPI_COMM_NULL, "an even rank got MPI_COMM_NULL");
        if (half != MPI_COMM_NULL) {
            MPI_Comm_rank(half, &r);
            MPI_Comm_size(half, &s);
            CHECK_INT(r, rank / 2, "rank among the even ranks");
            CHECK_INT(s, (size + 1) / 2, "number of even ranks");
            /* Split again: the even ranks by rank / 2 % 2. */
            {
                MPI_Comm quarter;
                int qr, qs;
                MPI_Comm_split(half, r % 2, r, &quarter);
                MPI_Comm_rank(quarter, &qr);
                MPI_Comm_size(quarter, &qs);
                CHECK_INT(qr, r / 2, "rank after splitting a split");
                CHECK_INT(qs, r % 2 == 0 ? (s + 1) / 2 : s / 2, "size after splitting a split");
                MPI_Comm_free(&quarter);
            }
        }
    } else {
        snprintf(what, sizeof what, "rank %d split with MPI_UNDEFINED", rank);
        CHECK(half == MPI_COMM_NULL, "%s: did not get MPI_COMM_NULL", what);
    }
    /* Every rank undefined: everybody gets MPI_COMM_NULL. */
    {
        MPI_Comm none;
        MPI_Comm_split(MPI_COMM_WORLD, MPI_UNDEFINED, 0, &none);
        CHECK(none == MPI_COMM_NULL, "MPI_Comm_split with every colour MPI_UNDEFINED");
    }

    /* A dup of MPI_COMM_SELF. */
    {
        MPI_Comm self;
        MPI_Comm_dup(MPI_COMM_SELF, &self);
        MPI_Comm_size(self, &s);
        MPI_Comm_rank(self, &r);
        CHECK(s == 1 && r == 0, "dup of MPI_COMM_SELF has size %d rank %d", s, r);
        MPI_Comm_compare(MPI_COMM_SELF, self, &result);
        CHECK_INT(result, MPI_CONGRUENT, "MPI_Comm_compare(self, dup of self)");
        if (size > 1) {
            MPI_Comm_compare(MPI_COMM_WORLD, self, &result);
            CHECK_INT(result, MPI_UNEQUAL, "MPI_Comm_compare(world, dup of self)");
        }
        MPI_Comm_free(&self);
    }

    /* MPI_Comm_free sets the handle to MPI_COMM_NULL. */
    MPI_Comm_free(&dup2);
    MPI_Comm_free(&dup);
    MPI_Comm_free(&split);
    MPI_Comm_free(&sub);
    MPI_Comm_free(&rev);
    if (half != MPI_COMM_NULL)
        MPI_Comm_free(&half);
    CHECK(dup == MPI_COMM_NULL && dup2 == MPI_COMM_NULL && split == MPI_COMM_NULL
          && sub == MPI_COMM_NULL && rev == MPI_COMM_NULL && half == MPI_COMM_NULL,
          "MPI_Comm_free did not set a handle to MPI_COMM_NULL");

    /* Many communicators created and freed in turn (context ids recycled). */
    for (i = 0; i < 200; i++) {
        MPI_Comm c;
        int one = 1, n = 0;
        MPI_Comm_dup(MPI_COMM_WORLD, &c);
        if (i % 50 == 0) {
            MPI_Allreduce(&one, &n, 1, MPI_INT, MPI_SUM, c);
            CHECK_INT(n, size, "MPI_Allreduce on a freshly made dup");
        }
        MPI_Comm_free(&c);
    }

    return tu_finish();
}
