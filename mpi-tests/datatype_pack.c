/*
 * Packing and what a datatype says about itself: MPI_Pack/MPI_Unpack of several
 * types into one buffer sent as MPI_PACKED and unpacked on another rank;
 * MPI_Pack_size; MPI_ERR_TRUNCATE when the buffer is too small; MPI_Pack_external/MPI_Unpack_external (big-endian bytes, the
 * standard's sizes) and MPI_Pack_external_size; MPI_Type_get_envelope and
 * MPI_Type_get_contents of every combiner; MPI_Type_set_name/get_name (the MPI
 * names of predefined types); MPI_Type_dup; MPI_Type_match_size; MPI_Type_size_x,
 * get_extent_x; and the MPI 4 large-count (_c) forms and MPI_Type_get_value_index
 * where the library has them. Needs at least 2 processes.
 */
#include "testutil.h"

static void check_envelope(MPI_Datatype t, int ni, int na, int nd, int combiner, const char *what)
{
    int i, a, d, c;
    MPI_Type_get_envelope(t, &i, &a, &d, &c);
    if (i != ni || a != na || d != nd || c != combiner)
        FAIL("%s: envelope (%d, %d, %d, %d), expected (%d, %d, %d, %d)", what, i, a, d, c, ni, na, nd, combiner);
}

/* MPI_Type_get_contents with arrays of exactly the envelope's sizes (Open MPI
   4.1.4 reads past them when they are larger). */
static void contents(MPI_Datatype t, int *ints, MPI_Aint *addrs, MPI_Datatype *types)
{
    int ni, na, nd, c;
    MPI_Type_get_envelope(t, &ni, &na, &nd, &c);
    MPI_Type_get_contents(t, ni, na, nd, ints, addrs, types);
}

