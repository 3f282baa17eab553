/*
 * heat.c -- a 1-D heat-diffusion program that checkpoints through VeloC's API (veloc.h),
 * for the tests of Tests/MultiNodeTests/VelocTests.swift. Written here.
 *
 *   heat [--cells C] [--steps S] [--every K] [--config FILE] [--points]
 *
 * Each rank holds C cells of a bar (protected regions 1 and 2, with the step counter as
 * region 0) and relaxes them for S steps by Jacobi sweeps, trading edge cells with its
 * neighbours. As VeloC's own examples do, it asks at the start whether the job restarted
 * (VELOC_Restart_test) and restores its regions if so (VELOC_Restart); every K steps it
 * takes checkpoint "heat" with the step as version, and routes a file into it (its rank
 * and step, checked when it comes back). At every step each rank also sends (step, rank)
 * to the next rank, received only at the next step: across each checkpoint a message is
 * in flight, which a restarted job must deliver exactly once from the saved channels.
 * With --points, every other step is an MPIX_Checkpoint_point (a checkpoint when
 * brazosrun asks). Rank 0 prints the bar's checksum, which no failure may change.
 */
#include <mpi.h>
#include <veloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, int rank) {
    fprintf(stderr, "heat: rank %d: %s\n", rank, what);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

static long option(int argc, char **argv, const char *name, long fallback) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return atol(argv[i + 1]);
    return fallback;
}

static const char *text_option(int argc, char **argv, const char *name) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

static int flag(int argc, char **argv, const char *name) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long cells = option(argc, argv, "--cells", 1000);
    int steps = (int)option(argc, argv, "--steps", 100);
    int every = (int)option(argc, argv, "--every", 0);
    int points = flag(argc, argv, "--points");
    if (VELOC_Init(MPI_COMM_WORLD, text_option(argc, argv, "--config")) != VELOC_SUCCESS) fail("VELOC_Init failed", rank);

    int next = (rank + 1) % size, previous = (rank + size - 1) % size;
    double *h = calloc((size_t)cells + 2, sizeof(double)), *g = calloc((size_t)cells + 2, sizeof(double));
    if (!h || !g) fail("out of memory", rank);
    if (rank == 0) h[1] = 1e6;
    int step = 0;
    if (VELOC_Mem_protect(0, &step, 1, sizeof(int)) != VELOC_SUCCESS ||
        VELOC_Mem_protect(1, h, (size_t)cells + 2, sizeof(double)) != VELOC_SUCCESS ||
        VELOC_Mem_protect(2, g, (size_t)cells + 2, sizeof(double)) != VELOC_SUCCESS) fail("VELOC_Mem_protect failed", rank);

    int version = VELOC_Restart_test("heat", 0);
    if (version > 0) {
        char routed[VELOC_MAX_NAME];
        if (VELOC_Restart_begin("heat", version) != VELOC_SUCCESS || VELOC_Recover_mem() != VELOC_SUCCESS)
            fail("the restart failed", rank);
        if (step != version) fail("the step counter is not the checkpoint's", rank);
        /* A checkpoint of VELOC_Checkpoint_end has the routed file; one of a checkpoint point has none. */
        int routes = every > 0 && version % every == 0;
        if (routes) {
            if (VELOC_Route_file("heat-state.txt", routed) != VELOC_SUCCESS) fail("the routed file did not come back", rank);
            FILE *file = fopen(routed, "r");
            int saved_rank = -1, saved_step = -1;
            if (!file || fscanf(file, "rank %d step %d", &saved_rank, &saved_step) != 2) fail("the routed file does not read back", rank);
            fclose(file);
            if (saved_rank != rank || saved_step != version) fail("the routed file is not the checkpoint's", rank);
        }
        if (VELOC_Restart_end(1) != VELOC_SUCCESS) fail("VELOC_Restart_end failed", rank);
        if (rank == 0) fprintf(stderr, "heat: resumed at step %d%s\n", version, routes ? ", routed file back" : "");
    }

    for (; step < steps;) {
        if (step > 0) {
            int message[2] = {-1, -1};
            MPI_Recv(message, 2, MPI_INT, previous, 10, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (message[0] != step - 1 || message[1] != previous) fail("a message in flight came wrong", rank);
        }
        double left = h[1], right = h[cells];
        if (size > 1) {
            MPI_Sendrecv(&h[1], 1, MPI_DOUBLE, previous, 11, &right, 1, MPI_DOUBLE, next, 11, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Sendrecv(&h[cells], 1, MPI_DOUBLE, next, 12, &left, 1, MPI_DOUBLE, previous, 12, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        h[0] = rank == 0 ? h[1] : left;
        h[cells + 1] = rank == size - 1 ? h[cells] : right;
        for (long i = 1; i <= cells; i++) g[i] = h[i] + 0.25 * (h[i - 1] - 2 * h[i] + h[i + 1]);
        double *swap = h; h = g; g = swap;
        /* h and g swapped places: the regions follow them. */
        VELOC_Mem_protect(1, h, (size_t)cells + 2, sizeof(double));
        VELOC_Mem_protect(2, g, (size_t)cells + 2, sizeof(double));
        int message[2] = {step, rank};
        MPI_Send(message, 2, MPI_INT, next, 10, MPI_COMM_WORLD);
        step++;
        if (every > 0 && step % every == 0) {
            char routed[VELOC_MAX_NAME];
            if (VELOC_Checkpoint_wait() != VELOC_SUCCESS || VELOC_Checkpoint_begin("heat", step) != VELOC_SUCCESS ||
                VELOC_Checkpoint_mem() != VELOC_SUCCESS || VELOC_Route_file("heat-state.txt", routed) != VELOC_SUCCESS)
                fail("the checkpoint failed", rank);
            FILE *file = fopen(routed, "w");
            if (!file || fprintf(file, "rank %d step %d\n", rank, step) < 0 || fclose(file) != 0) fail("cannot write the routed file", rank);
            if (VELOC_Checkpoint_end(1) != VELOC_SUCCESS) fail("VELOC_Checkpoint_end failed", rank);
        } else if (points) {
            int taken = 0;
            if (MPIX_Checkpoint_point(MPI_COMM_WORLD, "heat", step, &taken) != MPI_SUCCESS) fail("MPIX_Checkpoint_point failed", rank);
        }
    }
    int last[2] = {-1, -1}, extra = 0;
    MPI_Recv(last, 2, MPI_INT, previous, 10, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (last[0] != steps - 1 || last[1] != previous) fail("the last message came wrong", rank);
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &extra, MPI_STATUS_IGNORE);
    if (extra) fail("a message is left over: delivered twice?", rank);
    double local = 0, total = 0;
    for (long i = 1; i <= cells; i++) local += h[i] * (double)i;
    MPI_Reduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) printf("checksum: %.17g after %d steps, every message once\n", total, steps);
    VELOC_Finalize(1);
    MPI_Finalize();
    free(h);
    free(g);
    return 0;
}
