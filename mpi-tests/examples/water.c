/* The message-passing reference for the shared-memory `water` example: the same
 * molecules, forces and steps (Examples/water/main.swift), with every rank holding all
 * positions, computing the forces on its block of molecules and moving them, then an
 * allgather of the positions. Interactions are summed at the end, energies combined in
 * rank order; with as many ranks as the example has threads, it prints the same lines.
 *
 *   mpirun -n N ./water [--molecules N] [--steps S]     (defaults 4096 and 10)
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

static double cube_root(double x) {
    double guess = x;
    for (int k = 0; k < 200; k++) guess = (2 * guess + x / (guess * guess)) / 3;
    return guess;
}

static uint64_t bits(double value) {
    uint64_t result;
    memcpy(&result, &value, sizeof result);
    return result;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int me, ranks;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    long n = option(argc, argv, "--molecules", 4096), steps = option(argc, argv, "--steps", 10);
    if (n < 2) n = 2;
    const double cutoff2 = 2.5 * 2.5, dt = 0.001, box = cube_root((double)n / 0.8);
    double *position = malloc(sizeof(double) * 3 * n), *velocity = malloc(sizeof(double) * 3 * n), *force = malloc(sizeof(double) * 3 * n);
    long side = 1;
    while (side * side * side < n) side++;
    double spacing = box / (double)side;
    uint64_t seed = 12345;
    for (long i = 0; i < n; i++) {
        position[3 * i] = ((double)(i % side) + 0.5) * spacing;
        position[3 * i + 1] = ((double)((i / side) % side) + 0.5) * spacing;
        position[3 * i + 2] = ((double)(i / (side * side)) + 0.5) * spacing;
        for (int d = 0; d < 3; d++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            velocity[3 * i + d] = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
        }
    }
    long first = me * n / ranks, last = (me + 1) * n / ranks;
    int *counts = malloc(sizeof(int) * ranks), *displacements = malloc(sizeof(int) * ranks);
    for (int r = 0; r < ranks; r++) {
        displacements[r] = (int)(3 * (r * n / ranks));
        counts[r] = (int)(3 * ((r + 1) * n / ranks)) - displacements[r];
    }
    long long pairs = 0;
    double kinetic = 0, potential = 0;
    double start = MPI_Wtime();
    for (long step = 0; step < steps; step++) {
        potential = 0;
        for (long i = first; i < last; i++) {
            double fx = 0, fy = 0, fz = 0;
            double xi = position[3 * i], yi = position[3 * i + 1], zi = position[3 * i + 2];
            for (long j = 0; j < n; j++) {
                if (j == i) continue;
                double dx = xi - position[3 * j], dy = yi - position[3 * j + 1], dz = zi - position[3 * j + 2];
                dx -= box * round(dx / box);
                dy -= box * round(dy / box);
                dz -= box * round(dz / box);
                double r2 = dx * dx + dy * dy + dz * dz;
                if (r2 < cutoff2) {
                    double inverse2 = 1 / r2;
                    double inverse6 = inverse2 * inverse2 * inverse2;
                    double magnitude = 24 * inverse2 * inverse6 * (2 * inverse6 - 1);
                    fx += magnitude * dx;
                    fy += magnitude * dy;
                    fz += magnitude * dz;
                    potential += 2 * inverse6 * (inverse6 - 1);
                    pairs++;
                }
            }
            force[3 * i] = fx;
            force[3 * i + 1] = fy;
            force[3 * i + 2] = fz;
        }
        kinetic = 0;
        for (long k = 3 * first; k < 3 * last; k++) {
            velocity[k] += force[k] * dt;
            position[k] += velocity[k] * dt;
            position[k] -= box * floor(position[k] / box);
            kinetic += 0.5 * velocity[k] * velocity[k];
        }
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DOUBLE, position, counts, displacements, MPI_DOUBLE, MPI_COMM_WORLD);
    }
    double elapsed = MPI_Wtime() - start;
    double mine[2] = {kinetic, potential}, *all = me == 0 ? malloc(sizeof(double) * 2 * ranks) : NULL;
    MPI_Gather(mine, 2, MPI_DOUBLE, all, 2, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    long long total_pairs = 0;
    MPI_Reduce(&pairs, &total_pairs, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (me == 0) {
        double total_kinetic = 0, total_potential = 0;
        for (int r = 0; r < ranks; r++) {
            total_kinetic += all[2 * r];
            total_potential += all[2 * r + 1];
        }
        uint64_t hash = 0xcbf29ce484222325ULL;
        const unsigned char *bytes = (const unsigned char *)position;
        for (size_t k = 0; k < (size_t)(3 * n) * sizeof(double); k++) hash = (hash ^ bytes[k]) * 0x100000001b3ULL;
        printf("interactions: %lld\n", total_pairs);
        printf("kinetic: %016llx\n", (unsigned long long)bits(total_kinetic));
        printf("potential: %016llx\n", (unsigned long long)bits(total_potential));
        printf("checksum: %016llx\n", (unsigned long long)hash);
        fprintf(stderr, "water (MPI): %ld molecules, %ld steps, %d ranks: %.3f s; kinetic %.17g, potential %.17g\n",
                n, steps, ranks, elapsed, total_kinetic, total_potential);
        free(all);
    }
    free(position); free(velocity); free(force); free(counts); free(displacements);
    MPI_Finalize();
    return 0;
}
