/*
 * coll.c - collective MPI benchmark, at whatever process count it is run with.
 * One source for both sides of the Brazos-vs-OpenMPI comparison: scripts/bench-coll
 * compiles it with mpicc (OpenMPI) and with .build/release/brazoscc (Brazos) and runs
 * the two binaries interleaved at 2, 4 and 8 ranks.
 *
 * Build:  mpicc -O2 -o coll-mpi coll.c           (or brazoscc -O2 ...)
 * Run:    mpirun -n N ./coll-mpi [--quick]       (or brazosrun -n N ...)
 *
 * MPI calls used: Init, Finalize, Comm_rank, Comm_size, Barrier, Bcast,
 * Allreduce (MPI_DOUBLE with MPI_SUM; MPI_MAX for the results), Alltoall (MPI_BYTE),
 * Wtime, Abort.
 *
 * Output (rank 0 only, one line per row, flushed line by line):
 *   <operation> <bytes> <microseconds>
 *     barrier   0                                      bytes is always 0
 *     bcast     8, 65536, 4194304                      message size, root 0
 *     allreduce 8, 65536, 1048576, 16777216            vector of doubles, MPI_SUM
 *     alltoall  1024                                   bytes sent to EACH peer
 * e.g. "bcast 65536 12.345". On a content mismatch the rank that sees it prints
 * "error ..." and the job is aborted with a non-zero exit status.
 *
 * Method (per row, in the manner of the OSU micro-benchmarks):
 *   1. check: one operation whose result is checked completely on every rank
 *      (bcast: every byte of a root-0 pattern; allreduce: every element equals the
 *      exact sum of small integers; alltoall: every byte of every block carries the
 *      sender's and receiver's ranks).
 *   2. warm-up: 5 operations (2 for messages of 1 MiB and more).
 *   3. calibration: rounds of n = 1, 2, 4, ... iterations until the slowest rank's
 *      round takes >= 20 ms (5 ms with --quick). All ranks learn the same maximum
 *      through MPI_Allreduce(MAX), so all derive the same iteration count.
 *   4. measurement: iters = 0.15 s (0.04 s with --quick) / the time per iteration
 *      of the last calibration round, clamped to [5, 1000000] (minimum 3 with
 *      --quick). So the iteration count scales with size and rank count and every
 *      row takes ~0.1-0.3 s on a 2-core machine.
 *      barrier: MPI_Barrier before, then the whole loop of iters barriers is timed.
 *      bcast/allreduce/alltoall: as in OSU, each operation is timed by itself and
 *      followed by an (untimed) MPI_Barrier, so that successive operations cannot
 *      overlap (a pipelined bcast loop would otherwise report throughput rather
 *      than latency).
 *   5. each rank's figure is its average time per operation; the reported figure is
 *      the MAXIMUM over ranks (MPI_Allreduce MAX), printed by rank 0 in microseconds.
 *
 * Buffers are page-aligned and touched before any timing.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (16 * 1024 * 1024)
#define A2A_BYTES 1024

enum op_kind { OP_BARRIER, OP_BCAST, OP_ALLREDUCE, OP_ALLTOALL };
static const char *const op_names[] = {"barrier", "bcast", "allreduce", "alltoall"};

struct row {
    enum op_kind op;
    int bytes;
};

static const struct row rows[] = {
    {OP_BARRIER, 0},
    {OP_BCAST, 8},
    {OP_BCAST, 65536},
    {OP_BCAST, 4194304},
    {OP_ALLREDUCE, 8},
    {OP_ALLREDUCE, 65536},
    {OP_ALLREDUCE, 1048576},
    {OP_ALLREDUCE, 16777216},
    {OP_ALLTOALL, A2A_BYTES},
};
#define NROWS ((int)(sizeof rows / sizeof rows[0]))

static int rank, nranks, quick;
static unsigned char *sbuf, *rbuf; /* MAX_BYTES each (alltoall: A2A_BYTES * nranks) */

static void fail(const char *msg, long a, long b, long c) {
    printf("error rank %d: %s (%ld %ld %ld)\n", rank, msg, a, b, c);
    fflush(stdout);
    MPI_Abort(MPI_COMM_WORLD, 2);
    exit(2);
}

static void *xalloc(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n ? n : 1) != 0) fail("out of memory", (long)n, 0, 0);
    memset(p, 0x11, n); /* touch all pages before timing */
    return p;
}

/* ---- the operations ----------------------------------------------------- */

