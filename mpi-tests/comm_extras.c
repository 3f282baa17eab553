/*
 * More communicator constructors and properties: MPI_Comm_get_name / _set_name
 * (MPI_COMM_WORLD and MPI_COMM_SELF named, others empty until named, copies not
 * named), MPI_Comm_split_type (MPI_COMM_TYPE_SHARED: ranks ordered by key, all on
 * one host; MPI_UNDEFINED gives MPI_COMM_NULL), MPI_Comm_idup started before a
 * message the peers need ahead of theirs, MPI_Comm_idup_with_info,
 * MPI_Comm_create_group over the even ranks, and with MPI 4
 * MPI_Comm_create_from_group and MPI_COMM_TYPE_HW_GUIDED, with MPI 4.1
 * MPI_COMM_TYPE_RESOURCE_GUIDED by a process set and MPI_COMM_TYPE_HW_UNGUIDED
 * (nested splits, the level named in the caller's info).  Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int rank, size, n, r, len, result, token, i;
    char name[MPI_MAX_OBJECT_NAME];
    MPI_Comm dup, shared, none, idup, idup2, evens;
    MPI_Request requests[2];
    MPI_Group world_group, even_group;
    MPI_Info info;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* Names. */
    MPI_Comm_get_name(MPI_COMM_WORLD, name, &len);
    CHECK(strcmp(name, "MPI_COMM_WORLD") == 0 && len == 14, "name of MPI_COMM_WORLD: '%s' (%d)", name, len);
    MPI_Comm_get_name(MPI_COMM_SELF, name, &len);
    CHECK(strcmp(name, "MPI_COMM_SELF") == 0 && len == 13, "name of MPI_COMM_SELF: '%s' (%d)", name, len);
    MPI_Comm_split(MPI_COMM_WORLD, 0, rank, &dup);
    MPI_Comm_set_name(dup, "a copy of the world");
    MPI_Comm_get_name(dup, name, &len);
    CHECK(strcmp(name, "a copy of the world") == 0 && len == 19, "name set: '%s' (%d)", name, len);
    MPI_Comm_free(&dup);

    /* Split by shared memory: every rank of the new communicator is on this host. */
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, -rank, MPI_INFO_NULL, &shared);
    MPI_Comm_size(shared, &n);
    MPI_Comm_rank(shared, &r);
    CHECK(n >= 1 && n <= size && r >= 0 && r < n, "shared communicator: rank %d of %d", r, n);
    {
        int *ranks = malloc((size_t) n * sizeof(int));
        MPI_Allgather(&rank, 1, MPI_INT, ranks, 1, MPI_INT, shared);
        for (i = 1; i < n; i++)
            CHECK(ranks[i] < ranks[i - 1], "shared communicator: ranks ordered by the key (-rank)");
        free(ranks);
    }
    MPI_Comm_free(&shared);
    MPI_Comm_split_type(MPI_COMM_WORLD, rank % 2 ? MPI_UNDEFINED : MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &none);
    if (rank % 2)
        CHECK(none == MPI_COMM_NULL, "MPI_UNDEFINED gives MPI_COMM_NULL");
    else if (none == MPI_COMM_NULL)
        FAIL("MPI_COMM_TYPE_SHARED gave MPI_COMM_NULL");
    else
        MPI_Comm_free(&none);

    /* idup started, then a message passed along a ring that the next rank waits for
       before it starts its own. */
    token = rank;
    MPI_Comm_idup(MPI_COMM_WORLD, &idup, &requests[0]);
    if (size > 1) {
        if (rank > 0)
            MPI_Recv(&token, 1, MPI_INT, rank - 1, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (rank < size - 1)
            MPI_Send(&token, 1, MPI_INT, rank + 1, 3, MPI_COMM_WORLD);
    }
    MPI_Wait(&requests[0], MPI_STATUS_IGNORE);
    /* (One at a time: Open MPI 4.1 now and then hangs with two idups outstanding.) */
    MPI_Info_create(&info);
    MPI_Info_set(info, "brazos_test_hint", "yes");
#if MPI_VERSION >= 4
    MPI_Comm_idup_with_info(MPI_COMM_WORLD, info, &idup2, &requests[1]);
#else
    MPI_Comm_idup(MPI_COMM_WORLD, &idup2, &requests[1]);
#endif
    MPI_Wait(&requests[1], MPI_STATUS_IGNORE);
    CHECK_INT(token, 0, "the token passed along during idup");
    MPI_Comm_compare(idup, MPI_COMM_WORLD, &result);
    CHECK_INT(result, MPI_CONGRUENT, "an idup compared with its parent");
    MPI_Allreduce(&rank, &n, 1, MPI_INT, MPI_SUM, idup);
    CHECK_INT(n, size * (size - 1) / 2, "allreduce over an idup");
    MPI_Allreduce(&rank, &n, 1, MPI_INT, MPI_SUM, idup2);
    CHECK_INT(n, size * (size - 1) / 2, "allreduce over an idup with info");
    MPI_Comm_free(&idup);
    MPI_Comm_free(&idup2);
    MPI_Info_free(&info);

    /* Comm_create_group over the even ranks: the odd ones do not call it. */
    MPI_Comm_group(MPI_COMM_WORLD, &world_group);
    {
        int range[1][3] = {{0, size - 1, 2}};
        MPI_Group_range_incl(world_group, 1, range, &even_group);
    }
    if (rank % 2 == 0) {
        MPI_Comm_create_group(MPI_COMM_WORLD, even_group, 9, &evens);
        MPI_Comm_size(evens, &n);
        CHECK_INT(n, (size + 1) / 2, "size of the even communicator");
        MPI_Comm_rank(evens, &r);
        CHECK_INT(r, rank / 2, "rank in the even communicator");
        MPI_Allreduce(&rank, &n, 1, MPI_INT, MPI_MAX, evens);
        CHECK_INT(n, (size - 1) / 2 * 2, "allreduce over the even communicator");
        MPI_Comm_free(&evens);
    }

#if MPI_VERSION >= 4
    if (rank % 2 == 0) {
        MPI_Comm_create_from_group(even_group, "brazos-comm-extras", MPI_INFO_NULL, MPI_ERRORS_RETURN, &evens);
        MPI_Comm_rank(evens, &r);
        CHECK_INT(r, rank / 2, "rank in the communicator from a group");
        MPI_Allreduce(&rank, &n, 1, MPI_INT, MPI_MAX, evens);
        CHECK_INT(n, (size - 1) / 2 * 2, "allreduce over the communicator from a group");
        MPI_Comm_free(&evens);
    }
    MPI_Info_create(&info);
    MPI_Info_set(info, "mpi_hw_resource_type", "mpi_shared_memory");
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, rank, info, &shared);
    CHECK(shared != MPI_COMM_NULL, "HW_GUIDED by mpi_shared_memory gave MPI_COMM_NULL");
    if (shared != MPI_COMM_NULL) {
        MPI_Info used;
        char value[MPI_MAX_INFO_VAL];
        int flag;
        MPI_Comm_get_info(shared, &used);
        len = MPI_MAX_INFO_VAL;
        MPI_Info_get_string(used, "mpi_hw_resource_type", &len, value, &flag);
        CHECK(flag && strcmp(value, "mpi_shared_memory") == 0, "the resource type in the new communicator's info");
        MPI_Info_free(&used);
        MPI_Comm_free(&shared);
    }
    MPI_Info_free(&info);
