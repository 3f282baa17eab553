/*
 * MPI 4 sessions beside the world model.  A session opened before MPI_Init leaves
 * MPI_Initialized false; it has the process sets mpi://WORLD and mpi://SELF
 * (MPI_Session_get_num_psets, MPI_Session_get_nth_pset with the length query and a
 * short buffer), whose groups (MPI_Group_from_session_pset) are MPI_COMM_WORLD's
 * group and the caller alone; an unknown set name or set number is MPI_ERR_ARG,
 * given to the session's MPI_ERRORS_RETURN.  A handler made by
 * MPI_Session_create_errhandler gets the session and the code of
 * MPI_Session_call_errhandler, and of a failed call on the session; a communicator's
 * handler cannot be set on a session.  A session outlives MPI_Finalize: its groups
 * still work, and MPI_Session_finalize sets the handle to MPI_SESSION_NULL.
 * Open MPI 4.1 has no sessions (MPI_VERSION 3): there only the verdict is printed.
 * Any number of processes.
 */
#include "testutil.h"

#if MPI_VERSION >= 4
static int calls = 0, last_code = -1;
static MPI_Session last_session = MPI_SESSION_NULL;

static void on_session_error(MPI_Session *session, int *code, ...)
{
    calls++;
    last_code = *code;
    last_session = *session;
}

static void on_comm_error(MPI_Comm *comm, int *code, ...)
{
}
#endif