int main(int argc, char **argv)
{
    int rank, size, i;
    MPI_Datatype t;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }

    { /* MPI_Pack of an int, a column of doubles and a string; sent as MPI_PACKED */
        char buffer[256];
        int position = 0, n = 42, psize, total = 0;
        double matrix[4][3];
        char text[6] = "hello";
        MPI_Datatype column;
        MPI_Type_vector(4, 1, 3, MPI_DOUBLE, &column);
        MPI_Type_commit(&column);
        MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &psize);
        total += psize;
        MPI_Pack_size(1, column, MPI_COMM_WORLD, &psize);
        CHECK(psize >= 32, "MPI_Pack_size of a column of 4 doubles: %d", psize);
        total += psize;
        MPI_Pack_size(6, MPI_CHAR, MPI_COMM_WORLD, &psize);
        total += psize;
        CHECK(total <= (int) sizeof buffer, "packed sizes add up to %d", total);
        if (rank == 0) {
            int r, c;
            for (r = 0; r < 4; r++) for (c = 0; c < 3; c++) matrix[r][c] = 10 * r + c;
            MPI_Pack(&n, 1, MPI_INT, buffer, sizeof buffer, &position, MPI_COMM_WORLD);
            MPI_Pack(&matrix[0][1], 1, column, buffer, sizeof buffer, &position, MPI_COMM_WORLD);
            MPI_Pack(text, 6, MPI_CHAR, buffer, sizeof buffer, &position, MPI_COMM_WORLD);
            CHECK(position <= total, "MPI_Pack position %d within the packed size %d", position, total);
            MPI_Send(buffer, position, MPI_PACKED, 1, 0, MPI_COMM_WORLD);
        } else if (rank == 1) {
            MPI_Status st;
            int got_n = 0, count;
            double col[4][3] = { { 0 } };
            char got_text[6] = "";
            MPI_Recv(buffer, sizeof buffer, MPI_PACKED, 0, 0, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, MPI_PACKED, &count);
            MPI_Unpack(buffer, count, &position, &got_n, 1, MPI_INT, MPI_COMM_WORLD);
            MPI_Unpack(buffer, count, &position, &col[0][2], 1, column, MPI_COMM_WORLD);
            MPI_Unpack(buffer, count, &position, got_text, 6, MPI_CHAR, MPI_COMM_WORLD);
            CHECK_INT(got_n, 42, "unpacked int");
            for (i = 0; i < 4; i++) CHECK(col[i][2] == 10 * i + 1, "unpacked column row %d: %g", i, col[i][2]);
            CHECK(col[1][1] == 0 && col[3][0] == 0, "unpacking the column left the rest alone");
            CHECK(strcmp(got_text, "hello") == 0, "unpacked text '%s'", got_text);
            CHECK_INT(position, count, "MPI_Unpack used every packed byte");
        }
        MPI_Type_free(&column);
    }
    { /* too small a buffer: MPI_ERR_TRUNCATE, the position unchanged */
        int v[4] = { 1, 2, 3, 4 }, position = 0, rc;
        char small[8];
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        rc = MPI_Pack(v, 4, MPI_INT, small, sizeof small, &position, MPI_COMM_WORLD);
        CHECK_CLASS(rc, MPI_ERR_TRUNCATE, "MPI_Pack of 16 bytes into 8");
        CHECK_INT(position, 0, "position after a failed MPI_Pack");
        rc = MPI_Unpack(small, sizeof small, &position, v, 4, MPI_INT, MPI_COMM_WORLD);
        CHECK_CLASS(rc, MPI_ERR_TRUNCATE, "MPI_Unpack of 16 bytes from 8");
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    }
    { /* external32: big-endian, 4-byte int, 8-byte double */
        int values[2] = { 0x01020304, -2 }, back[2];
        double x = 1.0, y = 0;
        unsigned char out[32];
        MPI_Aint position = 0, esize;
        MPI_Pack_external_size("external32", 2, MPI_INT, &esize);
        CHECK_INT(esize, 8, "external32 size of 2 ints");
        MPI_Pack_external_size("external32", 1, MPI_DOUBLE, &esize);
        CHECK_INT(esize, 8, "external32 size of a double");
        MPI_Pack_external("external32", values, 2, MPI_INT, out, sizeof out, &position);
        MPI_Pack_external("external32", &x, 1, MPI_DOUBLE, out, sizeof out, &position);
        CHECK_INT(position, 16, "external32 position");
        CHECK(out[0] == 1 && out[1] == 2 && out[2] == 3 && out[3] == 4, "external32 int is big-endian");
        CHECK(out[4] == 0xff && out[7] == 0xfe, "external32 negative int");
        CHECK(out[8] == 0x3f && out[9] == 0xf0 && out[15] == 0, "external32 double 1.0 is big-endian");
        position = 0;
        MPI_Unpack_external("external32", out, sizeof out, &position, back, 2, MPI_INT);
        MPI_Unpack_external("external32", out, sizeof out, &position, &y, 1, MPI_DOUBLE);
        CHECK(back[0] == values[0] && back[1] == -2 && y == 1.0, "external32 round trip");
    }
    { /* envelopes and contents */
        int ints[16], lens[] = { 1, 2 }, disps[] = { 3, 0 }, sizes[] = { 4, 5 }, subs[] = { 2, 2 }, starts[] = { 1, 1 };
        MPI_Aint addrs[4], hd[] = { 16, 0 };
        MPI_Datatype types[4], inner, st_types[] = { MPI_INT, MPI_DOUBLE };
        check_envelope(MPI_INT, 0, 0, 0, MPI_COMBINER_NAMED, "MPI_INT");
        MPI_Type_contiguous(3, MPI_INT, &inner);
        check_envelope(inner, 1, 0, 1, MPI_COMBINER_CONTIGUOUS, "contiguous");
        contents(inner, ints, addrs, types);
        CHECK(ints[0] == 3 && types[0] == MPI_INT, "contents of contiguous");
        MPI_Type_vector(2, 1, 5, inner, &t);
        check_envelope(t, 3, 0, 1, MPI_COMBINER_VECTOR, "vector");
        contents(t, ints, addrs, types);
        CHECK(ints[0] == 2 && ints[1] == 1 && ints[2] == 5, "contents of vector");
        check_envelope(types[0], 1, 0, 1, MPI_COMBINER_CONTIGUOUS, "the vector's type from its contents");
        MPI_Type_free(&types[0]);
        MPI_Type_free(&t);
        MPI_Type_create_hvector(2, 1, 40, MPI_INT, &t);
        check_envelope(t, 2, 1, 1, MPI_COMBINER_HVECTOR, "hvector");
        contents(t, ints, addrs, types);
        CHECK(addrs[0] == 40, "contents of hvector");
        MPI_Type_free(&t);
        MPI_Type_indexed(2, lens, disps, MPI_INT, &t);
        check_envelope(t, 5, 0, 1, MPI_COMBINER_INDEXED, "indexed");
        contents(t, ints, addrs, types);
        CHECK(ints[0] == 2 && ints[1] == 1 && ints[2] == 2 && ints[3] == 3 && ints[4] == 0, "contents of indexed");
        MPI_Type_free(&t);
        MPI_Type_create_hindexed(2, lens, hd, MPI_INT, &t);
        check_envelope(t, 3, 2, 1, MPI_COMBINER_HINDEXED, "hindexed");
        MPI_Type_free(&t);
        MPI_Type_create_indexed_block(2, 4, disps, MPI_INT, &t);
        check_envelope(t, 4, 0, 1, MPI_COMBINER_INDEXED_BLOCK, "indexed_block");
        MPI_Type_free(&t);
        MPI_Type_create_hindexed_block(2, 4, hd, MPI_INT, &t);
        check_envelope(t, 2, 2, 1, MPI_COMBINER_HINDEXED_BLOCK, "hindexed_block");
        MPI_Type_free(&t);
        MPI_Type_create_struct(2, lens, hd, st_types, &t);
        check_envelope(t, 3, 2, 2, MPI_COMBINER_STRUCT, "struct");
        contents(t, ints, addrs, types);
        CHECK(types[0] == MPI_INT && types[1] == MPI_DOUBLE && addrs[0] == 16, "contents of struct");
        MPI_Type_free(&t);
        MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t);
        check_envelope(t, 8, 0, 1, MPI_COMBINER_SUBARRAY, "subarray");
        contents(t, ints, addrs, types);
        CHECK(ints[0] == 2 && ints[1] == 4 && ints[6] == 1 && ints[7] == MPI_ORDER_C, "contents of subarray");
        MPI_Type_free(&t);
        MPI_Type_create_resized(inner, -4, 20, &t);
        check_envelope(t, 0, 2, 1, MPI_COMBINER_RESIZED, "resized");
        contents(t, ints, addrs, types);
        CHECK(addrs[0] == -4 && addrs[1] == 20, "contents of resized");
        MPI_Type_free(&types[0]);
        MPI_Type_free(&t);
        MPI_Type_dup(inner, &t);
        check_envelope(t, 0, 0, 1, MPI_COMBINER_DUP, "dup");
        MPI_Type_free(&t);
        MPI_Type_free(&inner);
    }
    { /* names */
        char name[MPI_MAX_OBJECT_NAME];
        int len;
        MPI_Type_get_name(MPI_INT, name, &len);
        CHECK(strcmp(name, "MPI_INT") == 0 && len == 7, "name of MPI_INT: '%s'", name);
        MPI_Type_get_name(MPI_DOUBLE_INT, name, &len);
        CHECK(strcmp(name, "MPI_DOUBLE_INT") == 0, "name of MPI_DOUBLE_INT: '%s'", name);
        MPI_Type_contiguous(2, MPI_INT, &t);
        MPI_Type_get_name(t, name, &len);
        CHECK(len == 0 && name[0] == '\0', "a new type has no name: '%s'", name);
        MPI_Type_set_name(t, "pair of ints");
        MPI_Type_get_name(t, name, &len);
        CHECK(strcmp(name, "pair of ints") == 0 && len == 12, "a type's name: '%s'", name);
        MPI_Type_free(&t);
    }
    { /* sizes and extents in MPI_Count */
        MPI_Count sz, lb, extent;
        MPI_Type_vector(3, 2, 4, MPI_DOUBLE, &t);
        MPI_Type_size_x(t, &sz);
        CHECK_INT(sz, 48, "MPI_Type_size_x");
        MPI_Type_get_extent_x(t, &lb, &extent);
        CHECK(lb == 0 && extent == 80, "MPI_Type_get_extent_x");
        MPI_Type_get_true_extent_x(t, &lb, &extent);
        CHECK(lb == 0 && extent == 80, "MPI_Type_get_true_extent_x");
        MPI_Type_free(&t);
    }
    { /* predefined types by size */
        int sz;
        MPI_Type_match_size(MPI_TYPECLASS_INTEGER, 8, &t);
        MPI_Type_size(t, &sz);
        CHECK_INT(sz, 8, "MPI_Type_match_size integer 8");
        MPI_Type_match_size(MPI_TYPECLASS_REAL, 4, &t);
        MPI_Type_size(t, &sz);
        CHECK_INT(sz, 4, "MPI_Type_match_size real 4");
        MPI_Type_match_size(MPI_TYPECLASS_COMPLEX, 16, &t);
        MPI_Type_size(t, &sz);
        CHECK_INT(sz, 16, "MPI_Type_match_size complex 16");
    }
    { /* MPI_Type_create_f90_*: predefined types, the same for the same arguments */
        MPI_Datatype a, b;
        int sz, ni, na, nd, combiner, ints[2];
        MPI_Type_create_f90_integer(9, &a);
        MPI_Type_create_f90_integer(9, &b);
        CHECK(a == b, "MPI_Type_create_f90_integer gives one type per range");
        MPI_Type_size(a, &sz);
        CHECK_INT(sz, 4, "size of the f90 integer of range 9");
        MPI_Type_get_envelope(a, &ni, &na, &nd, &combiner);
        CHECK(ni == 1 && na == 0 && nd == 0 && combiner == MPI_COMBINER_F90_INTEGER, "envelope of an f90 integer");
        MPI_Type_create_f90_real(10, MPI_UNDEFINED, &a);
        MPI_Type_size(a, &sz);
        CHECK_INT(sz, 8, "size of the f90 real of precision 10");
        MPI_Type_get_envelope(a, &ni, &na, &nd, &combiner);
        CHECK(ni == 2 && combiner == MPI_COMBINER_F90_REAL, "envelope of an f90 real");
        MPI_Type_get_contents(a, 2, 0, 0, ints, NULL, NULL);
        CHECK(ints[0] == 10 && ints[1] == MPI_UNDEFINED, "contents of an f90 real");
        MPI_Type_create_f90_complex(3, 20, &a);
        MPI_Type_size(a, &sz);
        CHECK_INT(sz, 8, "size of the f90 complex of precision 3");
    }
