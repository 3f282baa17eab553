/*
 * Intercommunicators: MPI_Intercomm_create between the lower and upper halves of
 * MPI_COMM_WORLD; MPI_Comm_test_inter, _size (local), _remote_size, _remote_group;
 * point-to-point with remote ranks (status.MPI_SOURCE a remote rank, ANY_SOURCE);
 * MPI_Comm_dup (CONGRUENT), _idup (started before messages the other group waits
 * for), _split, _compare, _free and _disconnect of an intercommunicator; MPI_Intercomm_merge (the group passing high = 0 first); and,
 * with MPI 4, MPI_Intercomm_create_from_groups.  Two or more processes.
 */
#include "testutil.h"

static void check_remote(MPI_Comm inter, int remote_first, int remote_size, const char *what)
{
    int n, i, *ranks = malloc((size_t) remote_size * sizeof(int)), *world = malloc((size_t) remote_size * sizeof(int));
    MPI_Group remote, world_group;
    MPI_Comm_remote_size(inter, &n);
    CHECK(n == remote_size, "%s: remote size %d, expected %d", what, n, remote_size);
    MPI_Comm_remote_group(inter, &remote);
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    for (i = 0; i < remote_size; i++)
        ranks[i] = i;
    MPI_Group_translate_ranks(remote, remote_size, ranks, world_group, world);
    for (i = 0; i < remote_size; i++)
        CHECK(world[i] == remote_first + i, "%s: remote rank %d is world rank %d", what, i, world[i]);
    MPI_Group_free(&remote);
    MPI_Group_free(&world_group);
    free(ranks);
    free(world);
}

/* Every local rank i sends its world rank to remote rank i % rsize, and receives
   from each remote rank j with j % lsize == i. */
static void exchange(MPI_Comm inter, int world_rank, int remote_first, const char *what)
{
    int lrank, lsize, rsize, j, value, expected = 0;
    MPI_Status status;
    MPI_Request request;
    MPI_Comm_rank(inter, &lrank);
    MPI_Comm_size(inter, &lsize);
    MPI_Comm_remote_size(inter, &rsize);
    MPI_Isend(&world_rank, 1, MPI_INT, lrank % rsize, 5, inter, &request);
    for (j = 0; j < rsize; j++)
        if (j % lsize == lrank)
            expected++;
    for (j = 0; j < expected; j++) {
        MPI_Recv(&value, 1, MPI_INT, MPI_ANY_SOURCE, 5, inter, &status);
        CHECK(status.MPI_SOURCE % lsize == lrank, "%s: message from remote rank %d", what, status.MPI_SOURCE);
        CHECK(value == remote_first + status.MPI_SOURCE, "%s: remote rank %d sent %d", what, status.MPI_SOURCE, value);
    }
    MPI_Wait(&request, MPI_STATUS_IGNORE);
}

