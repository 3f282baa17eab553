/*
 * mtest.c - written for Brazos (not copied from MPICH).
 *
 * The subset of MPICH's test harness (test/mpi/util/mtest.c) that the MPICH test
 * programs mpi-tests/testlist names use, reimplemented with only the MPI subset
 * Brazos has.  As in MPICH 4.0.2 (the version Debian's source package gives),
 * MTest_Finalize prints the verdict and finalizes MPI; MTestReturnValue only
 * finalizes if the program has not.
 */
#include "mpi.h"
#include "mpitest.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "mtest_thread.c"

static int verbose = 0;
static int intraCommIdx = 0;
static const char *intraCommName = "";

void MTest_Init(int *argc, char ***argv)
{
    int flag = 0;
    const char *env;

    MPI_Initialized(&flag);
    if (!flag)
        MPI_Init(argc, argv);
    env = getenv("MPITEST_VERBOSE");
    if (env)
        verbose = atoi(env);
}

/* As MTest_Init, asking for a thread level; the level provided is the caller's to check. */
void MTest_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    int flag = 0;
    const char *env;

    MPI_Initialized(&flag);
    if (!flag)
        MPI_Init_thread(argc, argv, required, provided);
    else
        MPI_Query_thread(provided);
    env = getenv("MPITEST_VERBOSE");
    if (env)
        verbose = atoi(env);
}

/* Sum the error counts over MPI_COMM_WORLD; rank 0 prints the verdict. */
void MTest_Finalize(int errs)
{
    int rank, toterrs = 0, merr;

    merr = MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (merr)
        MTestPrintError(merr);
    merr = MPI_Reduce(&errs, &toterrs, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (merr)
        MTestPrintError(merr);
    if (rank == 0) {
        if (toterrs)
            printf(" Found %d errors\n", toterrs);
        else
            printf(" No Errors\n");
        fflush(stdout);
    }
    MPI_Finalize();
}

int MTestReturnValue(int errs)
{
    int finalized = 0;
    (void) errs;
    MPI_Finalized(&finalized);
    if (!finalized)
        MPI_Finalize();
    return 0;
}

void MTestPrintErrorMsg(const char *msg, int errcode)
{
    int errclass, slen;
    char string[MPI_MAX_ERROR_STRING];

    MPI_Error_class(errcode, &errclass);
    MPI_Error_string(errcode, string, &slen);
    fprintf(stderr, "%s: Error class %d (%s)\n", msg, errclass, string);
    fflush(stderr);
}

void MTestPrintError(int errcode)
{
    MTestPrintErrorMsg("MPI error", errcode);
}

void MTestPrintfMsg(int level, const char *format, ...)
{
    va_list list;
    if (verbose && level <= verbose) {
        va_start(list, format);
        vprintf(format, list);
        va_end(list);
        fflush(stdout);
    }
}

void MTestError(const char *msg)
{
    fprintf(stderr, "%s\n", msg);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
}

void MTestSleep(int seconds)
{
    sleep(seconds);
}

/*
 * The same sequence of intracommunicators as MPICH's harness: world, a dup of
 * world, world with ranks reversed, each half of world with ranks reversed,
 * MPI_COMM_SELF, then (when allowSmaller) world less its last 1..4 ranks.
 * Communicators smaller than min_size are skipped; a process outside the
 * communicator gets MPI_COMM_NULL.  Returns 0 when the sequence is done.
 */
int MTestGetIntracommGeneral(MPI_Comm *comm, int min_size, int allowSmaller)
{
    int size, rank, merr, done = 0, isBasic;

    while (!done) {
        isBasic = 0;
        intraCommName = "";
        switch (intraCommIdx) {
        case 0:
            *comm = MPI_COMM_WORLD;
            isBasic = 1;
            intraCommName = "MPI_COMM_WORLD";
            break;
        case 1:
            merr = MPI_Comm_dup(MPI_COMM_WORLD, comm);
            if (merr)
                MTestPrintError(merr);
            intraCommName = "Dup of MPI_COMM_WORLD";
            break;
        case 2:
            MPI_Comm_size(MPI_COMM_WORLD, &size);
            MPI_Comm_rank(MPI_COMM_WORLD, &rank);
            merr = MPI_Comm_split(MPI_COMM_WORLD, 0, size - rank, comm);
            if (merr)
                MTestPrintError(merr);
            intraCommName = "Rank reverse of MPI_COMM_WORLD";
            break;
        case 3:
            MPI_Comm_size(MPI_COMM_WORLD, &size);
            MPI_Comm_rank(MPI_COMM_WORLD, &rank);
            merr = MPI_Comm_split(MPI_COMM_WORLD, (rank < size / 2), size - rank, comm);
            if (merr)
                MTestPrintError(merr);
            intraCommName = "Rank reverse of half of MPI_COMM_WORLD";
            break;
        case 4:
            *comm = MPI_COMM_SELF;
            isBasic = 1;
            intraCommName = "MPI_COMM_SELF";
            break;
        case 5:
        case 6:
        case 7:
        case 8:{
                int newsize;
                MPI_Comm_size(MPI_COMM_WORLD, &size);
                newsize = size - (intraCommIdx - 4);
                if (allowSmaller && newsize >= min_size) {
                    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
                    merr = MPI_Comm_split(MPI_COMM_WORLD, rank < newsize, rank, comm);
                    if (merr)
                        MTestPrintError(merr);
                    if (rank >= newsize) {
                        merr = MPI_Comm_free(comm);
                        if (merr)
                            MTestPrintError(merr);
                        *comm = MPI_COMM_NULL;
                    } else {
                        intraCommName = "Split of WORLD";
                    }
                } else {
                    *comm = MPI_COMM_NULL;
                    isBasic = 1;
                    intraCommName = "MPI_COMM_NULL";
                    intraCommIdx = -1;
                }
                break;
            }
        default:
            *comm = MPI_COMM_NULL;
            isBasic = 1;
            intraCommName = "MPI_COMM_NULL";
            intraCommIdx = -1;
            break;
        }

        if (*comm != MPI_COMM_NULL) {
            merr = MPI_Comm_size(*comm, &size);
            if (merr)
                MTestPrintError(merr);
            if (size >= min_size)
                done = 1;
            else {
                if (!isBasic) {
                    merr = MPI_Comm_free(comm);
                    if (merr)
                        MTestPrintError(merr);
                }
                intraCommIdx++;
            }
        } else
            done = 1;
    }

    intraCommIdx++;
    return intraCommIdx;
}

int MTestGetIntracomm(MPI_Comm *comm, int min_size)
{
    return MTestGetIntracommGeneral(comm, min_size, 0);
}

const char *MTestGetIntracommName(void)
{
    return intraCommName;
}

void MTestFreeComm(MPI_Comm *comm)
{
    int merr;
    if (*comm != MPI_COMM_WORLD && *comm != MPI_COMM_SELF && *comm != MPI_COMM_NULL) {
        merr = MPI_Comm_free(comm);
        if (merr)
            MTestPrintError(merr);
    }
}
