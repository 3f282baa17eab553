/*
 * api.c -- VeloC's API where it says no, and its selective calls, for
 * Tests/MultiNodeTests/VelocTests.swift. Written here. Run twice with the same checkpoint
 * directory: the first run (a fresh start) checks the refusals and saves checkpoint "api"
 * version 5 with regions 1 and 2 of three (VELOC_CKPT_REST), then a checkpoint one rank
 * calls unsuccessful, which fails on every rank; the second (brazosrun restart) checks
 * what VELOC_Restart_test finds and restores the regions one selection at a time.
 * Every check that fails prints it and ends the job with status 1.
 */
#include <mpi.h>
#include <veloc.h>
#include <stdio.h>
#include <stdlib.h>

#define CELLS 3000

static int rank;

static void expect(int condition, const char *what) {
    if (!condition) {
        fprintf(stderr, "api: rank %d: %s\n", rank, what);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char routed[VELOC_MAX_NAME];
    expect(VELOC_Mem_protect(1, &size, 1, sizeof size) == VELOC_FAILURE, "VELOC_Mem_protect before VELOC_Init");
    expect(VELOC_Init_single(rank, NULL) == VELOC_FAILURE, "VELOC_Init_single is refused");
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    expect(size == 1 || VELOC_Init(half, NULL) == VELOC_FAILURE, "VELOC_Init on part of the job is refused");
    MPI_Comm_free(&half);
    expect(VELOC_Init(MPI_COMM_WORLD, NULL) == VELOC_SUCCESS, "VELOC_Init");
    expect(VELOC_Init(MPI_COMM_WORLD, NULL) == VELOC_FAILURE, "a second VELOC_Init is refused");
    expect(VELOC_Mem_unprotect(9) == VELOC_FAILURE, "unprotecting a region never protected");
    expect(VELOC_Route_file("x", routed) == VELOC_FAILURE, "routing a file outside a phase");
    expect(VELOC_Checkpoint_end(1) == VELOC_FAILURE, "VELOC_Checkpoint_end without _begin");

    int *a = calloc(CELLS, sizeof(int)), *b = calloc(CELLS, sizeof(int)), *c = calloc(CELLS, sizeof(int));
    expect(a && b && c, "out of memory");
    expect(VELOC_Mem_protect(1, a, CELLS, sizeof(int)) == VELOC_SUCCESS && VELOC_Mem_protect(2, b, CELLS, sizeof(int)) == VELOC_SUCCESS &&
           VELOC_Mem_protect(3, c, CELLS, sizeof(int)) == VELOC_SUCCESS, "VELOC_Mem_protect");

    int version = VELOC_Restart_test("api", 0);
    if (version == VELOC_FAILURE) {
        for (int i = 0; i < CELLS; i++) { a[i] = rank * 100000 + i; b[i] = 7; c[i] = 9; }
        int rest[] = {3};
        expect(VELOC_Checkpoint_begin("api", 5) == VELOC_SUCCESS, "VELOC_Checkpoint_begin");
        expect(VELOC_Checkpoint_begin("api", 5) == VELOC_FAILURE, "a second VELOC_Checkpoint_begin is refused");
        expect(VELOC_Checkpoint_selective(VELOC_CKPT_REST, rest, 1) == VELOC_SUCCESS, "VELOC_Checkpoint_selective");
        expect(VELOC_Checkpoint_end(1) == VELOC_SUCCESS, "VELOC_Checkpoint_end");
        expect(VELOC_Checkpoint_wait() == VELOC_SUCCESS && VELOC_Checkpoint_finished() == VELOC_SUCCESS, "written after VELOC_Checkpoint_wait");
        /* Rank 1 did not manage its part: no rank may take this checkpoint. */
        expect(VELOC_Checkpoint_begin("api", 6) == VELOC_SUCCESS && VELOC_Checkpoint_mem() == VELOC_SUCCESS, "VELOC_Checkpoint_begin");
        expect(VELOC_Checkpoint_end(rank != 1) == (size > 1 ? VELOC_FAILURE : VELOC_SUCCESS), "a checkpoint one rank failed fails on all");
        expect(VELOC_Finalize(1) == VELOC_SUCCESS, "VELOC_Finalize");
        if (rank == 0) printf("api: first run ok\n");
    } else {
        expect(version == 5, "VELOC_Restart_test finds version 5");
        expect(VELOC_Restart_test("api", 5) == VELOC_FAILURE, "no version below 5");
        expect(VELOC_Restart_test("api", 6) == 5, "version 5 is below 6");
        expect(VELOC_Restart_test("other", 0) == VELOC_FAILURE, "no checkpoint of another name");
        expect(VELOC_Restart_begin("api", 4) == VELOC_FAILURE, "only the version restarted from can be restored");
        expect(VELOC_Restart_begin("api", 5) == VELOC_SUCCESS, "VELOC_Restart_begin");
        int three[] = {3}, one[] = {1};
        expect(VELOC_Recover_selective(VELOC_RECOVER_SOME, three, 1) == VELOC_FAILURE, "region 3 was not saved");
        expect(VELOC_Recover_selective(VELOC_RECOVER_SOME, one, 1) == VELOC_SUCCESS, "VELOC_Recover_selective of region 1");
        expect(a[CELLS - 1] == rank * 100000 + CELLS - 1 && b[0] == 0, "region 1 alone restored");
        expect(VELOC_Recover_selective(VELOC_RECOVER_REST, one, 1) == VELOC_SUCCESS, "VELOC_Recover_selective of the rest");
        expect(b[CELLS - 1] == 7 && c[0] == 0, "region 2 restored, region 3 as it was");
        expect(VELOC_Route_file("never-routed", routed) == VELOC_FAILURE, "a file the checkpoint does not have");
        expect(VELOC_Restart_end(1) == VELOC_SUCCESS, "VELOC_Restart_end");
        expect(VELOC_Finalize(0) == VELOC_SUCCESS, "VELOC_Finalize");
        if (rank == 0) printf("api: restart ok\n");
    }
    MPI_Finalize();
    free(a);
    free(b);
    free(c);
    return 0;
}
