/*
 * Reductions on the predefined types beyond the classic C ones: MPI_AINT,
 * MPI_COUNT, MPI_OFFSET (SUM, MAX, BAND), the C complex types (SUM, PROD), the
 * fixed-size Fortran types (SUM), MPI_C_BOOL (LOR), a user operation on a vector with
 * a negative stride. Under Brazos only: MPI_CXX_BOOL,
 * a contiguous derived type of MPI_AINT, and MPI_ERR_OP for a type that mixes basic
 * types and for operations outside a type's group.
 */
#include "testutil.h"
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>

/* A user operation on a backwards vector of 3 ints (stride -2): the function gets
   memory laid out as the type says, elements below the pointer. */
static void backwards_sum(void *in, void *inout, int *len, MPI_Datatype *type)
{
    int *a = in, *b = inout, e, k;
    (void) type;
    for (e = 0; e < *len; e++)
        for (k = 0; k < 3; k++) b[-2 * k] += a[-2 * k];
}

int main(int argc, char **argv)
{
    int rank, size, i;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    { /* MPI_AINT, MPI_COUNT, MPI_OFFSET */
        MPI_Aint a = (MPI_Aint) rank + 1, as = 0;
        MPI_Count c = ((MPI_Count) 1 << 40) + rank, cm = 0;
        MPI_Offset o = 0xff00 | rank, ob = 0;
        MPI_Allreduce(&a, &as, 1, MPI_AINT, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(as, (long long) size * (size + 1) / 2, "MPI_AINT sum");
        MPI_Allreduce(&c, &cm, 1, MPI_COUNT, MPI_MAX, MPI_COMM_WORLD);
        CHECK_INT(cm, ((MPI_Count) 1 << 40) + size - 1, "MPI_COUNT max");
        MPI_Allreduce(&o, &ob, 1, MPI_OFFSET, MPI_BAND, MPI_COMM_WORLD);
        CHECK_INT(ob, size == 1 ? 0xff00 : 0xff00, "MPI_OFFSET band");
    }
#ifndef OPEN_MPI
    { /* a contiguous type of MPI_AINT (Open MPI 4.1 refuses predefined operations
         on derived types; MPI allows them on types of one basic type) */
        MPI_Aint in[3], out[3];
        MPI_Datatype triple;
        MPI_Type_contiguous(3, MPI_AINT, &triple);
        MPI_Type_commit(&triple);
        for (i = 0; i < 3; i++) in[i] = (MPI_Aint) (rank * 10 + i);
        MPI_Allreduce(in, out, 1, triple, MPI_MAX, MPI_COMM_WORLD);
        for (i = 0; i < 3; i++) CHECK_INT(out[i], (size - 1) * 10 + i, "max over a contiguous MPI_AINT type");
        MPI_Type_free(&triple);
    }
#endif
    { /* a user operation on a type whose data lies before its address */
        int buf[5], out[5], k;
        MPI_Datatype back;
        MPI_Op op;
        MPI_Type_vector(3, 1, -2, MPI_INT, &back);
        MPI_Type_commit(&back);
        MPI_Op_create(backwards_sum, 1, &op);
        for (k = 0; k < 5; k++) { buf[k] = rank + k; out[k] = -1; }
        MPI_Allreduce(&buf[4], &out[4], 1, back, op, MPI_COMM_WORLD);
        for (k = 0; k < 5; k += 2) CHECK_INT(out[k], size * (size - 1) / 2 + size * k, "user sum over a backwards vector");
        CHECK(out[1] == -1 && out[3] == -1, "the gaps of the backwards vector are left alone");
        MPI_Op_free(&op);
        MPI_Type_free(&back);
    }
    { /* complex SUM and PROD: (1+i) per rank */
        float _Complex f = 1.0f + 1.0f * I, fs = 0, fp = 0;
        double _Complex d = 1.0 + 1.0 * I, ds = 0, dp = 0, expect = 1;
        long double _Complex l = 1.0L + 1.0L * I, ls = 0;
        for (i = 0; i < size; i++) expect *= 1.0 + 1.0 * I;
        MPI_Allreduce(&f, &fs, 1, MPI_C_FLOAT_COMPLEX, MPI_SUM, MPI_COMM_WORLD);
        CHECK(crealf(fs) == size && cimagf(fs) == size, "MPI_C_FLOAT_COMPLEX sum");
        MPI_Allreduce(&f, &fp, 1, MPI_C_COMPLEX, MPI_PROD, MPI_COMM_WORLD);
        CHECK(crealf(fp) == (float) creal(expect) && cimagf(fp) == (float) cimag(expect), "MPI_C_COMPLEX prod");
        MPI_Allreduce(&d, &ds, 1, MPI_C_DOUBLE_COMPLEX, MPI_SUM, MPI_COMM_WORLD);
        CHECK(creal(ds) == size && cimag(ds) == size, "MPI_C_DOUBLE_COMPLEX sum");
        MPI_Allreduce(&d, &dp, 1, MPI_C_DOUBLE_COMPLEX, MPI_PROD, MPI_COMM_WORLD);
        CHECK(creal(dp) == creal(expect) && cimag(dp) == cimag(expect), "MPI_C_DOUBLE_COMPLEX prod");
        MPI_Allreduce(&l, &ls, 1, MPI_C_LONG_DOUBLE_COMPLEX, MPI_SUM, MPI_COMM_WORLD);
        CHECK(creall(ls) == size && cimagl(ls) == size, "MPI_C_LONG_DOUBLE_COMPLEX sum");
    }
    { /* fixed-size Fortran types */
        int32_t i4 = rank, i4s = 0;
        int64_t i8 = (int64_t) rank << 33, i8s = 0;
        float r4 = 0.5f, r4s = 0;
        double r8 = 0.25, r8s = 0;
        MPI_Allreduce(&i4, &i4s, 1, MPI_INTEGER4, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(i4s, size * (size - 1) / 2, "MPI_INTEGER4 sum");
        MPI_Allreduce(&i8, &i8s, 1, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD);
        CHECK_INT(i8s, ((int64_t) size * (size - 1) / 2) << 33, "MPI_INTEGER8 sum");
        MPI_Allreduce(&r4, &r4s, 1, MPI_REAL4, MPI_SUM, MPI_COMM_WORLD);
        CHECK(r4s == 0.5f * size, "MPI_REAL4 sum");
        MPI_Allreduce(&r8, &r8s, 1, MPI_REAL8, MPI_SUM, MPI_COMM_WORLD);
        CHECK(r8s == 0.25 * size, "MPI_REAL8 sum");
    }
    { /* logical */
        bool b = rank == size - 1, bo = false;
        MPI_Allreduce(&b, &bo, 1, MPI_C_BOOL, MPI_LOR, MPI_COMM_WORLD);
        CHECK(bo, "MPI_C_BOOL lor");
#ifndef OPEN_MPI
        bo = false;
        MPI_Allreduce(&b, &bo, 1, MPI_CXX_BOOL, MPI_LOR, MPI_COMM_WORLD);
        CHECK(bo, "MPI_CXX_BOOL lor");
#endif
    }
#ifndef OPEN_MPI
    { /* refused: a struct of two basic types, MAX on complex, SUM on MPI_WCHAR */
        int lens[] = { 1, 1 }, rc;
        MPI_Aint disps[] = { 0, 8 };
        MPI_Datatype types[] = { MPI_INT, MPI_DOUBLE }, mixed;
        double buf[4] = { 0 }, out[4];
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Type_create_struct(2, lens, disps, types, &mixed);
        MPI_Type_commit(&mixed);
        rc = MPI_Allreduce(buf, out, 1, mixed, MPI_SUM, MPI_COMM_WORLD);
        CHECK_CLASS(rc, MPI_ERR_OP, "SUM on a struct of int and double");
        rc = MPI_Allreduce(buf, out, 1, MPI_C_DOUBLE_COMPLEX, MPI_MAX, MPI_COMM_WORLD);
        CHECK_CLASS(rc, MPI_ERR_OP, "MAX on MPI_C_DOUBLE_COMPLEX");
        rc = MPI_Allreduce(buf, out, 1, MPI_WCHAR, MPI_SUM, MPI_COMM_WORLD);
        CHECK_CLASS(rc, MPI_ERR_OP, "SUM on MPI_WCHAR");
        MPI_Type_free(&mixed);
    }
#endif
    return tu_finish();
}
