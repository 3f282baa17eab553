/*
 * MPI_ERRORS_ARE_FATAL with a code the program added: MPI_Comm_call_errhandler on
 * MPI_COMM_WORLD, whose handler is still the default, ends the job (expected to exit
 * non-zero, whatever the code's value: it must not look like success).
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int cls = -1, code = -1;
    MPI_Init(&argc, &argv);
    MPI_Add_error_class(&cls);
    MPI_Add_error_code(cls, &code);
    MPI_Add_error_string(code, "a fatal error of the program's own");
    MPI_Comm_call_errhandler(MPI_COMM_WORLD, code);
    /* Not reached. */
    return tu_finish();
}