#if MPI_VERSION >= 4
    { /* the large-count forms and MPI_Type_get_value_index */
        MPI_Count count = 3, sz, lb, extent, ni, na, nc, nd, lens[] = { 2, 1 }, disps[] = { 40, 0 }, large[8];
        int combiner, ints[4];
        MPI_Aint addrs[4];
        MPI_Datatype types[2], pair;
        MPI_Type_contiguous_c(count, MPI_DOUBLE, &t);
        MPI_Type_size_c(t, &sz);
        CHECK_INT(sz, 24, "MPI_Type_size_c");
        MPI_Type_get_envelope_c(t, &ni, &na, &nc, &nd, &combiner);
        CHECK(ni == 0 && na == 0 && nc == 1 && nd == 1 && combiner == MPI_COMBINER_CONTIGUOUS, "envelope_c of contiguous_c");
        MPI_Type_get_contents_c(t, 4, 4, 8, 2, ints, addrs, large, types);
        CHECK(large[0] == 3 && types[0] == MPI_DOUBLE, "contents_c of contiguous_c");
        MPI_Type_free(&t);
        MPI_Type_create_hindexed_c(2, lens, disps, MPI_INT, &t);
        MPI_Type_get_extent_c(t, &lb, &extent);
        CHECK(lb == 0 && extent == 48, "MPI_Type_get_extent_c of hindexed_c");
        MPI_Type_get_envelope_c(t, &ni, &na, &nc, &nd, &combiner);
        CHECK(ni == 0 && na == 0 && nc == 5 && combiner == MPI_COMBINER_HINDEXED, "envelope_c of hindexed_c");
        MPI_Type_free(&t);
        MPI_Type_vector_c(2, 1, -3, MPI_INT, &t);
        MPI_Type_get_true_extent_c(t, &lb, &extent);
        CHECK(lb == -12 && extent == 16, "MPI_Type_get_true_extent_c of a backwards vector_c");
        MPI_Type_free(&t);
        {
            MPI_Count sizes[] = { 4, 5 }, subs[] = { 2, 2 }, starts[] = { 1, 1 };
            MPI_Type_create_subarray_c(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t);
            MPI_Type_get_envelope_c(t, &ni, &na, &nc, &nd, &combiner);
            CHECK(ni == 2 && na == 0 && nc == 6 && nd == 1 && combiner == MPI_COMBINER_SUBARRAY, "envelope_c of subarray_c");
            MPI_Type_get_contents_c(t, 2, 0, 6, 1, ints, addrs, large, types);
            CHECK(ints[0] == 2 && ints[1] == MPI_ORDER_C && large[0] == 4 && large[5] == 1, "contents_c of subarray_c");
            MPI_Type_get_extent_c(t, &lb, &extent);
            CHECK(lb == 0 && extent == 80, "extent of subarray_c");
            MPI_Type_free(&t);
        }
        MPI_Type_get_value_index(MPI_DOUBLE, MPI_INT, &pair);
        CHECK(pair == MPI_DOUBLE_INT, "MPI_Type_get_value_index(double, int)");
        MPI_Type_get_value_index(MPI_CHAR, MPI_INT, &pair);
        CHECK(pair == MPI_DATATYPE_NULL, "MPI_Type_get_value_index(char, int)");
        {
            char buf[64];
            MPI_Count pos = 0, psize;
            int v[3] = { 1, 2, 3 }, w[3] = { 0 };
            MPI_Pack_size_c(3, MPI_INT, MPI_COMM_WORLD, &psize);
            CHECK_INT(psize, 12, "MPI_Pack_size_c");
            MPI_Pack_c(v, 3, MPI_INT, buf, sizeof buf, &pos, MPI_COMM_WORLD);
            pos = 0;
            MPI_Unpack_c(buf, 12, &pos, w, 3, MPI_INT, MPI_COMM_WORLD);
            CHECK(w[2] == 3 && pos == 12, "MPI_Pack_c / MPI_Unpack_c");
        }
    }
#endif
    return tu_finish();
}
