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

/*
 * Intercommunicators for the tests that walk over them (communicators part):
 * the two halves of world (leaders their first ranks, then their last ranks),
 * the even and odd ranks, and a dup of the first.  Communicators whose local or
 * remote group is smaller than min_size are skipped.  Needs two processes; with
 * one, the walk is empty.  Returns 0 when the sequence is done.
 */
static int interCommIdx = 0;
static const char *interCommName = "";

static MPI_Comm MTestMakeIntercomm(int lower, int local_leader, int remote_leader_world)
{
    MPI_Comm local, inter;
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_split(MPI_COMM_WORLD, lower, rank, &local);
    MPI_Intercomm_create(local, local_leader, MPI_COMM_WORLD, remote_leader_world, 12345, &inter);
    MPI_Comm_free(&local);
    return inter;
}

int MTestGetIntercomm(MPI_Comm *comm, int *isLeftGroup, int min_size)
{
    int size, rank, half, lower, local_size, remote_size;

    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    half = size / 2;
    for (;;) {
        *comm = MPI_COMM_NULL;
        if (size < 2) {
            interCommIdx = 0;
            return 0;
        }
        switch (interCommIdx) {
        case 0:
            lower = rank < half;
            *comm = MTestMakeIntercomm(lower, 0, lower ? half : 0);
            interCommName = "Intercomm by splitting MPI_COMM_WORLD";
            break;
        case 1:
            lower = rank < half;
            *comm = MTestMakeIntercomm(lower, lower ? half - 1 : size - half - 1, lower ? size - 1 : half - 1);
            interCommName = "Intercomm by splitting MPI_COMM_WORLD, last ranks leading";
            break;
        case 2:
            lower = rank % 2 == 0;
            *comm = MTestMakeIntercomm(lower, 0, lower ? 1 : 0);
            interCommName = "Intercomm of the even and odd ranks";
            break;
        case 3: {
            MPI_Comm first;
            lower = rank < half;
            first = MTestMakeIntercomm(lower, 0, lower ? half : 0);
            MPI_Comm_dup(first, comm);
            MPI_Comm_free(&first);
            interCommName = "Dup of an intercomm";
            break;
        }
        default:
            interCommIdx = 0;
            interCommName = "MPI_COMM_NULL";
            return 0;
        }
        interCommIdx++;
        *isLeftGroup = lower;
        MPI_Comm_size(*comm, &local_size);
        MPI_Comm_remote_size(*comm, &remote_size);
        if (local_size >= min_size && remote_size >= min_size)
            return interCommIdx;
        MPI_Comm_free(comm);
    }
}

const char *MTestGetIntercommName(void)
{
    return interCommName;
}

/* The intracommunicators of MTestGetIntracomm, then the intercommunicators. */
static int commWalkInter = 0;

int MTestGetComm(MPI_Comm *comm, int min_size)
{
    int isLeft;
    if (!commWalkInter) {
        if (MTestGetIntracomm(comm, min_size))
            return 1;
        commWalkInter = 1;
    }
    if (MTestGetIntercomm(comm, &isLeft, min_size))
        return 1;
    commWalkInter = 0;
    return 0;
}

/*
 * Checks that a communicator carries messages: on an intracommunicator each rank
 * sends its rank to the next (in a ring); on an intercommunicator local rank i
 * sends to remote rank i modulo the remote size.  Every rank checks what it
 * receives.  Returns the number of errors.
 */
int MTestTestComm(MPI_Comm comm)
{
    int is_inter, rank, size, remote_size, value, expected = 0, j, errs = 0;
    MPI_Request request;
    MPI_Status status;

    if (comm == MPI_COMM_NULL)
        return 0;
    MPI_Comm_test_inter(comm, &is_inter);
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (!is_inter) {
        MPI_Isend(&rank, 1, MPI_INT, (rank + 1) % size, 0, comm, &request);
        MPI_Recv(&value, 1, MPI_INT, (rank + size - 1) % size, 0, comm, &status);
        if (value != (rank + size - 1) % size) {
            errs++;
            fprintf(stderr, "MTestTestComm: received %d from rank %d\n", value, (rank + size - 1) % size);
        }
        MPI_Wait(&request, MPI_STATUS_IGNORE);
        return errs;
    }
    MPI_Comm_remote_size(comm, &remote_size);
    MPI_Isend(&rank, 1, MPI_INT, rank % remote_size, 0, comm, &request);
    for (j = 0; j < remote_size; j++)
        if (j % size == rank)
            expected++;
    for (j = 0; j < expected; j++) {
        MPI_Recv(&value, 1, MPI_INT, MPI_ANY_SOURCE, 0, comm, &status);
        if (value != status.MPI_SOURCE || status.MPI_SOURCE % size != rank) {
            errs++;
            fprintf(stderr, "MTestTestComm: received %d from remote rank %d\n", value, status.MPI_SOURCE);
        }
    }
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    return errs;
}