#endif
#ifdef MPI_COMM_TYPE_RESOURCE_GUIDED
    /* MPI 4.1: a process set guides the split; mpi://WORLD keeps everyone. */
    MPI_Info_create(&info);
    MPI_Info_set(info, "mpi_pset_name", "mpi://WORLD");
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_RESOURCE_GUIDED, size - rank, info, &shared);
    CHECK(shared != MPI_COMM_NULL, "RESOURCE_GUIDED by mpi://WORLD gave MPI_COMM_NULL");
    if (shared != MPI_COMM_NULL) {
        MPI_Comm_size(shared, &n);
        MPI_Comm_rank(shared, &r);
        CHECK(n == size && r == size - 1 - rank, "RESOURCE_GUIDED by mpi://WORLD: rank %d of %d", r, n);
        MPI_Comm_free(&shared);
    }
    MPI_Info_free(&info);
    /* HW_UNGUIDED: each split is strictly smaller, down to MPI_COMM_NULL, and the
     * caller's info names the level it chose (as mpi4py's testSplitTypeHWUnguided). */
    {
        MPI_Comm level = MPI_COMM_WORLD, next;
        for (int depth = 0; depth < 32; depth++) {
            int level_size, level_rank;
            MPI_Comm_size(level, &level_size);
            MPI_Comm_rank(level, &level_rank);
            MPI_Info_create(&info);
            MPI_Comm_split_type(level, MPI_COMM_TYPE_HW_UNGUIDED, level_rank, info, &next);
            if (next != MPI_COMM_NULL) {
                char value[MPI_MAX_INFO_VAL];
                int flag = 0;
                len = MPI_MAX_INFO_VAL;
                MPI_Info_get_string(info, "mpi_hw_resource_type", &len, value, &flag);
                CHECK(flag, "HW_UNGUIDED: no mpi_hw_resource_type in the caller's info");
                MPI_Comm_size(next, &n);
                CHECK(n < level_size, "HW_UNGUIDED gave %d ranks of %d", n, level_size);
            }
            MPI_Info_free(&info);
            if (level != MPI_COMM_WORLD)
                MPI_Comm_free(&level);
            if (next == MPI_COMM_NULL)
                break;
            level = next;
        }
    }
#endif

    MPI_Group_free(&even_group);
    MPI_Group_free(&world_group);
    return tu_finish();
}