static void do_op(enum op_kind op, int bytes) {
    switch (op) {
    case OP_BARRIER:
        MPI_Barrier(MPI_COMM_WORLD);
        break;
    case OP_BCAST:
        MPI_Bcast(sbuf, bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
        break;
    case OP_ALLREDUCE:
        MPI_Allreduce(sbuf, rbuf, bytes / (int)sizeof(double), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        break;
    case OP_ALLTOALL:
        MPI_Alltoall(sbuf, bytes, MPI_BYTE, rbuf, bytes, MPI_BYTE, MPI_COMM_WORLD);
        break;
    }
}

/* ---- correctness check (once per row, before timing) -------------------- */

static unsigned char bcast_byte(int bytes, long k) {
    return (unsigned char)(((unsigned long)k * 7u + (unsigned long)bytes * 13u + 1u) & 0xffu);
}

static unsigned char a2a_byte(int from, int to, long k) {
    return (unsigned char)(((unsigned)from * 31u + (unsigned)to * 17u + (unsigned long)k * 3u + 5u) & 0xffu);
}

static void check_row(enum op_kind op, int bytes) {
    switch (op) {
    case OP_BARRIER:
        MPI_Barrier(MPI_COMM_WORLD);
        break;
    case OP_BCAST:
        for (long k = 0; k < bytes; k++) sbuf[k] = rank == 0 ? bcast_byte(bytes, k) : 0;
        MPI_Bcast(sbuf, bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
        for (long k = 0; k < bytes; k++)
            if (sbuf[k] != bcast_byte(bytes, k))
                fail("bcast content mismatch (bytes, index, byte)", bytes, k, sbuf[k]);
        break;
    case OP_ALLREDUCE: {
        /* Small integers: every partial sum is exact in double, whatever the order. */
        double *s = (double *)sbuf, *r = (double *)rbuf;
        long count = bytes / (long)sizeof(double);
        for (long i = 0; i < count; i++) {
            s[i] = (double)(rank + (int)(i % 7));
            r[i] = -1.0;
        }
        MPI_Allreduce(s, r, (int)count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        double base = (double)nranks * (double)(nranks - 1) / 2.0;
        for (long i = 0; i < count; i++) {
            double want = base + (double)nranks * (double)(i % 7);
            if (r[i] != want) fail("allreduce result mismatch (bytes, index, value)", bytes, i, (long)r[i]);
        }
        break;
    }
    case OP_ALLTOALL:
        for (int j = 0; j < nranks; j++)
            for (long k = 0; k < bytes; k++) {
                sbuf[(long)j * bytes + k] = a2a_byte(rank, j, k);
                rbuf[(long)j * bytes + k] = 0;
            }
        MPI_Alltoall(sbuf, bytes, MPI_BYTE, rbuf, bytes, MPI_BYTE, MPI_COMM_WORLD);
        for (int j = 0; j < nranks; j++)
            for (long k = 0; k < bytes; k++) {
                unsigned char got = rbuf[(long)j * bytes + k];
                if (got != a2a_byte(j, rank, k))
                    fail("alltoall content mismatch (from rank, index, byte)", j, k, got);
            }
        break;
    }
}

/* ---- timing ------------------------------------------------------------- */

/*
 * Runs n operations. Returns this rank's summed time inside the operations; *wall
 * gets the time of the whole loop (separating barriers included) on this rank.
 */
static double run_iters(enum op_kind op, int bytes, long n, double *wall) {
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    double in_op = 0;
    if (op == OP_BARRIER) {
        for (long i = 0; i < n; i++) MPI_Barrier(MPI_COMM_WORLD);
        in_op = MPI_Wtime() - start;
    } else {
        for (long i = 0; i < n; i++) {
            double t0 = MPI_Wtime();
            do_op(op, bytes);
            in_op += MPI_Wtime() - t0;
            MPI_Barrier(MPI_COMM_WORLD);
        }
    }
    *wall = MPI_Wtime() - start;
    return in_op;
}

static double max_over_ranks(double v) {
    double m = 0;
    MPI_Allreduce(&v, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return m;
}

static void bench_row(enum op_kind op, int bytes) {
    double wall;

    /* 1. check */
    check_row(op, bytes);
    /* the check left patterns in the buffers; the timed runs reuse them as they are */

    /* 2. warm-up */
    run_iters(op, bytes, bytes >= 1048576 ? 2 : 5, &wall);

    /* 3. calibration */
    const double cal_target = quick ? 0.005 : 0.020;
    long n = 1;
    double t = 0;
    for (;;) {
        run_iters(op, bytes, n, &wall);
        t = max_over_ranks(wall);
        if (t >= cal_target || n >= (1L << 20)) break;
        n *= 2;
    }
    double per_iter = t / (double)n;

    /* 4. measurement */
    const double target = quick ? 0.04 : 0.15;
    const long min_iters = quick ? 3 : 5;
    long iters = per_iter > 0 ? (long)(target / per_iter) : 1000000;
    if (iters < min_iters) iters = min_iters;
    if (iters > 1000000) iters = 1000000;
    double in_op = run_iters(op, bytes, iters, &wall);

    /* 5. report */
    double avg = max_over_ranks(in_op / (double)iters);
    if (rank == 0) {
        printf("%s %d %.3f\n", op_names[op], bytes, avg * 1e6);
        fflush(stdout);
    }
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (rank == 0) printf("usage: coll [--quick]   (any number of ranks)\n");
            MPI_Finalize();
            return 0;
        } else {
            if (rank == 0) {
                printf("error unknown argument: %s\n", argv[i]);
                fflush(stdout);
            }
            MPI_Finalize();
            return 2;
        }
    }

    size_t need = (size_t)A2A_BYTES * (size_t)nranks;
    if (need < MAX_BYTES) need = MAX_BYTES;
    sbuf = xalloc(need);
    rbuf = xalloc(need);

    MPI_Barrier(MPI_COMM_WORLD);
    for (int r = 0; r < NROWS; r++) bench_row(rows[r].op, rows[r].bytes);
    MPI_Barrier(MPI_COMM_WORLD);

    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return 0;
}