int main(int argc, char **argv)
{
#if MPI_VERSION >= 4
    MPI_Session early, late;
    MPI_Group world_group, self_group, comm_group;
    MPI_Errhandler handler, comm_handler, current;
    int flag = -1, npsets = -1, len, i, rank = -1, size = -1, n = -1, r = -1, code, cls, total = 0, before;
    char name[MPI_MAX_PSET_NAME_LEN];

    MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &early);
    MPI_Initialized(&flag);
    CHECK_INT(flag, 0, "MPI_Initialized with only a session");

    MPI_Session_get_num_psets(early, MPI_INFO_NULL, &npsets);
    CHECK_INT(npsets, 2, "MPI_Session_get_num_psets");
    for (i = 0; i < 2; i++) {
        const char *expected = i == 0 ? "mpi://WORLD" : "mpi://SELF";
        len = 0;
        MPI_Session_get_nth_pset(early, MPI_INFO_NULL, i, &len, name);
        CHECK_INT(len, strlen(expected) + 1, "the length MPI_Session_get_nth_pset asks for");
        len = sizeof name;
        MPI_Session_get_nth_pset(early, MPI_INFO_NULL, i, &len, name);
        CHECK(strcmp(name, expected) == 0, "process set %d is '%s', expected '%s'", i, name, expected);
    }
    len = 6;
    MPI_Session_get_nth_pset(early, MPI_INFO_NULL, 0, &len, name);
    CHECK(strcmp(name, "mpi:/") == 0, "a process set name cut to 6 bytes is '%s'", name);
    CHECK_CLASS(MPI_Session_get_nth_pset(early, MPI_INFO_NULL, 2, &len, name), MPI_ERR_ARG, "process set number 2");
    CHECK_CLASS(MPI_Group_from_session_pset(early, "mpi://NOWHERE", &world_group), MPI_ERR_ARG,
                "the group of an unknown process set");

    MPI_Group_from_session_pset(early, "mpi://WORLD", &world_group);
    MPI_Group_from_session_pset(early, "mpi://SELF", &self_group);

    MPI_Init(&argc, &argv);
    MPI_Initialized(&flag);
    CHECK_INT(flag, 1, "MPI_Initialized after MPI_Init beside a session");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Group_size(world_group, &n);
    CHECK_INT(n, size, "size of mpi://WORLD");
    MPI_Group_rank(world_group, &r);
    CHECK_INT(r, rank, "rank in mpi://WORLD");
    MPI_Comm_group(MPI_COMM_WORLD, &comm_group);
    for (i = 0; i < size; i++) {
        int in_world = -1;
        MPI_Group_translate_ranks(world_group, 1, &i, comm_group, &in_world);
        CHECK_INT(in_world, i, "mpi://WORLD rank translated to MPI_COMM_WORLD");
    }
    MPI_Group_free(&comm_group);
    MPI_Group_size(self_group, &n);
    CHECK_INT(n, 1, "size of mpi://SELF");
    MPI_Group_rank(self_group, &r);
    CHECK_INT(r, 0, "rank in mpi://SELF");
    {
        int zero = 0, in_world = -1;
        MPI_Group_translate_ranks(self_group, 1, &zero, world_group, &in_world);
        CHECK_INT(in_world, rank, "mpi://SELF's member in mpi://WORLD");
    }
    MPI_Group_free(&self_group);
    MPI_Group_free(&world_group);

    /* Error handlers of sessions. */
    MPI_Session_create_errhandler(on_session_error, &handler);
    MPI_Comm_create_errhandler(on_comm_error, &comm_handler);
    CHECK_CLASS(MPI_Session_set_errhandler(early, comm_handler), MPI_ERR_ARG,
                "a communicator's handler set on a session");
    MPI_Session_set_errhandler(early, handler);
    MPI_Add_error_class(&cls);
    MPI_Add_error_code(cls, &code);
    CHECK_INT(MPI_Session_call_errhandler(early, code), MPI_SUCCESS, "MPI_Session_call_errhandler");
    CHECK_INT(calls, 1, "calls of the session's handler");
    CHECK_INT(last_code, code, "code given to the session's handler");
    CHECK(last_session == early, "the session's handler was given another session");
    MPI_Session_get_num_psets(early, MPI_INFO_NULL, NULL);
    CHECK_INT(calls, 2, "calls of the session's handler after a failed call on it");
    CHECK_INT(last_code, MPI_ERR_ARG, "code of a failed call given to the session's handler");
    MPI_Session_get_errhandler(early, &current);
    CHECK(current != MPI_ERRHANDLER_NULL && current != MPI_ERRORS_RETURN, "MPI_Session_get_errhandler");
    MPI_Errhandler_free(&current);
    MPI_Errhandler_free(&handler);
    MPI_Errhandler_free(&comm_handler);
    MPI_Session_set_errhandler(early, MPI_ERRORS_RETURN);
    MPI_Session_get_errhandler(early, &current);
    CHECK(current == MPI_ERRORS_RETURN, "MPI_Session_get_errhandler after setting MPI_ERRORS_RETURN");

    MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &late);
    MPI_Session_finalize(&early);
    CHECK(early == MPI_SESSION_NULL, "MPI_Session_finalize did not set the handle to MPI_SESSION_NULL");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    CHECK_CLASS(MPI_Session_get_num_psets(MPI_SESSION_NULL, MPI_INFO_NULL, &npsets), MPI_ERR_SESSION,
                "MPI_Session_get_num_psets of MPI_SESSION_NULL");

    /* The verdict, then MPI_Finalize; the late session goes on after it. */
    MPI_Allreduce(&tu_errs, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    before = tu_errs;
    MPI_Finalize();
    MPI_Group_from_session_pset(late, "mpi://WORLD", &world_group);
    n = -1;
    MPI_Group_size(world_group, &n);
    CHECK_INT(n, size, "size of mpi://WORLD after MPI_Finalize");
    MPI_Group_free(&world_group);
    MPI_Session_finalize(&late);
    CHECK(late == MPI_SESSION_NULL, "MPI_Session_finalize after MPI_Finalize");
    MPI_Finalized(&flag);
    CHECK_INT(flag, 1, "MPI_Finalized after the last session");
    if (rank == 0) {
        total += tu_errs - before;
        printf(total ? " Found %d errors\n" : " No Errors\n", total);
    }
    return tu_errs ? 1 : 0;
#else
    MPI_Init(&argc, &argv);
    return tu_finish();
#endif
}
