/*
 * Info objects: MPI_Info_create / _set (replacing keeps the key's place) / _get /
 * _get_valuelen / _get_nkeys / _get_nthkey / _delete / _dup / _free,
 * MPI_Info_get_string and MPI_Info_create_env (MPI 4), the error classes of a missing
 * key (MPI_ERR_INFO_NOKEY) and a key too long (MPI_ERR_INFO_KEY), and a
 * communicator's hints (MPI_Comm_set_info / _get_info, MPI_Comm_dup_with_info).
 * Any number of processes.
 */
#include "testutil.h"

int main(int argc, char **argv)
{
    int n, flag, length, rc;
    char key[MPI_MAX_INFO_KEY], value[64], longkey[400];
    MPI_Info info, copy, used;
    MPI_Comm dup;

    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);

    MPI_Info_create(&info);
    MPI_Info_get_nkeys(info, &n);
    CHECK_INT(n, 0, "keys of a new info");
    MPI_Info_set(info, "alpha", "one");
    MPI_Info_set(info, "beta", "two");
    MPI_Info_set(info, "gamma", "three");
    MPI_Info_set(info, "alpha", "uno");
    MPI_Info_get_nkeys(info, &n);
    CHECK_INT(n, 3, "keys after four sets of three keys");
    MPI_Info_get_nthkey(info, 0, key);
    CHECK(strcmp(key, "alpha") == 0, "key 0 is %s, expected alpha", key);
    MPI_Info_get_nthkey(info, 2, key);
    CHECK(strcmp(key, "gamma") == 0, "key 2 is %s, expected gamma", key);

    MPI_Info_get(info, "alpha", sizeof value - 1, value, &flag);
    CHECK(flag && strcmp(value, "uno") == 0, "alpha is '%s' (flag %d), expected uno", value, flag);
    MPI_Info_get(info, "gamma", 3, value, &flag);
    CHECK(flag && strcmp(value, "thr") == 0, "gamma cut to 3 characters is '%s'", value);
    MPI_Info_get(info, "delta", sizeof value - 1, value, &flag);
    CHECK_INT(flag, 0, "flag of a missing key");
    MPI_Info_get_valuelen(info, "beta", &length, &flag);
    CHECK(flag && length == 3, "value length of beta: %d (flag %d)", length, flag);

#if MPI_VERSION >= 4
    length = sizeof value;
    MPI_Info_get_string(info, "gamma", &length, value, &flag);
    CHECK(flag && length == 6 && strcmp(value, "three") == 0, "get_string of gamma: '%s', length %d", value, length);
    length = 3;
    MPI_Info_get_string(info, "gamma", &length, value, &flag);
    CHECK(flag && length == 6 && strcmp(value, "th") == 0, "get_string into 3 bytes: '%s', length %d", value, length);
    length = 0;
    MPI_Info_get_string(info, "beta", &length, value, &flag);
    CHECK(flag && length == 4, "get_string of beta with no buffer: length %d", length);
#endif

    MPI_Info_dup(info, &copy);
    MPI_Info_delete(info, "beta");
    MPI_Info_get_nkeys(info, &n);
    CHECK_INT(n, 2, "keys after a delete");
    MPI_Info_get_nthkey(info, 1, key);
    CHECK(strcmp(key, "gamma") == 0, "key 1 after the delete is %s", key);
    MPI_Info_get_nkeys(copy, &n);
    CHECK_INT(n, 3, "keys of the copy, made before the delete");
    MPI_Info_get(copy, "beta", sizeof value - 1, value, &flag);
    CHECK(flag && strcmp(value, "two") == 0, "beta in the copy");

    rc = MPI_Info_delete(info, "beta");
    CHECK_CLASS(rc, MPI_ERR_INFO_NOKEY, "deleting a missing key");
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    rc = MPI_Info_set(info, longkey, "v");
    CHECK_CLASS(rc, MPI_ERR_INFO_KEY, "a key longer than MPI_MAX_INFO_KEY");

    MPI_Info_free(&copy);
    CHECK(copy == MPI_INFO_NULL, "MPI_Info_free sets MPI_INFO_NULL");

    /* A communicator's hints: those set are those in use here. */
    MPI_Info_set(info, "mpi_assert_no_any_tag", "false");
    MPI_Comm_dup_with_info(MPI_COMM_WORLD, info, &dup);
    MPI_Comm_get_info(dup, &used);
    MPI_Info_get_nkeys(used, &n);
    CHECK(n >= 0, "keys of the hints in use");
    MPI_Info_free(&used);
    MPI_Comm_set_info(dup, info);
    MPI_Comm_get_info(dup, &used);
    CHECK(used != MPI_INFO_NULL, "MPI_Comm_get_info gives an info object");
    MPI_Info_free(&used);
    MPI_Comm_free(&dup);

    MPI_Info_free(&info);

#if MPI_VERSION >= 4
    /* MPI_Info_create_env: the command the process was started with. */
    MPI_Info_create_env(argc, argv, &info);
    length = sizeof value;
    MPI_Info_get_string(info, "command", &length, value, &flag);
    CHECK(flag, "MPI_Info_create_env has no command");
    MPI_Info_free(&info);
#endif
    return tu_finish();
}
