/*
 * mpi.h -- the C interface of Brazos, an MPI-like runtime written in Swift.
 *
 * Every function declared here is implemented in Swift and exported from
 * libbrazosmpi.so; this header only describes that library to C (and C++)
 * callers.  It covers the subset of MPI that Brazos implements and nothing
 * more, so a program that calls anything else fails to compile instead of
 * failing to link or, worse, linking against another MPI.
 *
 * Types, handle values and integer constants follow the MPI 5.0 standard ABI
 * (MPI 5.0 report, chapter 20 and the "Defined Values and Handles" annex), so a
 * binary built against this header agrees bit for bit with one built against
 * any conforming standard-ABI mpi.h for the part they share.
 *
 * Where the values come from:
 *   - mpi-forum/mpi-abi-stubs, mpi.h (commit 90d88b071aecb0c9a13e3d36528bc7f7cd14b896):
 *     handle typedefs, every predefined handle value, MPI_Status, MPI_Aint /
 *     MPI_Offset / MPI_Count, error classes (incl. MPI_ERR_ABI = 62),
 *     sentinels, thread levels, comparison results, string-length limits and
 *     the C prototypes.
 *   - mpi4py/mpi4py, src/abi-stub/mpi.h (commit bf66a232dd7fc5b7b612e1cddf47e03a6446c9a3):
 *     the values of MPI_ERRORS_ABORT and MPI_ERRORS_RETURN only.  The stored
 *     copies of mpi-abi-stubs predate mpi-forum/mpi-abi-stubs PR #72, which
 *     swapped those two to match the ratified standard (see also
 *     pmodels/mpich PR #7633); the mpi4py header is generated after that fix.
 *   - MPI 5.0 report, section 22.1.1 (mpi-forum.org/docs/mpi-5.0/mpi50-report/
 *     node540.htm): cross-check of the error-class values.
 */
#ifndef MPI_H
#define MPI_H

#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define MPI_VERSION    5
#define MPI_SUBVERSION 0

/* ---------------------------------------------------------------------------
 * Integer types.  The ABI pins these to fixed C types so that no
 * implementation can pick a different width.
 * ------------------------------------------------------------------------- */
typedef intptr_t   MPI_Aint;
typedef int64_t    MPI_Offset;
typedef MPI_Offset MPI_Count;

/* ---------------------------------------------------------------------------
 * Status.  Three public fields, then private ints up to a fixed 8-int (32-byte)
 * size; Brazos keeps its own bookkeeping (e.g. the received byte count) in
 * MPI_internal, which callers must not touch.
 * ------------------------------------------------------------------------- */
typedef struct {
    int MPI_SOURCE;
    int MPI_TAG;
    int MPI_ERROR;
    int MPI_internal[5];
} MPI_Status;

/* ---------------------------------------------------------------------------
 * Handles.  Pointers to incomplete structs, so the compiler rejects mixing
 * handle kinds.  Predefined handles are small integers (never 0, all below
 * 4096) cast to the handle type: no valid object lives at those addresses, and
 * a predefined handle can be recognised without dereferencing it.
 * ------------------------------------------------------------------------- */
typedef struct MPI_ABI_Op         *MPI_Op;
typedef struct MPI_ABI_Comm       *MPI_Comm;
typedef struct MPI_ABI_Group      *MPI_Group;
typedef struct MPI_ABI_Errhandler *MPI_Errhandler;
typedef struct MPI_ABI_Request    *MPI_Request;
typedef struct MPI_ABI_Datatype   *MPI_Datatype;
typedef struct MPI_ABI_Info       *MPI_Info;
typedef struct MPI_ABI_Message    *MPI_Message;
typedef struct MPI_ABI_Session    *MPI_Session;
typedef struct MPI_ABI_Win        *MPI_Win;
typedef struct MPI_ABI_File       *MPI_File;

