/*
 * Every datatype constructor, sent between ranks: MPI_Type_indexed, hindexed,
 * indexed_block, hindexed_block, hvector, vector with a negative stride, struct
 * (mixed basic types, absolute addresses with MPI_BOTTOM), resized, dup,
 * subarray (C and Fortran order), darray (block and cyclic); their extents and
 * true extents; receives whose type differs from the send type (same type
 * signature); MPI_Get_elements on whole and partial elements; zero-size types.
 * Rank 0 sends, rank 1 receives both with the derived type and as plain data.
 * Needs at least 2 processes.
 */
#include "testutil.h"
#include <stddef.h>

#define CELLS 64

static int rank;

/* Sends CELLS ints 0..63 laid out by `type` (count 1) from rank 0 to rank 1,
   which receives `count` ints and compares them with `expected`. */
static void send_as_ints(MPI_Datatype type, const int *expected, int count, const char *what)
{
    int memory[CELLS], got[CELLS], i, n;
    MPI_Status st;
    for (i = 0; i < CELLS; i++) memory[i] = i;
    if (rank == 0) {
        MPI_Send(memory, 1, type, 1, 0, MPI_COMM_WORLD);
    } else if (rank == 1) {
        for (i = 0; i < CELLS; i++) got[i] = -1;
        MPI_Recv(got, CELLS, MPI_INT, 0, 0, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_INT, &n);
        CHECK_INT(n, count, what);
        for (i = 0; i < count && i < n; i++)
            if (got[i] != expected[i]) FAIL("%s: element %d is %d, expected %d", what, i, got[i], expected[i]);
    }
}

/* Rank 0 sends ints 100.. as plain data; rank 1 receives them with `type`
   into zeros and checks that each lands where `expected` says. */
static void receive_into(MPI_Datatype type, const int *expected, int count, const char *what)
{
    int memory[CELLS], data[CELLS], i, j;
    MPI_Status st;
    for (i = 0; i < CELLS; i++) data[i] = 100 + i;
    if (rank == 0) {
        MPI_Send(data, count, MPI_INT, 1, 1, MPI_COMM_WORLD);
    } else if (rank == 1) {
        for (i = 0; i < CELLS; i++) memory[i] = 0;
        MPI_Recv(memory, 1, type, 0, 1, MPI_COMM_WORLD, &st);
        for (i = 0; i < CELLS; i++) {
            int want = 0;
            for (j = 0; j < count; j++) if (expected[j] == i) want = 100 + j;
            if (memory[i] != want) FAIL("%s: cell %d is %d, expected %d", what, i, memory[i], want);
        }
    }
}

static void both_ways(MPI_Datatype type, const int *expected, int count, const char *what)
{
    MPI_Type_commit(&type);
    send_as_ints(type, expected, count, what);
    receive_into(type, expected, count, what);
    MPI_Type_free(&type);
}

static void check_extent(MPI_Datatype type, MPI_Aint lb, MPI_Aint extent, MPI_Aint true_lb, MPI_Aint true_extent, const char *what)
{
    MPI_Aint a, b;
    MPI_Type_get_extent(type, &a, &b);
    if (a != lb || b != extent) FAIL("%s: extent (%ld, %ld), expected (%ld, %ld)", what, (long) a, (long) b, (long) lb, (long) extent);
    MPI_Type_get_true_extent(type, &a, &b);
    if (a != true_lb || b != true_extent)
        FAIL("%s: true extent (%ld, %ld), expected (%ld, %ld)", what, (long) a, (long) b, (long) true_lb, (long) true_extent);
}

