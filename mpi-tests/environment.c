/*
 * The environment calls beside start-up: MPI_Get_processor_name is the host name
 * (gethostname); MPI_Wtick is a positive resolution of a millisecond or finer;
 * MPI_Alloc_mem with MPI_INFO_NULL gives writable memory, aligned for any type, that
 * MPI_Free_mem takes back, also of size 0; a negative size is MPI_ERR_ARG;
 * MPI_Pcontrol at levels 0, 1 and 2 (with extra arguments) returns MPI_SUCCESS;
 * MPI_Aint_add and MPI_Aint_diff are address arithmetic; MPI_Query_thread after
 * MPI_Init gives a thread level and MPI_Is_thread_main is true on the main thread.
 * On Brazos only: MPI_Free_mem of an address MPI_Alloc_mem did not give is
 * MPI_ERR_BASE; the MPI 5.0 ABI version is 1.0; the Fortran booleans of the MPI 5.0
 * ABI are unset until set once, for one size only.
 * Any number of processes.
 */
#include "testutil.h"
#include <stdint.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char name[MPI_MAX_PROCESSOR_NAME], host[MPI_MAX_PROCESSOR_NAME];
    int len = -1, level = -1, flag = -1, i, rc;
    double tick;
    char *block = NULL, *empty = NULL;
    double values[8];

    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    memset(host, 0, sizeof host);
    gethostname(host, sizeof host - 1);
    MPI_Get_processor_name(name, &len);
    CHECK(strcmp(name, host) == 0, "MPI_Get_processor_name gave '%s', gethostname '%s'", name, host);
    CHECK_INT(len, strlen(host), "MPI_Get_processor_name's length");

    tick = MPI_Wtick();
    CHECK(tick > 0.0 && tick <= 1e-3, "MPI_Wtick gave %g", tick);

    rc = MPI_Alloc_mem(1 << 20, MPI_INFO_NULL, &block);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Alloc_mem of 1 MiB");
    CHECK(block != NULL && ((uintptr_t) block % sizeof(long double)) == 0, "MPI_Alloc_mem gave %p", (void *) block);
    if (block) {
        for (i = 0; i < (1 << 20); i++)
            block[i] = (char) i;
        CHECK(block[(1 << 20) - 1] == (char) ((1 << 20) - 1), "writing the allocated memory");
        CHECK_INT(MPI_Free_mem(block), MPI_SUCCESS, "MPI_Free_mem");
    }
    rc = MPI_Alloc_mem(0, MPI_INFO_NULL, &empty);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Alloc_mem of 0 bytes");
    if (rc == MPI_SUCCESS && empty != NULL)
        CHECK_INT(MPI_Free_mem(empty), MPI_SUCCESS, "MPI_Free_mem of 0 bytes");
    CHECK_CLASS(MPI_Alloc_mem(-1, MPI_INFO_NULL, &block), MPI_ERR_ARG, "MPI_Alloc_mem of -1 bytes");
#if MPI_VERSION >= 5
    {
        int yes = 1, no = 0, got_true = 7, got_false = 7, is_set = -1;
        MPI_Abi_get_fortran_booleans(4, &got_true, &got_false, &is_set);
        CHECK(is_set == 0 && got_true == 7, "Fortran booleans before they are set: is_set %d", is_set);
        CHECK_CLASS(MPI_Abi_set_fortran_booleans(3, &yes, &no), MPI_ERR_ARG, "Fortran booleans of 3 bytes");
        CHECK_INT(MPI_Abi_set_fortran_booleans(4, &yes, &no), MPI_SUCCESS, "MPI_Abi_set_fortran_booleans");
        MPI_Abi_get_fortran_booleans(4, &got_true, &got_false, &is_set);
        CHECK(is_set == 1 && got_true == 1 && got_false == 0, "Fortran booleans: is_set %d, %d and %d",
              is_set, got_true, got_false);
        MPI_Abi_get_fortran_booleans(8, &got_true, &got_false, &is_set);
        CHECK_INT(is_set, 0, "Fortran booleans of another size");
        CHECK_CLASS(MPI_Abi_set_fortran_booleans(4, &no, &yes), MPI_ERR_ABI, "Fortran booleans set twice");
    }
#endif
#ifndef OPEN_MPI
    CHECK_CLASS(MPI_Free_mem(values), MPI_ERR_BASE, "MPI_Free_mem of memory MPI_Alloc_mem did not give");
    {
        int major = -1, minor = -1;
        MPI_Abi_get_version(&major, &minor);
        CHECK(major == 1 && minor == 0, "MPI_Abi_get_version gave %d.%d", major, minor);
    }
#endif

    CHECK_INT(MPI_Pcontrol(0), MPI_SUCCESS, "MPI_Pcontrol(0)");
    CHECK_INT(MPI_Pcontrol(1), MPI_SUCCESS, "MPI_Pcontrol(1)");
    CHECK_INT(MPI_Pcontrol(2, "phase", 3), MPI_SUCCESS, "MPI_Pcontrol(2, ...)");

    {
        MPI_Aint base, fifth, diff;
        base = (MPI_Aint) (uintptr_t) &values[0];
        fifth = (MPI_Aint) (uintptr_t) &values[5];
        CHECK(MPI_Aint_add(base, 5 * (MPI_Aint) sizeof(double)) == fifth, "MPI_Aint_add");
        diff = MPI_Aint_diff(fifth, base);
        CHECK_INT(diff, 5 * sizeof(double), "MPI_Aint_diff");
        CHECK_INT(MPI_Aint_diff(base, fifth), -5 * (long long) sizeof(double), "MPI_Aint_diff backwards");
    }

    MPI_Query_thread(&level);
    CHECK(level == MPI_THREAD_SINGLE || level == MPI_THREAD_FUNNELED || level == MPI_THREAD_SERIALIZED
          || level == MPI_THREAD_MULTIPLE, "MPI_Query_thread gave %d", level);
    MPI_Is_thread_main(&flag);
    CHECK_INT(flag, 1, "MPI_Is_thread_main on the main thread");

    return tu_finish();
}