/* Reduction operations (ABI range 0x20-0x3f). */
#define MPI_OP_NULL            ((MPI_Op)0x00000020)
#define MPI_SUM                ((MPI_Op)0x00000021)
#define MPI_MIN                ((MPI_Op)0x00000022)
#define MPI_MAX                ((MPI_Op)0x00000023)
#define MPI_PROD               ((MPI_Op)0x00000024)
#define MPI_BAND               ((MPI_Op)0x00000028)
#define MPI_BOR                ((MPI_Op)0x00000029)
#define MPI_BXOR               ((MPI_Op)0x0000002a)
#define MPI_LAND               ((MPI_Op)0x00000030)
#define MPI_LOR                ((MPI_Op)0x00000031)
#define MPI_LXOR               ((MPI_Op)0x00000032)
#define MPI_MINLOC             ((MPI_Op)0x00000038)
#define MPI_MAXLOC             ((MPI_Op)0x00000039)

/* Communicators. */
#define MPI_COMM_NULL          ((MPI_Comm)0x00000100)
#define MPI_COMM_WORLD         ((MPI_Comm)0x00000101)
#define MPI_COMM_SELF          ((MPI_Comm)0x00000102)

/* Groups. */
#define MPI_GROUP_NULL         ((MPI_Group)0x00000108)
#define MPI_GROUP_EMPTY        ((MPI_Group)0x00000109)

/* Error handlers.  ABORT/RETURN are 0x142/0x143 in the ratified standard; the
 * pre-ratification drafts had them the other way round. */
#define MPI_ERRHANDLER_NULL    ((MPI_Errhandler)0x00000140)
#define MPI_ERRORS_ARE_FATAL   ((MPI_Errhandler)0x00000141)
#define MPI_ERRORS_ABORT       ((MPI_Errhandler)0x00000142)
#define MPI_ERRORS_RETURN      ((MPI_Errhandler)0x00000143)

/* Requests. */
#define MPI_REQUEST_NULL       ((MPI_Request)0x00000180)

/* Windows, files, sessions, messages and info objects. */
#define MPI_WIN_NULL           ((MPI_Win)0x00000110)
#define MPI_FILE_NULL          ((MPI_File)0x00000118)
#define MPI_SESSION_NULL       ((MPI_Session)0x00000120)
#define MPI_MESSAGE_NULL       ((MPI_Message)0x00000128)
#define MPI_MESSAGE_NO_PROC    ((MPI_Message)0x00000129)
#define MPI_INFO_NULL          ((MPI_Info)0x00000130)
#define MPI_INFO_ENV           ((MPI_Info)0x00000131)

/* Datatypes (ABI range 0x200-0x3ff).  The gaps belong to types Brazos does
 * not offer (Fortran, complex, MPI_AINT, ...); the values are the ABI's, not a
 * renumbering. */
#define MPI_DATATYPE_NULL      ((MPI_Datatype)0x00000200)
#define MPI_SHORT              ((MPI_Datatype)0x00000208)
#define MPI_INT                ((MPI_Datatype)0x00000209)
#define MPI_LONG               ((MPI_Datatype)0x0000020a)
#define MPI_LONG_LONG          ((MPI_Datatype)0x0000020b)
#define MPI_LONG_LONG_INT      MPI_LONG_LONG   /* same handle, by the standard */
#define MPI_UNSIGNED_SHORT     ((MPI_Datatype)0x0000020c)
#define MPI_UNSIGNED           ((MPI_Datatype)0x0000020d)
#define MPI_UNSIGNED_LONG      ((MPI_Datatype)0x0000020e)
#define MPI_UNSIGNED_LONG_LONG ((MPI_Datatype)0x0000020f)
#define MPI_FLOAT              ((MPI_Datatype)0x00000210)
#define MPI_DOUBLE             ((MPI_Datatype)0x00000214)
#define MPI_LONG_DOUBLE        ((MPI_Datatype)0x00000220)
#define MPI_FLOAT_INT          ((MPI_Datatype)0x00000228)
#define MPI_DOUBLE_INT         ((MPI_Datatype)0x00000229)
#define MPI_LONG_INT           ((MPI_Datatype)0x0000022a)
#define MPI_2INT               ((MPI_Datatype)0x0000022b)
#define MPI_SHORT_INT          ((MPI_Datatype)0x0000022c)
#define MPI_LONG_DOUBLE_INT    ((MPI_Datatype)0x0000022d)
#define MPI_C_BOOL             ((MPI_Datatype)0x00000238)
#define MPI_INT8_T             ((MPI_Datatype)0x00000240)
#define MPI_UINT8_T            ((MPI_Datatype)0x00000241)
#define MPI_CHAR               ((MPI_Datatype)0x00000243)
#define MPI_SIGNED_CHAR        ((MPI_Datatype)0x00000244)
#define MPI_UNSIGNED_CHAR      ((MPI_Datatype)0x00000245)
#define MPI_BYTE               ((MPI_Datatype)0x00000247)
#define MPI_INT16_T            ((MPI_Datatype)0x00000248)
#define MPI_UINT16_T           ((MPI_Datatype)0x00000249)
#define MPI_INT32_T            ((MPI_Datatype)0x00000250)
#define MPI_UINT32_T           ((MPI_Datatype)0x00000251)
#define MPI_INT64_T            ((MPI_Datatype)0x00000258)
#define MPI_UINT64_T           ((MPI_Datatype)0x00000259)

