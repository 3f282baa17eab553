/*
 * mpitest.h - written for Brazos (not copied from MPICH).
 *
 * The MPICH test programs in this directory include "mpitest.h" and call a few
 * routines of MPICH's test harness (test/mpi/util/mtest.c).  This header and
 * mtest.c are our own, smaller implementation of just those routines, with the
 * same behaviour, using only the MPI subset Brazos implements.
 */
#ifndef MPITEST_H_INCLUDED
#define MPITEST_H_INCLUDED

#include "mpi.h"
#include "mpitestconf.h"
#include "mpithreadtest.h"
#include <stdbool.h>

#define MTEST_HAVE_MIN_MPI_VERSION(major, minor) \
    ((MPI_VERSION == (major) && MPI_SUBVERSION >= (minor)) || (MPI_VERSION > (major)))

/* MPICH clears memory for valgrind here; nothing needs it without valgrind. */
#define MTEST_VG_MEM_INIT(addr_, size_) do { (void) (addr_); (void) (size_); } while (0)

void MTest_Init(int *argc, char ***argv);
void MTest_Init_thread(int *argc, char ***argv, int required, int *provided);
void MTest_Finalize(int errs);
int MTestReturnValue(int errs);
void MTestPrintError(int errcode);
void MTestPrintErrorMsg(const char *msg, int errcode);
void MTestPrintfMsg(int level, const char *format, ...);
void MTestError(const char *msg);
void MTestSleep(int seconds);

int MTestGetIntracomm(MPI_Comm *comm, int min_size);
int MTestGetIntracommGeneral(MPI_Comm *comm, int min_size, int allowSmaller);
const char *MTestGetIntracommName(void);
void MTestFreeComm(MPI_Comm *comm);
int MTestGetIntercomm(MPI_Comm *comm, int *isLeftGroup, int min_size);
const char *MTestGetIntercommName(void);
int MTestGetComm(MPI_Comm *comm, int min_size);
int MTestTestComm(MPI_Comm comm);

#endif
