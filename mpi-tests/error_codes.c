/*
 * Error classes, codes and strings the program adds, and error handlers called by the
 * program:
 *   every predefined error class has a non-empty string; MPI_Add_error_class gives a
 *   class unlike every predefined one and every earlier added one, its own class;
 *   (Open MPI 4.1 does not say so; checked on Brazos only);
 *   MPI_Add_error_code gives codes of an added class and of a predefined one, with
 *   MPI_Error_class answering their classes; MPI_Add_error_string gives them strings
 *   (MPI_Error_string returns them; a second string replaces the first; a code
 *   without one has the empty string); a predefined code keeps its string;
 *   MPI_Comm_call_errhandler hands an added code to a user handler, which sees the
 *   communicator and the code, returns MPI_SUCCESS after it, and on a dup calls the
 *   dup's handler; under MPI_ERRORS_RETURN it returns MPI_SUCCESS too.
 *   MPI 5.0: MPI_Remove_error_string/code/class, in that order.
 * Any number of processes.
 */
#include "testutil.h"

static int handler_calls = 0, handler_code = -1;
static MPI_Comm handler_comm = MPI_COMM_NULL;

static void remember(MPI_Comm *comm, int *code, ...)
{
    handler_calls++;
    handler_code = *code;
    handler_comm = *comm;
}

int main(int argc, char **argv)
{
    int rank, i, rc, cls1 = -1, cls2 = -1, code1 = -1, code2 = -1, code3 = -1, got = -1, len = -1;
    char text[MPI_MAX_ERROR_STRING];
    MPI_Errhandler handler;
    MPI_Comm dup;
    const int predefined[] = { MPI_SUCCESS, MPI_ERR_BUFFER, MPI_ERR_COUNT, MPI_ERR_TYPE, MPI_ERR_TAG,
        MPI_ERR_COMM, MPI_ERR_RANK, MPI_ERR_REQUEST, MPI_ERR_ROOT, MPI_ERR_GROUP, MPI_ERR_OP,
        MPI_ERR_TOPOLOGY, MPI_ERR_DIMS, MPI_ERR_ARG, MPI_ERR_UNKNOWN, MPI_ERR_TRUNCATE, MPI_ERR_OTHER,
        MPI_ERR_INTERN, MPI_ERR_PENDING, MPI_ERR_IN_STATUS, MPI_ERR_ACCESS, MPI_ERR_AMODE,
        MPI_ERR_ASSERT, MPI_ERR_BAD_FILE, MPI_ERR_BASE, MPI_ERR_CONVERSION, MPI_ERR_DISP,
        MPI_ERR_DUP_DATAREP, MPI_ERR_FILE_EXISTS, MPI_ERR_FILE_IN_USE, MPI_ERR_FILE,
        MPI_ERR_INFO_KEY, MPI_ERR_INFO_NOKEY, MPI_ERR_INFO_VALUE, MPI_ERR_INFO, MPI_ERR_IO,
        MPI_ERR_KEYVAL, MPI_ERR_LOCKTYPE, MPI_ERR_NAME, MPI_ERR_NO_MEM, MPI_ERR_NOT_SAME,
        MPI_ERR_NO_SPACE, MPI_ERR_NO_SUCH_FILE, MPI_ERR_PORT, MPI_ERR_QUOTA, MPI_ERR_READ_ONLY,
        MPI_ERR_RMA_ATTACH, MPI_ERR_RMA_CONFLICT, MPI_ERR_RMA_RANGE, MPI_ERR_RMA_SHARED,
        MPI_ERR_RMA_SYNC, MPI_ERR_SERVICE, MPI_ERR_SIZE, MPI_ERR_SPAWN, MPI_ERR_UNSUPPORTED_DATAREP,
        MPI_ERR_UNSUPPORTED_OPERATION, MPI_ERR_WIN, MPI_ERR_RMA_FLAVOR,
#ifdef MPI_ERR_PROC_ABORTED
        MPI_ERR_PROC_ABORTED,
#endif
#ifdef MPI_ERR_VALUE_TOO_LARGE
        MPI_ERR_VALUE_TOO_LARGE,
#endif
#ifdef MPI_ERR_SESSION
        MPI_ERR_SESSION,
#endif
#ifdef MPI_ERR_ERRHANDLER
        MPI_ERR_ERRHANDLER,
#endif
    };
    const int npredefined = (int) (sizeof predefined / sizeof predefined[0]);

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    for (i = 0; i < npredefined; i++) {
        got = -1;
        MPI_Error_class(predefined[i], &got);
        CHECK_INT(got, predefined[i], "MPI_Error_class of a predefined class");
        CHECK(predefined[i] <= MPI_ERR_LASTCODE, "class %d above MPI_ERR_LASTCODE", predefined[i]);
        len = -1;
        text[0] = '\0';
        MPI_Error_string(predefined[i], text, &len);
        CHECK(len > 0 && (int) strlen(text) == len, "MPI_Error_string of class %d: length %d, '%s'",
              predefined[i], len, text);
    }

    /* Added classes: new numbers, their own classes. */
    MPI_Add_error_class(&cls1);
    MPI_Add_error_class(&cls2);
    CHECK(cls1 != cls2, "two added classes are both %d", cls1);
    for (i = 0; i < npredefined; i++)
        CHECK(cls1 != predefined[i] && cls2 != predefined[i], "added class %d or %d is predefined class %d",
              cls1, cls2, predefined[i]);
#ifndef OPEN_MPI
    /* Open MPI 4.1 answers MPI_ERR_UNKNOWN here. */
    MPI_Error_class(cls1, &got);
    CHECK_INT(got, cls1, "MPI_Error_class of an added class");
#endif

    /* Added codes: of an added class and of a predefined one. */
    MPI_Add_error_code(cls1, &code1);
    MPI_Add_error_code(cls1, &code2);
    MPI_Add_error_code(MPI_ERR_ARG, &code3);
    CHECK(code1 != code2 && code1 != cls1 && code1 != cls2 && code2 != cls2 && code3 != code1 && code3 != code2,
          "added codes %d %d %d and classes %d %d are not distinct", code1, code2, code3, cls1, cls2);
    MPI_Error_class(code1, &got);
    CHECK_INT(got, cls1, "MPI_Error_class of a code of an added class");
    MPI_Error_class(code2, &got);
    CHECK_INT(got, cls1, "MPI_Error_class of a second code of an added class");
    MPI_Error_class(code3, &got);
    CHECK_INT(got, MPI_ERR_ARG, "MPI_Error_class of a code added to MPI_ERR_ARG");

    /* Strings. */
    MPI_Add_error_string(cls1, "the first added class");
    MPI_Add_error_string(code1, "first text");
    MPI_Add_error_string(code1, "the first added code");
    MPI_Add_error_string(code3, "an added argument error");
    MPI_Error_string(cls1, text, &len);
    CHECK(strcmp(text, "the first added class") == 0 && len == (int) strlen(text),
          "string of the added class: '%s' (%d)", text, len);
    MPI_Error_string(code1, text, &len);
    CHECK(strcmp(text, "the first added code") == 0 && len == (int) strlen(text),
          "string of the added code after replacing it: '%s' (%d)", text, len);
    MPI_Error_string(code3, text, &len);
    CHECK(strcmp(text, "an added argument error") == 0, "string of the code of MPI_ERR_ARG: '%s'", text);
    text[0] = 'x';
    text[1] = '\0';
    MPI_Error_string(code2, text, &len);
    CHECK(len == 0 && text[0] == '\0', "string of a code without one: '%s' (%d)", text, len);
    MPI_Error_string(MPI_ERR_RANK, text, &len);
    CHECK(len > 0 && strcmp(text, "the first added code") != 0, "MPI_ERR_RANK's string: '%s'", text);

    /* A user handler sees the added code, on the communicator it is set on. */
    MPI_Comm_create_errhandler(remember, &handler);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, handler);
    rc = MPI_Comm_call_errhandler(MPI_COMM_WORLD, code1);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Comm_call_errhandler with a user handler");
    CHECK_INT(handler_calls, 1, "calls of the user handler");
    CHECK_INT(handler_code, code1, "the code the user handler was given");
    CHECK(handler_comm == MPI_COMM_WORLD, "the user handler was given another communicator");
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    rc = MPI_Comm_call_errhandler(dup, MPI_ERR_TAG);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Comm_call_errhandler on a dup");
    CHECK_INT(handler_calls, 2, "calls of the user handler, inherited by a dup");
    CHECK_INT(handler_code, MPI_ERR_TAG, "the code the dup's handler was given");
    CHECK(handler_comm == dup, "the dup's handler was given another communicator");
    /* A real error of a call goes to the handler too, with its class. */
    rc = MPI_Send(&rank, 1, MPI_INT, -7, 0, dup);
    CHECK_INT(handler_calls, 3, "calls of the user handler after an invalid rank");
    MPI_Error_class(handler_code, &got);
    CHECK_INT(got, MPI_ERR_RANK, "class of the code the handler got for an invalid rank");
    MPI_Error_class(rc, &got);
    CHECK_INT(got, MPI_ERR_RANK, "class of the code MPI_Send returned after the handler");
    MPI_Comm_free(&dup);
    MPI_Errhandler_free(&handler);

    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    rc = MPI_Comm_call_errhandler(MPI_COMM_WORLD, code2);
    CHECK_INT(rc, MPI_SUCCESS, "MPI_Comm_call_errhandler under MPI_ERRORS_RETURN");
    CHECK_INT(handler_calls, 3, "calls of a handler no longer set");

