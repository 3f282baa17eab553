/*
 * Attributes: MPI_Comm_create_keyval with the predefined callbacks and the
 * program's own (copy and delete called with the right keyval, extra state and
 * value; MPI_Comm_dup copies through them; MPI_Comm_free, MPI_Comm_delete_attr and
 * replacing a value call delete), MPI_Comm_free_keyval while a value is set, the
 * deprecated MPI_Keyval_create / MPI_Attr_put / _get / _delete, the predefined
 * attributes of MPI_COMM_WORLD, and datatype attributes (MPI_Type_create_keyval,
 * MPI_Type_set_attr / _get_attr / _delete_attr).  Any number of processes.
 */
#include "testutil.h"

static int copies, deletes, last_deleted;
static int state_token = 42;

static int copy_fn(MPI_Comm comm, int keyval, void *extra, void *in, void *out, int *flag)
{
    (void) comm;
    (void) keyval;
    if (extra != &state_token)
        FAIL("copy callback: wrong extra state");
    copies++;
    *(void **) out = (char *) in + 1;
    *flag = 1;
    return MPI_SUCCESS;
}

static int delete_fn(MPI_Comm comm, int keyval, void *value, void *extra)
{
    (void) comm;
    (void) keyval;
    if (extra != &state_token)
        FAIL("delete callback: wrong extra state");
    deletes++;
    last_deleted = (int) (MPI_Aint) value;
    return MPI_SUCCESS;
}

static int type_deletes;
static int type_delete_fn(MPI_Datatype type, int keyval, void *value, void *extra)
{
    (void) type;
    (void) keyval;
    (void) value;
    (void) extra;
    type_deletes++;
    return MPI_SUCCESS;
}

