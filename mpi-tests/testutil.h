/*
 * testutil.h - the small helper every test in mpi-tests/ includes.
 *
 * Convention (the one of the MPICH and Open MPI test suites): every rank counts
 * its own errors and prints each one to stderr with what it expected and what it
 * got; at the end the counts are summed over MPI_COMM_WORLD and rank 0 alone
 * prints " No Errors" or " Found N errors" on stdout.  Nothing else goes to stdout,
 * so the output of a run is the same under every MPI library.
 *
 * Uses only the MPI subset Brazos implements.
 */
#ifndef BRAZOS_TESTUTIL_H
#define BRAZOS_TESTUTIL_H

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tu_errs = 0;

static inline int tu_world_rank(void)
{
    int init = 0, fin = 0, rank = -1;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin)
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

/* Count an error and describe it on stderr (the first 25 per rank). */
#define FAIL(...)                                                              \
    do {                                                                       \
        tu_errs++;                                                             \
        if (tu_errs <= 25) {                                                   \
            fprintf(stderr, "[%d] %s:%d: ", tu_world_rank(), __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            fflush(stderr);                                                    \
        }                                                                      \
    } while (0)

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            FAIL(__VA_ARGS__);                                                 \
    } while (0)

/* Compare two integer values of any integer type. */
#define CHECK_INT(got, expected, what)                                         \
    do {                                                                       \
        long long g_ = (long long) (got), e_ = (long long) (expected);         \
        if (g_ != e_)                                                          \
            FAIL("%s: expected %lld, got %lld", (what), e_, g_);               \
    } while (0)

/* Check that an MPI call returned an error of the given class. */
#define CHECK_CLASS(rc, cls, what)                                             \
    do {                                                                       \
        int rc_ = (rc), class_ = -1, len_ = 0;                                 \
        char msg_[MPI_MAX_ERROR_STRING];                                       \
        msg_[0] = '\0';                                                        \
        if (rc_ == MPI_SUCCESS) {                                              \
            FAIL("%s: expected error class %s, got MPI_SUCCESS", (what), #cls); \
        } else {                                                               \
            MPI_Error_class(rc_, &class_);                                     \
            if (class_ != (cls))                                               \
                FAIL("%s: expected error class %s (%d), got class %d (code %d)", \
                     (what), #cls, (int) (cls), class_, rc_);                  \
            MPI_Error_string(rc_, msg_, &len_);                                \
            if (len_ <= 0 || msg_[0] == '\0' || (int) strlen(msg_) != len_)    \
                FAIL("%s: MPI_Error_string gave length %d for '%s'", (what),   \
                     len_, msg_);                                              \
        }                                                                      \
    } while (0)

/* Sum the error counts over MPI_COMM_WORLD, print the verdict on rank 0,
   finalize.  Returns the exit status for main. */
static inline int tu_finish(void)
{
    int rank, total = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Allreduce(&tu_errs, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) {
        if (total)
            printf(" Found %d errors\n", total);
        else
            printf(" No Errors\n");
        fflush(stdout);
    }
    MPI_Finalize();
    return total ? 1 : 0;
}

/*
 * A walk over a handful of intracommunicators, so every collective is run on
 * communicators of several sizes (powers of two and not), with ranks in
 * another order than in MPI_COMM_WORLD, and with some ranks left out.
 *
 *   int idx = 0; MPI_Comm comm; const char *name;
 *   while (tu_next_comm(&idx, &comm, &name)) {
 *       if (comm != MPI_COMM_NULL) { ... }
 *       tu_free_comm(&comm);
 *   }
 *
 * Every rank of MPI_COMM_WORLD must run the loop (the communicators are made
 * collectively); a rank outside the current communicator gets MPI_COMM_NULL.
 */
static inline int tu_next_comm(int *idx, MPI_Comm *comm, const char **name)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *comm = MPI_COMM_NULL;
    switch ((*idx)++) {
    case 0:
        *comm = MPI_COMM_WORLD;
        *name = "MPI_COMM_WORLD";
        return 1;
    case 1:
        MPI_Comm_dup(MPI_COMM_WORLD, comm);
        *name = "dup of MPI_COMM_WORLD";
        return 1;
    case 2:
        MPI_Comm_split(MPI_COMM_WORLD, 0, size - rank, comm);
        *name = "MPI_COMM_WORLD with ranks reversed";
        return 1;
    case 3:
        MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, comm);
        *name = "even and odd ranks";
        return 1;
    case 4:
        MPI_Comm_split(MPI_COMM_WORLD, rank < size - 1 ? 0 : MPI_UNDEFINED, rank, comm);
        *name = "all ranks but the last";
        return 1;
    case 5:
        MPI_Comm_split(MPI_COMM_WORLD, rank % 3, -rank, comm);
        *name = "ranks modulo 3, reversed";
        return 1;
    default:
        *name = "none";
        return 0;
    }
}

static inline void tu_free_comm(MPI_Comm *comm)
{
    if (*comm != MPI_COMM_NULL && *comm != MPI_COMM_WORLD && *comm != MPI_COMM_SELF)
        MPI_Comm_free(comm);
    *comm = MPI_COMM_NULL;
}

#endif