#if MPI_VERSION >= 5
    /* Removal: string, then code, then class; each only once. */
    CHECK_CLASS(MPI_Remove_error_class(cls1), MPI_ERR_ARG, "removing a class that has codes");
    CHECK_CLASS(MPI_Remove_error_code(code1), MPI_ERR_ARG, "removing a code that has a string");
    CHECK_INT(MPI_Remove_error_string(code1), MPI_SUCCESS, "MPI_Remove_error_string");
    CHECK_CLASS(MPI_Remove_error_string(code1), MPI_ERR_ARG, "removing a string twice");
    CHECK_INT(MPI_Remove_error_code(code1), MPI_SUCCESS, "MPI_Remove_error_code");
    CHECK_INT(MPI_Remove_error_code(code2), MPI_SUCCESS, "MPI_Remove_error_code of a code without string");
    CHECK_CLASS(MPI_Error_class(code1, &got), MPI_ERR_ARG, "MPI_Error_class of a removed code");
    CHECK_CLASS(MPI_Remove_error_class(cls1), MPI_ERR_ARG, "removing a class that has a string");
    CHECK_INT(MPI_Remove_error_string(cls1), MPI_SUCCESS, "MPI_Remove_error_string of a class");
    CHECK_INT(MPI_Remove_error_class(cls1), MPI_SUCCESS, "MPI_Remove_error_class");
    CHECK_CLASS(MPI_Error_string(cls1, text, &len), MPI_ERR_ARG, "MPI_Error_string of a removed class");
    CHECK_CLASS(MPI_Remove_error_class(MPI_ERR_ARG), MPI_ERR_ARG, "removing a predefined class");
    {
        int again = -1;
        MPI_Add_error_class(&again);
        CHECK(again != cls1 && again != code1 && again != code2, "a removed number %d came back", again);
    }
#endif

    return tu_finish();
}