/* ---------------------------------------------------------------------------
 * Special pointers.  MPI_IN_PLACE is 1 rather than 0 so that it can never be
 * confused with a null buffer.  The two status sentinels are both null.
 * ------------------------------------------------------------------------- */
#define MPI_IN_PLACE           ((void *)1)
#define MPI_STATUS_IGNORE      ((MPI_Status *)0)
#define MPI_STATUSES_IGNORE    ((MPI_Status *)0)

/* ---------------------------------------------------------------------------
 * Integer constants.  Plain macros (not enums) so that C++ and Swift see them
 * with type int.
 * ------------------------------------------------------------------------- */

/* Wildcards and rank sentinels: all negative so no real rank or tag collides. */
#define MPI_ANY_SOURCE         (-1)
#define MPI_ANY_TAG            (-2)
#define MPI_PROC_NULL          (-3)
#define MPI_UNDEFINED          (-32766)

/* Thread levels: spaced out so that levels could be added in between, yet still
 * ordered SINGLE < FUNNELED < SERIALIZED < MULTIPLE as the standard requires. */
#define MPI_THREAD_SINGLE      0
#define MPI_THREAD_FUNNELED    1024
#define MPI_THREAD_SERIALIZED  2048
#define MPI_THREAD_MULTIPLE    4096

/* Results of MPI_Comm_compare (and group comparison). */
#define MPI_IDENT              201
#define MPI_CONGRUENT          202
#define MPI_SIMILAR            203
#define MPI_UNEQUAL            204

/* Buffer sizes callers must provide, counting the terminating NUL. */
#define MPI_MAX_PROCESSOR_NAME          256
#define MPI_MAX_ERROR_STRING            512
#define MPI_MAX_LIBRARY_VERSION_STRING 8192

/* Error classes.  Note the ABI order: MPI_ERR_PENDING is 18 and
 * MPI_ERR_IN_STATUS is 19. */
#define MPI_SUCCESS                    0
#define MPI_ERR_BUFFER                 1
#define MPI_ERR_COUNT                  2
#define MPI_ERR_TYPE                   3
#define MPI_ERR_TAG                    4
#define MPI_ERR_COMM                   5
#define MPI_ERR_RANK                   6
#define MPI_ERR_REQUEST                7
#define MPI_ERR_ROOT                   8
#define MPI_ERR_GROUP                  9
#define MPI_ERR_OP                     10
#define MPI_ERR_TOPOLOGY               11
#define MPI_ERR_DIMS                   12
#define MPI_ERR_ARG                    13
#define MPI_ERR_UNKNOWN                14
#define MPI_ERR_TRUNCATE               15
#define MPI_ERR_OTHER                  16
#define MPI_ERR_INTERN                 17
#define MPI_ERR_PENDING                18
#define MPI_ERR_IN_STATUS              19
#define MPI_ERR_ACCESS                 20
#define MPI_ERR_AMODE                  21
#define MPI_ERR_ASSERT                 22
#define MPI_ERR_BAD_FILE               23
#define MPI_ERR_BASE                   24
#define MPI_ERR_CONVERSION             25
#define MPI_ERR_DISP                   26
#define MPI_ERR_DUP_DATAREP            27
#define MPI_ERR_FILE_EXISTS            28
#define MPI_ERR_FILE_IN_USE            29
#define MPI_ERR_FILE                   30
#define MPI_ERR_INFO_KEY               31
#define MPI_ERR_INFO_NOKEY             32
#define MPI_ERR_INFO_VALUE             33
#define MPI_ERR_INFO                   34
#define MPI_ERR_IO                     35
#define MPI_ERR_KEYVAL                 36
#define MPI_ERR_LOCKTYPE               37
#define MPI_ERR_NAME                   38
#define MPI_ERR_NO_MEM                 39
#define MPI_ERR_NOT_SAME               40
#define MPI_ERR_NO_SPACE               41
#define MPI_ERR_NO_SUCH_FILE           42
#define MPI_ERR_PORT                   43
#define MPI_ERR_QUOTA                  44
#define MPI_ERR_READ_ONLY              45
#define MPI_ERR_RMA_ATTACH             46
#define MPI_ERR_RMA_CONFLICT           47
#define MPI_ERR_RMA_RANGE              48
#define MPI_ERR_RMA_SHARED             49
#define MPI_ERR_RMA_SYNC               50
#define MPI_ERR_SERVICE                51
#define MPI_ERR_SIZE                   52
#define MPI_ERR_SPAWN                  53
#define MPI_ERR_UNSUPPORTED_DATAREP    54
#define MPI_ERR_UNSUPPORTED_OPERATION  55
#define MPI_ERR_WIN                    56
#define MPI_ERR_RMA_FLAVOR             57
#define MPI_ERR_PROC_ABORTED           58
#define MPI_ERR_VALUE_TOO_LARGE        59
#define MPI_ERR_SESSION                60
#define MPI_ERR_ERRHANDLER             61
#define MPI_ERR_ABI                    62
/* Fixed by the ABI rather than "last predefined class": error codes above it
 * are free for the implementation, and 0x3fff fits any conforming int. */