int main(int argc, char **argv)
{
    int rank, size, flag, key_copy, key_dup, key_null, key_old, type_key;
    void *value;
    int *number;
    MPI_Comm dup, dup2;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* Predefined attributes. */
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &number, &flag);
    CHECK(flag, "MPI_TAG_UB is set on MPI_COMM_WORLD");
    if (flag)
        CHECK(*number >= 32767, "MPI_TAG_UB is %d, less than 32767", *number);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &number, &flag);
    if (flag)
        CHECK(*number == 0 || *number == 1, "MPI_WTIME_IS_GLOBAL is %d", *number);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_IO, &number, &flag);
    CHECK(flag, "MPI_IO is set on MPI_COMM_WORLD");
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_HOST, &number, &flag);
    CHECK(flag, "MPI_HOST is set on MPI_COMM_WORLD");
    MPI_Attr_get(MPI_COMM_WORLD, MPI_TAG_UB, &number, &flag);
    CHECK(flag && *number >= 32767, "MPI_Attr_get of MPI_TAG_UB");

    MPI_Comm_create_keyval(copy_fn, delete_fn, &key_copy, &state_token);
    MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &key_dup, NULL);
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, delete_fn, &key_null, &state_token);
    MPI_Keyval_create(MPI_DUP_FN, MPI_NULL_DELETE_FN, &key_old, NULL);
    CHECK(key_copy != key_dup && key_dup != key_null, "keyvals are distinct");

    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_get_attr(dup, key_copy, &value, &flag);
    CHECK_INT(flag, 0, "flag of an attribute never set");

    MPI_Comm_set_attr(dup, key_copy, (void *) (MPI_Aint) 100);
    MPI_Comm_set_attr(dup, key_dup, (void *) (MPI_Aint) 200);
    MPI_Comm_set_attr(dup, key_null, (void *) (MPI_Aint) 300);
    MPI_Attr_put(dup, key_old, (void *) (MPI_Aint) 400);
    MPI_Comm_get_attr(dup, key_copy, &value, &flag);
    CHECK(flag && (MPI_Aint) value == 100, "value of key_copy: flag %d value %ld", flag, (long) (MPI_Aint) value);
    MPI_Attr_get(dup, key_old, &value, &flag);
    CHECK(flag && (MPI_Aint) value == 400, "MPI_Attr_get: flag %d value %ld", flag, (long) (MPI_Aint) value);

    /* Replacing a value deletes the old one. */
    deletes = 0;
    MPI_Comm_set_attr(dup, key_null, (void *) (MPI_Aint) 301);
    CHECK_INT(deletes, 1, "deletes on replacing a value");
    CHECK_INT(last_deleted, 300, "value deleted on replacing");

    /* Dup: copy_fn adds one, DUP_FN copies, NULL_COPY_FN drops. */
    copies = 0;
    MPI_Comm_dup(dup, &dup2);
    CHECK_INT(copies, 1, "copy callbacks run by MPI_Comm_dup");
    MPI_Comm_get_attr(dup2, key_copy, &value, &flag);
    CHECK(flag && (MPI_Aint) value == 101, "copied key_copy: flag %d value %ld", flag, (long) (MPI_Aint) value);
    MPI_Comm_get_attr(dup2, key_dup, &value, &flag);
    CHECK(flag && (MPI_Aint) value == 200, "copied key_dup: flag %d value %ld", flag, (long) (MPI_Aint) value);
    MPI_Comm_get_attr(dup2, key_null, &value, &flag);
    CHECK_INT(flag, 0, "key_null is not copied");
    MPI_Attr_get(dup2, key_old, &value, &flag);
    CHECK(flag && (MPI_Aint) value == 400, "MPI_DUP_FN copies: flag %d", flag);

    /* Delete, then free: delete callbacks of what is left. */
    deletes = 0;
    MPI_Comm_delete_attr(dup, key_null);
    CHECK_INT(deletes, 1, "deletes by MPI_Comm_delete_attr");
    CHECK_INT(last_deleted, 301, "value deleted by MPI_Comm_delete_attr");
    MPI_Comm_get_attr(dup, key_null, &value, &flag);
    CHECK_INT(flag, 0, "flag after MPI_Comm_delete_attr");
    MPI_Attr_delete(dup, key_old);
    MPI_Attr_get(dup, key_old, &value, &flag);
    CHECK_INT(flag, 0, "flag after MPI_Attr_delete");

    /* Freeing the keyval keeps the value's delete callback. */
    MPI_Comm_free_keyval(&key_copy);
    CHECK_INT(key_copy, MPI_KEYVAL_INVALID, "keyval after MPI_Comm_free_keyval");
    deletes = 0;
    MPI_Comm_free(&dup);
    CHECK_INT(deletes, 1, "deletes by MPI_Comm_free");
    CHECK_INT(last_deleted, 100, "value deleted by MPI_Comm_free");
    deletes = 0;
    MPI_Comm_free(&dup2);
    CHECK_INT(deletes, 1, "deletes by freeing the copy");
    CHECK_INT(last_deleted, 101, "value deleted by freeing the copy");

    MPI_Comm_free_keyval(&key_dup);
    MPI_Comm_free_keyval(&key_null);
    MPI_Keyval_free(&key_old);
    CHECK_INT(key_old, MPI_KEYVAL_INVALID, "keyval after MPI_Keyval_free");

    /* Datatype attributes. */
    MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, type_delete_fn, &type_key, NULL);
    MPI_Type_set_attr(MPI_INT, type_key, (void *) (MPI_Aint) 7);
    MPI_Type_get_attr(MPI_INT, type_key, &value, &flag);
    CHECK(flag && (MPI_Aint) value == 7, "type attribute: flag %d value %ld", flag, (long) (MPI_Aint) value);
    MPI_Type_get_attr(MPI_DOUBLE, type_key, &value, &flag);
    CHECK_INT(flag, 0, "type attribute on another type");
    MPI_Type_delete_attr(MPI_INT, type_key);
    CHECK_INT(type_deletes, 1, "type delete callbacks");
    MPI_Type_get_attr(MPI_INT, type_key, &value, &flag);
    CHECK_INT(flag, 0, "type attribute after delete");
    MPI_Type_free_keyval(&type_key);
    CHECK_INT(type_key, MPI_KEYVAL_INVALID, "type keyval after free");

    return tu_finish();
}
