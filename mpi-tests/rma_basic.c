/*
 * rma_basic.c - one-sided communication: windows made four ways, puts, gets and
 * accumulates (contiguous and strided target types) under fences, passive-target locks
 * (exclusive and shared, lock_all, flush) and post-start-complete-wait; fetch-and-op,
 * compare-and-swap, the request forms; window attributes and names; errors returned
 * (MPI_ERRORS_RETURN on the window) for an access past the window and outside an epoch.
 * MPI_Win_allocate_shared over MPI_COMM_TYPE_SHARED: loads of every part, and a store
 * into a neighbour's part through the address MPI_Win_shared_query gives.
 * Every rank checks what landed in its own window and what it read back.
 */
#include "testutil.h"

#define N 64

static void check_fence_put_get(MPI_Win win, int *mem, int rank, int size)
{
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    int out[N], back[N];
    for (int i = 0; i < N; i++) {
        mem[i] = -1;
        out[i] = rank * 1000 + i;
    }
    MPI_Win_fence(0, win);
    /* Each rank puts its row into its right neighbour's window. */
    MPI_Put(out, N, MPI_INT, right, 0, N, MPI_INT, win);
    MPI_Win_fence(0, win);
    for (int i = 0; i < N; i++)
        CHECK_INT(mem[i], left * 1000 + i, "fence put landed");
    /* And reads its left neighbour's window back. */
    MPI_Get(back, N, MPI_INT, left, 0, N, MPI_INT, win);
    MPI_Win_fence(0, win);
    for (int i = 0; i < N; i++)
        CHECK_INT(back[i], ((left + size - 1) % size) * 1000 + i, "fence get read");
}

static void check_strided_and_accumulate(MPI_Win win, int *mem, int rank, int size)
{
    MPI_Datatype every_other;
    MPI_Type_vector(N / 2, 1, 2, MPI_INT, &every_other);
    MPI_Type_commit(&every_other);
    int ones[N / 2];
    for (int i = 0; i < N / 2; i++)
        ones[i] = i + 1;
    for (int i = 0; i < N; i++)
        mem[i] = 0;
    MPI_Win_fence(0, win);
    /* Every rank adds to the even elements of every window. */
    for (int target = 0; target < size; target++)
        MPI_Accumulate(ones, N / 2, MPI_INT, target, 0, 1, every_other, MPI_SUM, win);
    MPI_Win_fence(0, win);
    for (int i = 0; i < N; i++)
        CHECK_INT(mem[i], i % 2 == 0 ? size * (i / 2 + 1) : 0, "accumulate of a strided target");
    MPI_Type_free(&every_other);
}

