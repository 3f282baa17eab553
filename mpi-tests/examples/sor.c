/* The message-passing reference for the shared-memory `sor` example: red-black
 * successive over-relaxation on an n x n grid, rows split in blocks among the ranks, the
 * rows next to a block exchanged with the neighbouring ranks before each colour. Prints
 * the same "checksum: " line as Examples/sor for the same --size and --steps, at any
 * process count: the FNV-1a 64 hash of each row's bytes (little-endian doubles), then
 * the FNV-1a 64 hash of the row hashes' bytes (little-endian) in row order.
 *
 * With --residual, each step's largest change is combined by an allreduce (MAX) and the
 * last one printed as its bits, as Examples/sor does.
 *
 *   mpirun -n N ./sor [--size N] [--steps S] [--residual]    (defaults 4000 and 100)
 */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long option(int argc, char **argv, const char *name, long fallback) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0 && atol(argv[i + 1]) > 0) return atol(argv[i + 1]);
    return fallback;
}

static const uint64_t fnv_offset = 0xcbf29ce484222325ULL, fnv_prime = 0x100000001b3ULL;

static uint64_t fnv1a(const unsigned char *bytes, size_t count) {
    uint64_t hash = fnv_offset;
    for (size_t k = 0; k < count; k++) hash = (hash ^ bytes[k]) * fnv_prime;
    return hash;
}

/* The hash of each of `rows` rows of `width` doubles from `grid` into hashes[0...]; four
 * rows at a time, since one row's hash is a serial chain of multiplies. */
static void hash_rows(const double *grid, long rows, long width, uint64_t *hashes) {
    const size_t row_bytes = (size_t)width * sizeof(double);
    const unsigned char *bytes = (const unsigned char *)grid;
    long row = 0;
    for (; row + 4 <= rows; row += 4) {
        const unsigned char *a = bytes + row * row_bytes, *b = a + row_bytes, *c = b + row_bytes, *d = c + row_bytes;
        uint64_t ha = fnv_offset, hb = fnv_offset, hc = fnv_offset, hd = fnv_offset;
        for (size_t k = 0; k < row_bytes; k++) {
            ha = (ha ^ a[k]) * fnv_prime;
            hb = (hb ^ b[k]) * fnv_prime;
            hc = (hc ^ c[k]) * fnv_prime;
            hd = (hd ^ d[k]) * fnv_prime;
        }
        hashes[row] = ha; hashes[row + 1] = hb; hashes[row + 2] = hc; hashes[row + 3] = hd;
    }
    for (; row < rows; row++) hashes[row] = fnv1a(bytes + row * row_bytes, row_bytes);
}

/* The first interior row of rank r's block: rows 1...n-2 split evenly. */
static long first_row(long r, int ranks, long n) { return 1 + r * (n - 2) / ranks; }

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    long n = option(argc, argv, "--size", 4000), steps = option(argc, argv, "--steps", 100);
    int with_residual = 0;
    for (int i = 1; i < argc; i++) if (strcmp(argv[i], "--residual") == 0) with_residual = 1;
    double residual = 0;
    if (n < 3) n = 3;
    const double omega = 1.5;
    /* Interior rows first..last-1 are this rank's; it keeps rows first-1..last. */
    long first = first_row(rank, ranks, n), last = first_row(rank + 1, ranks, n);
    long rows = last - first + 2;
    double *u = calloc((size_t)(rows * n), sizeof(double));
    if (!u) MPI_Abort(MPI_COMM_WORLD, 2);
    #define U(i, j) u[((i) - (first - 1)) * n + (j)]
    if (first == 1) for (long j = 0; j < n; j++) U(0, j) = 1.0;
    int up = first > 1 ? rank - 1 : MPI_PROC_NULL, down = last < n - 1 ? rank + 1 : MPI_PROC_NULL;
    if (last <= first) up = down = MPI_PROC_NULL;  /* more ranks than rows: nothing here */
    double start = MPI_Wtime();
    for (long step = 0; step < steps; step++) {
        double change = 0;
        for (int colour = 0; colour < 2; colour++) {
            /* Halo rows: mine go to the neighbours, theirs come into first-1 and last. */
            MPI_Sendrecv(&U(first, 0), (int)n, MPI_DOUBLE, up, 1, &U(last, 0), (int)n, MPI_DOUBLE, down, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Sendrecv(&U(last - 1, 0), (int)n, MPI_DOUBLE, down, 2, &U(first - 1, 0), (int)n, MPI_DOUBLE, up, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            for (long i = first; i < last; i++)
                for (long j = 1 + (i + 1 + colour) % 2; j < n - 1; j += 2) {
                    double updated = (1 - omega) * U(i, j) + omega * 0.25 * (((U(i - 1, j) + U(i + 1, j)) + U(i, j - 1)) + U(i, j + 1));
                    if (with_residual && fabs(updated - U(i, j)) > change) change = fabs(updated - U(i, j));
                    U(i, j) = updated;
                }
        }
        if (with_residual) MPI_Allreduce(&change, &residual, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    }
    double elapsed = MPI_Wtime() - start;
    /* Each rank hashes its rows (the first and the last rank the edge rows too), rank 0
     * gathers the row hashes and hashes them in row order. */
    long hashed_first = rank == 0 ? 0 : first, hashed_last = rank == ranks - 1 ? n : last;
    uint64_t *mine = malloc(sizeof(uint64_t) * (size_t)(hashed_last - hashed_first + 1));
    if (!mine) MPI_Abort(MPI_COMM_WORLD, 2);
    hash_rows(&U(hashed_first, 0), hashed_last - hashed_first, n, mine);
    int *counts = NULL, *displacements = NULL;
    uint64_t *all = NULL;
    if (rank == 0) {
        counts = malloc(sizeof(int) * ranks);
        displacements = malloc(sizeof(int) * ranks);
        all = malloc(sizeof(uint64_t) * (size_t)n);
        if (!counts || !displacements || !all) MPI_Abort(MPI_COMM_WORLD, 2);
        for (int r = 0; r < ranks; r++) {
            long f = r == 0 ? 0 : first_row(r, ranks, n), l = r == ranks - 1 ? n : first_row(r + 1, ranks, n);
            counts[r] = (int)(l - f);
            displacements[r] = (int)f;
        }
    }
    MPI_Gatherv(mine, (int)(hashed_last - hashed_first), MPI_UINT64_T, all, counts, displacements, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        unsigned char *bytes = malloc(sizeof(uint64_t) * (size_t)n);
        if (!bytes) MPI_Abort(MPI_COMM_WORLD, 2);
        for (long i = 0; i < n; i++)
            for (int k = 0; k < 8; k++) bytes[i * 8 + k] = (unsigned char)(all[i] >> (8 * k));
        uint64_t hash = fnv1a(bytes, (size_t)n * 8);
        free(bytes);
        printf("checksum: %016llx\n", (unsigned long long)hash);
        if (with_residual) {
            uint64_t bits;
            memcpy(&bits, &residual, sizeof bits);
            printf("residual: %016llx\n", (unsigned long long)bits);
        }
        fprintf(stderr, "sor (MPI): %ldx%ld, %ld steps, %d ranks: %.3f s\n", n, n, steps, ranks, elapsed);
    }
    free(u); free(mine); free(all); free(counts); free(displacements);
    MPI_Finalize();
    return 0;
}