#define MPI_ERR_LASTCODE               0x3fff

/* ---------------------------------------------------------------------------
 * Callback types.
 * ------------------------------------------------------------------------- */
typedef void (MPI_User_function)(void *invec, void *inoutvec, int *len,
                                 MPI_Datatype *datatype);
/* The large-count one (MPI_Op_create_c): the length is an MPI_Count. */
typedef void (MPI_User_function_c)(void *invec, void *inoutvec, MPI_Count *len,
                                   MPI_Datatype *datatype);
typedef void (MPI_Comm_errhandler_function)(MPI_Comm *comm, int *errorcode, ...);

/* ---------------------------------------------------------------------------
 * Functions.  Prototypes as in MPI 5.0 (const-correct input buffers and
 * arrays); counts are int -- the large-count _c variants are not provided.
 * ------------------------------------------------------------------------- */

/* Environment */
int MPI_Init(int *argc, char ***argv);
int MPI_Init_thread(int *argc, char ***argv, int required, int *provided);
int MPI_Initialized(int *flag);
int MPI_Finalize(void);
int MPI_Finalized(int *flag);
int MPI_Abort(MPI_Comm comm, int errorcode);
int MPI_Get_processor_name(char *name, int *resultlen);
int MPI_Get_version(int *version, int *subversion);
int MPI_Get_library_version(char *version, int *resultlen);
double MPI_Wtime(void);
double MPI_Wtick(void);

/* Point-to-point */
int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
             MPI_Comm comm);
int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag,
             MPI_Comm comm, MPI_Status *status);
int MPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
              MPI_Comm comm, MPI_Request *request);
int MPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag,
              MPI_Comm comm, MPI_Request *request);
int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                 int dest, int sendtag,
                 void *recvbuf, int recvcount, MPI_Datatype recvtype,
                 int source, int recvtag,
                 MPI_Comm comm, MPI_Status *status);
int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status);
int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status);
int MPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count);
int MPI_Get_count_c(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count);

/* Persistent requests */
int MPI_Send_init(const void *buf, int count, MPI_Datatype datatype, int dest,
                  int tag, MPI_Comm comm, MPI_Request *request);
int MPI_Recv_init(void *buf, int count, MPI_Datatype datatype, int source,
                  int tag, MPI_Comm comm, MPI_Request *request);
int MPI_Start(MPI_Request *request);
int MPI_Startall(int count, MPI_Request array_of_requests[]);

/* Completion */
int MPI_Wait(MPI_Request *request, MPI_Status *status);
int MPI_Waitall(int count, MPI_Request array_of_requests[],
                MPI_Status array_of_statuses[]);
int MPI_Waitany(int count, MPI_Request array_of_requests[], int *indx,
                MPI_Status *status);
