/*
 * Start-up and shut-down, and the environment queries:
 * MPI_Initialized / MPI_Finalized around MPI_Init_thread and MPI_Finalize,
 * the provided thread level, MPI_Get_version, MPI_Get_library_version,
 * MPI_Get_processor_name, MPI_Wtime (monotonic, advancing) and MPI_Wtick,
 * MPI_Comm_size / MPI_Comm_rank on MPI_COMM_WORLD and MPI_COMM_SELF.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int flag, provided = -1, rank, size, version = -1, subversion = -1, len, sum, i;
    char name[MPI_MAX_PROCESSOR_NAME];
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    double t0, t1, prev, tick;

    /* Allowed before MPI_Init. */
    flag = -1;
    MPI_Initialized(&flag);
    CHECK_INT(flag, 0, "MPI_Initialized before MPI_Init_thread");
    flag = -1;
    MPI_Finalized(&flag);
    CHECK_INT(flag, 0, "MPI_Finalized before MPI_Init_thread");
    MPI_Get_version(&version, &subversion);
    CHECK(version >= 3, "MPI_Get_version before init: version %d.%d", version, subversion);

    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);

    CHECK(MPI_THREAD_SINGLE < MPI_THREAD_FUNNELED && MPI_THREAD_FUNNELED < MPI_THREAD_SERIALIZED
          && MPI_THREAD_SERIALIZED < MPI_THREAD_MULTIPLE,
          "thread level constants are not ordered: %d %d %d %d", MPI_THREAD_SINGLE,
          MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE);
    CHECK(provided == MPI_THREAD_SINGLE || provided == MPI_THREAD_FUNNELED
          || provided == MPI_THREAD_SERIALIZED || provided == MPI_THREAD_MULTIPLE,
          "MPI_Init_thread provided %d, not a thread level", provided);

    flag = 0;
    MPI_Initialized(&flag);
    CHECK_INT(flag, 1, "MPI_Initialized after MPI_Init_thread");
    flag = -1;
    MPI_Finalized(&flag);
    CHECK_INT(flag, 0, "MPI_Finalized before MPI_Finalize");

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK(size >= 1, "MPI_Comm_size gave %d", size);
    CHECK(rank >= 0 && rank < size, "MPI_Comm_rank gave %d with size %d", rank, size);
    /* The ranks are 0..size-1, each once. */
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK_INT(sum, size * (size - 1) / 2, "sum of the ranks of MPI_COMM_WORLD");
    {
        int one = 1, count = 0;
        MPI_Allreduce(&one, &count, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(count, size, "number of processes answering");
    }
    {
        int srank = -1, ssize = -1;
        MPI_Comm_rank(MPI_COMM_SELF, &srank);
        MPI_Comm_size(MPI_COMM_SELF, &ssize);
        CHECK_INT(srank, 0, "rank in MPI_COMM_SELF");
        CHECK_INT(ssize, 1, "size of MPI_COMM_SELF");
    }

    {
        int v2 = -1, s2 = -1;
        MPI_Get_version(&v2, &s2);
        CHECK(v2 == version && s2 == subversion, "MPI_Get_version %d.%d after init, %d.%d before",
              v2, s2, version, subversion);
        CHECK(subversion >= 0 && subversion <= 9, "MPI subversion %d", subversion);
    }

    len = -1;
    memset(lib, 'x', sizeof lib);
    MPI_Get_library_version(lib, &len);
    CHECK(len > 0 && len < MPI_MAX_LIBRARY_VERSION_STRING,
          "MPI_Get_library_version length %d", len);
    /* Open MPI counts the terminating NUL in resultlen, MPICH does not. */
    if (len > 0 && len < MPI_MAX_LIBRARY_VERSION_STRING)
        CHECK((int) strlen(lib) == len || (int) strlen(lib) == len - 1,
              "library version string has strlen %d, resultlen %d", (int) strlen(lib), len);

    len = -1;
    memset(name, 'x', sizeof name);
    MPI_Get_processor_name(name, &len);
    CHECK(len > 0 && len < MPI_MAX_PROCESSOR_NAME, "MPI_Get_processor_name length %d", len);
    if (len > 0 && len < MPI_MAX_PROCESSOR_NAME)
        CHECK((int) strlen(name) == len, "processor name has strlen %d, resultlen %d",
              (int) strlen(name), len);

    /* MPI_Wtime never goes backwards and does advance; MPI_Wtick is a
       positive resolution finer than a second. */
    tick = MPI_Wtick();
    CHECK(tick > 0.0 && tick < 1.0, "MPI_Wtick gave %g", tick);
    t0 = prev = MPI_Wtime();
    for (i = 0; i < 100000; i++) {
        double t = MPI_Wtime();
        if (t < prev) {
            FAIL("MPI_Wtime went backwards: %.9f after %.9f", t, prev);
            break;
        }
        prev = t;
        if (t - t0 > 0.02)
            break;
    }
    t1 = t0;
    for (i = 0; i < 100000000 && t1 - t0 < 0.01; i++)
        t1 = MPI_Wtime();
    CHECK(t1 - t0 >= 0.01, "MPI_Wtime advanced only %g s while spinning", t1 - t0);

    MPI_Barrier(MPI_COMM_WORLD);

    /* The verdict, then MPI_Finalize, then the checks that need MPI finalized:
       rank 0 folds its own into the exit status. */
    {
        int total = 0, before = tu_errs;
        MPI_Allreduce(&tu_errs, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        MPI_Finalize();
        flag = 0;
        MPI_Finalized(&flag);
        CHECK_INT(flag, 1, "MPI_Finalized after MPI_Finalize");
        flag = 0;
        MPI_Initialized(&flag);
        CHECK_INT(flag, 1, "MPI_Initialized after MPI_Finalize");
        if (rank == 0) {
            total += tu_errs - before;
            if (total)
                printf(" Found %d errors\n", total);
            else
                printf(" No Errors\n");
            fflush(stdout);
        }
        return tu_errs ? 1 : 0;
    }
}