int main(int argc, char **argv)
{
    int rank, size, half, lower, flag, n, r, result, local_first, remote_first, remote_size;
    MPI_Comm local, inter, dup, split, merged;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("needs two processes");
        return tu_finish();
    }
    half = size / 2;
    lower = rank < half;
    local_first = lower ? 0 : half;
    remote_first = lower ? half : 0;
    remote_size = lower ? size - half : half;

    MPI_Comm_split(MPI_COMM_WORLD, lower, rank, &local);
    MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, remote_first, 7, &inter);
    MPI_Comm_test_inter(inter, &flag);
    CHECK_INT(flag, 1, "test_inter of an intercommunicator");
    MPI_Comm_test_inter(local, &flag);
    CHECK_INT(flag, 0, "test_inter of an intracommunicator");
    MPI_Comm_size(inter, &n);
    CHECK_INT(n, lower ? half : size - half, "local size of the intercommunicator");
    MPI_Comm_rank(inter, &r);
    CHECK_INT(r, rank - local_first, "rank in the intercommunicator");
    check_remote(inter, remote_first, remote_size, "intercommunicator");
    exchange(inter, rank, remote_first, "intercommunicator");

    MPI_Comm_compare(inter, MPI_COMM_WORLD, &result);
    CHECK_INT(result, MPI_UNEQUAL, "an intercommunicator compared with MPI_COMM_WORLD");
    MPI_Comm_dup(inter, &dup);
    MPI_Comm_compare(inter, dup, &result);
    CHECK_INT(result, MPI_CONGRUENT, "an intercommunicator compared with its duplicate");
    check_remote(dup, remote_first, remote_size, "duplicate");
    exchange(dup, rank, remote_first, "duplicate");
    MPI_Comm_free(&dup);

    /* idup: each group's rank 0 waits for a message from every other remote rank
       before it starts its idup; those ranks send it after starting theirs, so an
       idup that blocked would deadlock. */
    {
        int lrank, rsize, i, value;
        MPI_Request request;
        MPI_Comm_rank(inter, &lrank);
        MPI_Comm_remote_size(inter, &rsize);
        if (lrank == 0) {
            for (i = 1; i < rsize; i++) {
                MPI_Recv(&value, 1, MPI_INT, i, 4, inter, MPI_STATUS_IGNORE);
                CHECK_INT(value, remote_first + i, "message before idup");
            }
            MPI_Comm_idup(inter, &dup, &request);
            MPI_Wait(&request, MPI_STATUS_IGNORE);
        } else {
            MPI_Comm_idup(inter, &dup, &request);
            MPI_Send(&rank, 1, MPI_INT, 0, 4, inter);
            MPI_Wait(&request, MPI_STATUS_IGNORE);
        }
        MPI_Comm_compare(inter, dup, &result);
        CHECK_INT(result, MPI_CONGRUENT, "an intercommunicator compared with its idup");
        exchange(dup, rank, remote_first, "idup");
        MPI_Comm_free(&dup);
    }

    /* Split by parity of the world rank: both sides have even ranks; odd ones only if
       each half has one. */
    MPI_Comm_split(inter, rank % 2, rank, &split);
    if (split != MPI_COMM_NULL) {
        int rs;
        MPI_Comm_test_inter(split, &flag);
        CHECK_INT(flag, 1, "a split intercommunicator is one");
        MPI_Comm_remote_size(split, &rs);
        n = 0;
        for (r = remote_first; r < remote_first + remote_size; r++)
            if (r % 2 == rank % 2)
                n++;
        CHECK_INT(rs, n, "remote size of a split intercommunicator");
        MPI_Comm_free(&split);
    } else {
        for (n = 0, r = remote_first; r < remote_first + remote_size; r++)
            if (r % 2 == rank % 2)
                n++;
        CHECK_INT(n, 0, "MPI_COMM_NULL from split though the remote side has that colour");
    }

    /* Merge: the upper half passes high = 1, so the lower half comes first. */
    MPI_Intercomm_merge(inter, !lower, &merged);
    MPI_Comm_size(merged, &n);
    CHECK_INT(n, size, "size of the merged communicator");
    MPI_Comm_rank(merged, &r);
    CHECK_INT(r, rank, "rank in the merged communicator (lower half first)");
    MPI_Comm_test_inter(merged, &flag);
    CHECK_INT(flag, 0, "the merged communicator is an intracommunicator");
    MPI_Allreduce(&rank, &n, 1, MPI_INT, MPI_SUM, merged);
    CHECK_INT(n, size * (size - 1) / 2, "allreduce over the merged communicator");
    MPI_Comm_free(&merged);

    /* Merge the other way round. */
    MPI_Intercomm_merge(inter, lower, &merged);
    MPI_Comm_rank(merged, &r);
    CHECK_INT(r, lower ? (size - half) + rank : rank - half, "rank in the merged communicator (upper half first)");
    MPI_Comm_free(&merged);

    MPI_Comm_disconnect(&inter);
    CHECK(inter == MPI_COMM_NULL, "MPI_Comm_disconnect sets MPI_COMM_NULL");

#if MPI_VERSION >= 4
    {
        MPI_Group world_group, local_group, remote_group;
        int range[1][3];
        MPI_Comm_group(MPI_COMM_WORLD, &world_group);
        range[0][0] = local_first; range[0][1] = local_first + (lower ? half : size - half) - 1; range[0][2] = 1;
        MPI_Group_range_incl(world_group, 1, range, &local_group);
        range[0][0] = remote_first; range[0][1] = remote_first + remote_size - 1;
        MPI_Group_range_incl(world_group, 1, range, &remote_group);
        MPI_Intercomm_create_from_groups(local_group, 0, remote_group, 0, "brazos-intercomm-test", MPI_INFO_NULL, MPI_ERRORS_RETURN, &inter);
        check_remote(inter, remote_first, remote_size, "intercommunicator from groups");
        exchange(inter, rank, remote_first, "intercommunicator from groups");
        MPI_Comm_free(&inter);
        MPI_Group_free(&local_group);
        MPI_Group_free(&remote_group);
        MPI_Group_free(&world_group);
    }
#endif

    MPI_Comm_free(&local);
    return tu_finish();
}