static void check_locks(MPI_Win win, int *mem, int rank, int size)
{
    for (int i = 0; i < N; i++)
        mem[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    /* Every rank increments a counter on rank 0 under an exclusive lock, many times. */
    for (int round = 0; round < 20; round++) {
        int value = 0;
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
        MPI_Get(&value, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
        MPI_Win_flush(0, win);
        value++;
        MPI_Put(&value, 1, MPI_INT, 0, 0, 1, MPI_INT, win);
        MPI_Win_unlock(0, win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        CHECK_INT(mem[0], 20 * size, "counter incremented under exclusive locks");
    /* Fetch-and-op under a shared lock, on every target at once. */
    MPI_Win_lock_all(0, win);
    for (int target = 0; target < size; target++) {
        int one = 1, old = -1;
        MPI_Fetch_and_op(&one, &old, MPI_INT, target, 1, MPI_SUM, win);
        MPI_Win_flush(target, win);
        CHECK(old >= 0 && old < size, "fetch-and-op's old value %d out of 0..%d", old, size - 1);
    }
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_INT(mem[1], size, "fetch-and-op from every rank");
    /* Compare-and-swap: only one rank wins each target's slot. */
    MPI_Win_lock_all(0, win);
    int mine = rank + 1, zero = 0, seen = -1;
    MPI_Compare_and_swap(&mine, &zero, &seen, MPI_INT, (rank + 1) % size, 2, win);
    MPI_Win_unlock_all(win);
    MPI_Barrier(MPI_COMM_WORLD);
    CHECK_INT(mem[2], (rank + size - 1) % size + 1, "compare-and-swap on an empty slot");
    CHECK_INT(seen, 0, "compare-and-swap's old value");
}

static void check_pscw(MPI_Win win, int *mem, int rank, int size)
{
    MPI_Group world, neighbours;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    for (int i = 0; i < N; i++)
        mem[i] = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    /* Expose to the left neighbour, access the right one. */
    int ranks[1] = {left};
    MPI_Group_incl(world, 1, ranks, &neighbours);
    MPI_Win_post(neighbours, 0, win);
    MPI_Group_free(&neighbours);
    ranks[0] = right;
    MPI_Group_incl(world, 1, ranks, &neighbours);
    MPI_Win_start(neighbours, 0, win);
    int value = 77 + rank;
    MPI_Put(&value, 1, MPI_INT, right, 3, 1, MPI_INT, win);
    MPI_Win_complete(win);
    MPI_Win_wait(win);
    CHECK_INT(mem[3], 77 + left, "put under post-start-complete-wait");
    MPI_Group_free(&neighbours);
    MPI_Group_free(&world);
}

static void check_requests(MPI_Win win, int *mem, int rank, int size)
{
    int right = (rank + 1) % size;
    for (int i = 0; i < N; i++)
        mem[i] = rank * 10 + i;
    MPI_Barrier(MPI_COMM_WORLD);
    int got[4] = {0, 0, 0, 0};
    MPI_Request request;
    MPI_Win_lock(MPI_LOCK_SHARED, right, 0, win);
    MPI_Rget(got, 4, MPI_INT, right, 4, 4, MPI_INT, win, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    for (int i = 0; i < 4; i++)
        CHECK_INT(got[i], right * 10 + 4 + i, "MPI_Rget's data once its request completed");
    MPI_Win_unlock(right, win);
}

static void check_errors(MPI_Win win, int rank, int size)
{
    int value = 1;
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    MPI_Win_fence(0, win);
    CHECK_CLASS(MPI_Put(&value, 1, MPI_INT, 0, N, 1, MPI_INT, win), MPI_ERR_RMA_RANGE, "put past the window");
    CHECK_CLASS(MPI_Put(&value, 1, MPI_INT, size, 0, 1, MPI_INT, win), MPI_ERR_RANK, "put to a rank outside the window");
    MPI_Win_fence(MPI_MODE_NOSUCCEED, win);
#ifndef OPEN_MPI
    /* Open MPI's osc components do not check for an epoch. */
    CHECK_CLASS(MPI_Put(&value, 1, MPI_INT, 0, 0, 1, MPI_INT, win), MPI_ERR_RMA_SYNC, "put outside an epoch");
#endif
    CHECK_CLASS(MPI_Win_unlock(0, win), MPI_ERR_RMA_SYNC, "unlock without lock");
    CHECK_CLASS(MPI_Win_lock(12345, 0, 0, win), MPI_ERR_LOCKTYPE, "lock of an unknown type");
    MPI_Win_set_errhandler(win, MPI_ERRORS_ARE_FATAL);
}

static void check_attributes(MPI_Win win, int *mem, int flavor)
{
    void *base = NULL;
    MPI_Aint *size = NULL;
    int *unit = NULL, *got_flavor = NULL, *model = NULL, flag = 0;
    MPI_Win_get_attr(win, MPI_WIN_BASE, &base, &flag);
    CHECK(flag && base == mem, "MPI_WIN_BASE is the window's memory");
    MPI_Win_get_attr(win, MPI_WIN_SIZE, &size, &flag);
    CHECK(flag && *size == (MPI_Aint) (N * sizeof(int)), "MPI_WIN_SIZE");
    MPI_Win_get_attr(win, MPI_WIN_DISP_UNIT, &unit, &flag);
    CHECK(flag && *unit == (int) sizeof(int), "MPI_WIN_DISP_UNIT");
    MPI_Win_get_attr(win, MPI_WIN_CREATE_FLAVOR, &got_flavor, &flag);
    CHECK(flag && *got_flavor == flavor, "MPI_WIN_CREATE_FLAVOR %d, expected %d", *got_flavor, flavor);
    MPI_Win_get_attr(win, MPI_WIN_MODEL, &model, &flag);
    CHECK(flag && (*model == MPI_WIN_UNIFIED || *model == MPI_WIN_SEPARATE), "MPI_WIN_MODEL");
    char name[MPI_MAX_OBJECT_NAME];
    int length = 0;
    MPI_Win_set_name(win, "rows");
    MPI_Win_get_name(win, name, &length);
    CHECK(length == 4 && strcmp(name, "rows") == 0, "window name '%s'", name);
    MPI_Group group;
    int group_size = 0, world_size = 0;
    MPI_Win_get_group(win, &group);
    MPI_Group_size(group, &group_size);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    CHECK_INT(group_size, world_size, "the window's group");
    MPI_Group_free(&group);
}

static void exercise(MPI_Win win, int *mem, int flavor, int rank, int size)
{
    check_attributes(win, mem, flavor);
    check_fence_put_get(win, mem, rank, size);
    check_strided_and_accumulate(win, mem, rank, size);
    check_locks(win, mem, rank, size);
    check_pscw(win, mem, rank, size);
    check_requests(win, mem, rank, size);
    check_errors(win, rank, size);
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* MPI_Win_create over the program's memory. */
    int *own = calloc(N, sizeof(int));
    MPI_Win win;
    MPI_Win_create(own, N * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    exercise(win, own, MPI_WIN_FLAVOR_CREATE, rank, size);
    MPI_Win_free(&win);
    CHECK(win == MPI_WIN_NULL, "MPI_Win_free sets the handle to MPI_WIN_NULL");
    free(own);

    /* MPI_Win_allocate. */
    int *allocated = NULL;
    MPI_Win_allocate(N * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &allocated, &win);
    CHECK(allocated != NULL, "MPI_Win_allocate gave memory");
    exercise(win, allocated, MPI_WIN_FLAVOR_ALLOCATE, rank, size);
    MPI_Win_free(&win);

    /* A dynamic window: every rank attaches a row and publishes its address. */
    int *row = calloc(N, sizeof(int));
    MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win);
    MPI_Win_attach(win, row, N * sizeof(int));
    MPI_Aint address, *addresses = malloc(size * sizeof(MPI_Aint));
    MPI_Get_address(row, &address);
    MPI_Allgather(&address, 1, MPI_AINT, addresses, 1, MPI_AINT, MPI_COMM_WORLD);
    int right = (rank + 1) % size, left = (rank + size - 1) % size, value = 500 + rank;
    MPI_Win_fence(0, win);
    MPI_Put(&value, 1, MPI_INT, right, addresses[right] + 5 * sizeof(int), 1, MPI_INT, win);
    MPI_Win_fence(0, win);
    CHECK_INT(row[5], 500 + left, "put into attached memory of a dynamic window");
    MPI_Win_detach(win, row);
    MPI_Win_free(&win);
    free(addresses);
    free(row);

    /* MPI_Win_allocate_shared among the ranks that share memory. */
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    int node_rank, node_size;
    MPI_Comm_rank(node, &node_rank);
    MPI_Comm_size(node, &node_size);
    int *part = NULL;
    MPI_Win_allocate_shared(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, node, &part, &win);
    MPI_Win_lock_all(0, win);
    for (int i = 0; i < 4; i++)
        part[i] = node_rank * 4 + i;
    MPI_Win_sync(win);
    MPI_Barrier(node);
    MPI_Win_sync(win);
    for (int peer = 0; peer < node_size; peer++) {
        MPI_Aint peer_size;
        int peer_unit, *peer_part = NULL;
        MPI_Win_shared_query(win, peer, &peer_size, &peer_unit, &peer_part);
        CHECK_INT(peer_size, 4 * sizeof(int), "shared part's size");
        CHECK_INT(peer_unit, sizeof(int), "shared part's displacement unit");
        for (int i = 0; i < 4; i++)
            CHECK_INT(peer_part[i], peer * 4 + i, "a shared part read by load");
    }
    /* A store into the right neighbour's part, through the address shared_query gave. */
    {
        int right = (node_rank + 1) % node_size, left = (node_rank + node_size - 1) % node_size;
        int right_unit, *right_part = NULL;
        MPI_Aint right_size;
        MPI_Win_shared_query(win, right, &right_size, &right_unit, &right_part);
        MPI_Barrier(node);
        right_part[0] = 1000 + node_rank;
        MPI_Win_sync(win);
        MPI_Barrier(node);
        MPI_Win_sync(win);
        CHECK_INT(part[0], 1000 + left, "a store by the left neighbour into this part");
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    MPI_Comm_free(&node);

    return tu_finish();
}