int MPI_Waitsome(int incount, MPI_Request array_of_requests[], int *outcount,
                 int array_of_indices[], MPI_Status array_of_statuses[]);
int MPI_Test(MPI_Request *request, int *flag, MPI_Status *status);
int MPI_Testall(int count, MPI_Request array_of_requests[], int *flag,
                MPI_Status array_of_statuses[]);
int MPI_Testany(int count, MPI_Request array_of_requests[], int *indx, int *flag,
                MPI_Status *status);
int MPI_Testsome(int incount, MPI_Request array_of_requests[], int *outcount,
                 int array_of_indices[], MPI_Status array_of_statuses[]);
int MPI_Request_free(MPI_Request *request);

/* Collectives */
int MPI_Barrier(MPI_Comm comm);
int MPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root,
              MPI_Comm comm);
int MPI_Reduce(const void *sendbuf, void *recvbuf, int count,
               MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm);
int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count,
                  MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
               void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
               MPI_Comm comm);
int MPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                void *recvbuf, const int recvcounts[], const int displs[],
                MPI_Datatype recvtype, int root, MPI_Comm comm);
int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                void *recvbuf, int recvcount, MPI_Datatype recvtype, int root,
                MPI_Comm comm);
int MPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                 MPI_Datatype sendtype, void *recvbuf, int recvcount,
                 MPI_Datatype recvtype, int root, MPI_Comm comm);
int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                  void *recvbuf, int recvcount, MPI_Datatype recvtype,
                  MPI_Comm comm);
int MPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                   void *recvbuf, const int recvcounts[], const int displs[],
                   MPI_Datatype recvtype, MPI_Comm comm);
int MPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype,
                 void *recvbuf, int recvcount, MPI_Datatype recvtype,
                 MPI_Comm comm);
int MPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                  MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                  const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm);
int MPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                       MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
int MPI_Scan(const void *sendbuf, void *recvbuf, int count,
             MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
int MPI_Exscan(const void *sendbuf, void *recvbuf, int count,
               MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);

/* Communicators and groups */
int MPI_Comm_size(MPI_Comm comm, int *size);
int MPI_Comm_rank(MPI_Comm comm, int *rank);
int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm);
int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm);
int MPI_Comm_free(MPI_Comm *comm);
int MPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result);
int MPI_Comm_group(MPI_Comm comm, MPI_Group *group);
int MPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm);
int MPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup);
int MPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup);
int MPI_Group_size(MPI_Group group, int *size);
int MPI_Group_rank(MPI_Group group, int *rank);
int MPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[],
                              MPI_Group group2, int ranks2[]);
int MPI_Group_free(MPI_Group *group);

/* Reduction operations */
int MPI_Op_create(MPI_User_function *user_fn, int commute, MPI_Op *op);
int MPI_Op_create_c(MPI_User_function_c *user_fn, int commute, MPI_Op *op);
int MPI_Op_free(MPI_Op *op);

/* Error handling */
int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler);
int MPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler);
int MPI_Comm_create_errhandler(MPI_Comm_errhandler_function *comm_errhandler_fn,
                               MPI_Errhandler *errhandler);
int MPI_Errhandler_free(MPI_Errhandler *errhandler);
int MPI_Error_string(int errorcode, char *string, int *resultlen);
int MPI_Error_class(int errorcode, int *errorclass);

/* Derived datatypes */
int MPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype);
int MPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype,
                    MPI_Datatype *newtype);
int MPI_Type_commit(MPI_Datatype *datatype);
int MPI_Type_free(MPI_Datatype *datatype);
int MPI_Type_size(MPI_Datatype datatype, int *size);

#if defined(__cplusplus)
}
#endif

/* The rest, one part a concept; each part has its own extern "C". */
#include "brazos-mpi/pt2pt.h"
#include "brazos-mpi/collectives.h"
#include "brazos-mpi/datatypes.h"
#include "brazos-mpi/communicators.h"
#include "brazos-mpi/environment.h"
#include "brazos-mpi/windows.h"
/* Brazos's MPIX_ extensions (a checkpoint point). */
#include "brazos-mpix.h"
/* Last: PMPI_X for every MPI_X above (generated by scripts/profiling-interface). */
#include "brazos-mpi/profiling.h"

#endif /* MPI_H */