int main(int argc, char **argv)
{
    int size;
    MPI_Datatype t, inner;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        FAIL("this test needs at least 2 processes, has %d", size);
        return tu_finish();
    }

    { /* indexed: blocks in the program's order, a zero-length one skipped */
        int lens[] = { 2, 1, 0, 3 }, disps[] = { 5, 0, 9, 1 }, want[] = { 5, 6, 0, 1, 2, 3 };
        MPI_Type_indexed(4, lens, disps, MPI_INT, &t);
        check_extent(t, 0, 28, 0, 28, "indexed");
        both_ways(t, want, 6, "indexed");
    }
    { /* hindexed, byte displacements */
        int lens[] = { 1, 2 }, want[] = { 10, 3, 4 };
        MPI_Aint disps[] = { 40, 12 };
        MPI_Type_create_hindexed(2, lens, disps, MPI_INT, &t);
        check_extent(t, 12, 32, 12, 32, "hindexed");
        both_ways(t, want, 3, "hindexed");
    }
    { /* indexed_block, two elements of it */
        int disps[] = { 4, 0 }, want[] = { 4, 5, 0, 1, 10, 11, 6, 7 };
        MPI_Type_create_indexed_block(2, 2, disps, MPI_INT, &t);
        check_extent(t, 0, 24, 0, 24, "indexed_block");
        MPI_Type_commit(&t);
        if (rank == 0) {
            int memory[CELLS], i;
            for (i = 0; i < CELLS; i++) memory[i] = i;
            MPI_Send(memory, 2, t, 1, 2, MPI_COMM_WORLD);
        } else if (rank == 1) {
            int got[8], i;
            MPI_Recv(got, 8, MPI_INT, 0, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            for (i = 0; i < 8; i++) CHECK_INT(got[i], want[i], "indexed_block x2");
        }
        MPI_Type_free(&t);
    }
    { /* hindexed_block */
        MPI_Aint disps[] = { 12, 4, 32 };
        int want[] = { 3, 1, 8 };
        MPI_Type_create_hindexed_block(3, 1, disps, MPI_INT, &t);
        both_ways(t, want, 3, "hindexed_block");
    }
    { /* hvector of a vector: a 3x2 block of a 8-wide matrix */
        int want[] = { 9, 10, 17, 18, 25, 26 };
        MPI_Type_vector(1, 2, 1, MPI_INT, &inner);
        MPI_Type_create_hvector(3, 1, 8 * sizeof(int), inner, &t);
        MPI_Type_free(&inner);
        check_extent(t, 0, 72, 0, 72, "hvector");
        MPI_Datatype shifted;
        MPI_Aint disp[] = { 9 * sizeof(int) };
        int one = 1;
        MPI_Type_create_hindexed(1, &one, disp, t, &shifted);
        MPI_Type_free(&t);
        both_ways(shifted, want, 6, "hvector at an offset");
    }
    { /* vector with a negative stride: blocks walk backwards from the buffer */
        int want[] = { 40, 41, 36, 37, 32, 33 };
        MPI_Datatype back, placed;
        MPI_Aint disp[] = { 40 * sizeof(int) };
        int one = 1;
        MPI_Type_vector(3, 2, -4, MPI_INT, &back);
        check_extent(back, -32, 40, -32, 40, "negative stride");
        MPI_Type_create_hindexed(1, &one, disp, back, &placed);
        MPI_Type_free(&back);
        both_ways(placed, want, 6, "negative stride");
    }
    { /* resized: every third int */
        int want[] = { 0, 3, 6, 9 };
        MPI_Type_create_resized(MPI_INT, 0, 3 * sizeof(int), &t);
        check_extent(t, 0, 12, 0, 4, "resized");
        MPI_Type_commit(&t);
        if (rank == 0) {
            int memory[CELLS], i;
            for (i = 0; i < CELLS; i++) memory[i] = i;
            MPI_Send(memory, 4, t, 1, 3, MPI_COMM_WORLD);
        } else if (rank == 1) {
            int got[4], i;
            MPI_Recv(got, 4, MPI_INT, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            for (i = 0; i < 4; i++) CHECK_INT(got[i], want[i], "resized x4");
        }
        MPI_Datatype copy;
        MPI_Type_dup(t, &copy);
        check_extent(copy, 0, 12, 0, 4, "dup of resized");
        MPI_Type_free(&copy);
        MPI_Type_free(&t);
    }
    { /* subarray, both orders */
        int sizes[] = { 4, 8 }, subs[] = { 2, 3 }, starts[] = { 1, 2 };
        int want_c[] = { 10, 11, 12, 18, 19, 20 }, want_f[] = { 9, 10, 13, 14, 17, 18 };
        MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t);
        check_extent(t, 0, 128, 40, 44, "subarray C");
        both_ways(t, want_c, 6, "subarray C");
        MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_FORTRAN, MPI_INT, &t);
        both_ways(t, want_f, 6, "subarray Fortran");
    }
    { /* darray: 4x6 ints in blocks over a 2x2 grid, this is rank 1's part */
        int gsizes[] = { 4, 6 }, distribs[] = { MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_BLOCK };
        int dargs[] = { MPI_DISTRIBUTE_DFLT_DARG, MPI_DISTRIBUTE_DFLT_DARG }, psizes[] = { 2, 2 };
        int want[] = { 3, 4, 5, 9, 10, 11 };
        MPI_Type_create_darray(4, 1, 2, gsizes, distribs, dargs, psizes, MPI_ORDER_C, MPI_INT, &t);
        check_extent(t, 0, 96, 12, 36, "darray block");
        both_ways(t, want, 6, "darray block");
    }
    { /* darray: 10 ints cyclic in blocks of 2 over 3 processes, rank 1's part */
        int gsizes[] = { 10 }, distribs[] = { MPI_DISTRIBUTE_CYCLIC }, dargs[] = { 2 }, psizes[] = { 3 };
        int want[] = { 2, 3, 8, 9 };
        MPI_Type_create_darray(3, 1, 1, gsizes, distribs, dargs, psizes, MPI_ORDER_C, MPI_INT, &t);
        check_extent(t, 0, 40, 8, 32, "darray cyclic");
        both_ways(t, want, 4, "darray cyclic");
    }
    { /* struct of mixed types; received as the same struct, and as its signature */
        struct rec { char c; double d; int i[2]; } out[2] = { { 'x', 1.5, { 7, 8 } }, { 'y', -2.25, { 9, 10 } } }, in[2];
        int lens[] = { 1, 1, 2 };
        MPI_Aint disps[] = { offsetof(struct rec, c), offsetof(struct rec, d), offsetof(struct rec, i) };
        MPI_Datatype types[] = { MPI_CHAR, MPI_DOUBLE, MPI_INT }, rec, rec2;
        MPI_Status st;
        int n;
        MPI_Type_create_struct(3, lens, disps, types, &rec);
        MPI_Type_create_resized(rec, 0, sizeof(struct rec), &rec2);
        MPI_Type_free(&rec);
        MPI_Type_commit(&rec2);
        if (rank == 0) {
            MPI_Send(out, 2, rec2, 1, 4, MPI_COMM_WORLD);
            MPI_Send(out, 2, rec2, 1, 5, MPI_COMM_WORLD);
            MPI_Send(out, 1, rec2, 1, 6, MPI_COMM_WORLD);
        } else if (rank == 1) {
            memset(in, 0, sizeof in);
            MPI_Recv(in, 2, rec2, 0, 4, MPI_COMM_WORLD, &st);
            CHECK(in[1].c == 'y' && in[1].d == -2.25 && in[1].i[1] == 10 && in[0].i[0] == 7, "struct received as struct");
            MPI_Get_elements(&st, rec2, &n);
            CHECK_INT(n, 8, "MPI_Get_elements of 2 structs");
            MPI_Get_count(&st, rec2, &n);
            CHECK_INT(n, 2, "MPI_Get_count of 2 structs");
            /* The same signature at absolute addresses (MPI_BOTTOM): element 0
               into c[0], d[0], i[0..1], element 1 into c[1], d[1], i[2..3]. */
            {
                char c[2];
                double d[2];
                int i[4], plens[] = { 1, 1, 2 }, ones[] = { 1, 1 };
                MPI_Aint a0[3], a1[3], zeros[] = { 0, 0 };
                MPI_Datatype parts[] = { MPI_CHAR, MPI_DOUBLE, MPI_INT }, e[2], both;
                MPI_Get_address(&c[0], &a0[0]);
                MPI_Get_address(&d[0], &a0[1]);
                MPI_Get_address(&i[0], &a0[2]);
                MPI_Get_address(&c[1], &a1[0]);
                MPI_Get_address(&d[1], &a1[1]);
                MPI_Get_address(&i[2], &a1[2]);
                MPI_Type_create_struct(3, plens, a0, parts, &e[0]);
                MPI_Type_create_struct(3, plens, a1, parts, &e[1]);
                MPI_Type_create_struct(2, ones, zeros, e, &both);
                MPI_Type_commit(&both);
                MPI_Recv(MPI_BOTTOM, 1, both, 0, 5, MPI_COMM_WORLD, &st);
                CHECK(c[0] == 'x' && c[1] == 'y' && d[0] == 1.5 && d[1] == -2.25 && i[0] == 7 && i[3] == 10,
                      "struct received at absolute addresses with MPI_BOTTOM");
                MPI_Type_free(&e[0]);
                MPI_Type_free(&e[1]);
                MPI_Type_free(&both);
            }
            /* A receive of 2 structs getting 1: count 1, elements 4. */
            MPI_Recv(in, 2, rec2, 0, 6, MPI_COMM_WORLD, &st);
            MPI_Get_elements(&st, rec2, &n);
            CHECK_INT(n, 4, "MPI_Get_elements of 1 struct");
        }
        MPI_Type_free(&rec2);
    }
    { /* a partial element: 5 ints into a type of 3 ints */
        int buf[CELLS], n;
        MPI_Status st;
        MPI_Type_contiguous(3, MPI_INT, &t);
        MPI_Type_commit(&t);
        if (rank == 0) {
            int data[5] = { 1, 2, 3, 4, 5 };
            MPI_Send(data, 5, MPI_INT, 1, 7, MPI_COMM_WORLD);
        } else if (rank == 1) {
            MPI_Recv(buf, 2, t, 0, 7, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, t, &n);
            CHECK_INT(n, MPI_UNDEFINED, "MPI_Get_count of 5 ints as triples");
            MPI_Get_elements(&st, t, &n);
            CHECK_INT(n, 5, "MPI_Get_elements of 5 ints as triples");
            CHECK(buf[4] == 5, "the partial triple is received");
        }
        MPI_Type_free(&t);
    }
    { /* zero-size types */
        int sz;
        MPI_Type_contiguous(0, MPI_INT, &t);
        MPI_Type_commit(&t);
        MPI_Type_size(t, &sz);
        CHECK_INT(sz, 0, "size of contiguous(0)");
        check_extent(t, 0, 0, 0, 0, "contiguous(0)");
        if (rank == 0) MPI_Send(NULL, 5, t, 1, 8, MPI_COMM_WORLD);
        else if (rank == 1) {
            MPI_Status st;
            int n;
            MPI_Recv(NULL, 5, t, 0, 8, MPI_COMM_WORLD, &st);
            MPI_Get_count(&st, MPI_INT, &n);
            CHECK_INT(n, 0, "zero-size message");
        }
        MPI_Type_free(&t);
    }
    return tu_finish();
}
