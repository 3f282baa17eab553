/*
 * MPI_MINLOC and MPI_MAXLOC on the pair types MPI_FLOAT_INT, MPI_DOUBLE_INT,
 * MPI_LONG_INT and MPI_2INT with the non-blocking MPI_Ireduce (every root) and
 * MPI_Iallreduce (also in place), each outstanding together with a blocking
 * MPI_Allreduce of the same data, several elements; ties go to the smallest index,
 * as MPI specifies (minloc_maxloc.c does the blocking forms).
 */
#include "testutil.h"
#include "minloc_values.h"

#define RUN(T, MPIT, comm, cname)                                                     \
    do {                                                                             \
        T in[COUNT], out[COUNT], both_[COUNT];                                       \
        int rank_, size_, e_, m_, root_, ev_, ei_, mode_;                              \
        MPI_Request req_;                                                            \
        MPI_Comm_rank(comm, &rank_);                                                 \
        MPI_Comm_size(comm, &size_);                                                 \
        for (m_ = 0; m_ < 2; m_++) {                                                  \
            MPI_Op op_ = m_ ? MPI_MAXLOC : MPI_MINLOC;                                \
            /* mode: -1 allreduce, -2 allreduce in place, >= 0 reduce at that root */ \
            for (mode_ = -2; mode_ < size_; mode_++) {                                \
                root_ = mode_;                                                       \
                for (e_ = 0; e_ < COUNT; e_++) {                                      \
                    in[e_].v = val(rank_, e_, size_);                                 \
                    in[e_].i = idx_of(rank_, e_);                                     \
                    out[e_].v = -999; out[e_].i = -999;                               \
                }                                                                    \
                if (mode_ == -1)                                                     \
                    MPI_Iallreduce(in, out, COUNT, MPIT, op_, comm, &req_);          \
                else if (mode_ == -2) {                                              \
                    memcpy(out, in, sizeof in);                                      \
                    MPI_Iallreduce(MPI_IN_PLACE, out, COUNT, MPIT, op_, comm, &req_); \
                } else                                                               \
                    MPI_Ireduce(in, out, COUNT, MPIT, op_, root_, comm, &req_);      \
                MPI_Allreduce(in, both_, COUNT, MPIT, op_, comm);                    \
                MPI_Wait(&req_, MPI_STATUS_IGNORE);                                  \
                for (e_ = 0; e_ < COUNT; e_++) {                                      \
                    expect(size_, e_, m_, &ev_, &ei_);                                 \
                    if (both_[e_].v != ev_ || both_[e_].i != ei_)                       \
                        FAIL("blocking MPI_Allreduce among non-blocking ones, %s, element %d", cname, e_); \
                }                                                                    \
                if (mode_ < 0 || rank_ == root_) {                                    \
                    for (e_ = 0; e_ < COUNT; e_++) {                                  \
                        expect(size_, e_, m_, &ev_, &ei_);                             \
                        if (out[e_].v != ev_ || out[e_].i != ei_)                       \
                            FAIL("%s %s %s (mode %d) on %s, element %d: got (%g, %d), expected (%d, %d)", \
                                 mode_ >= 0 ? "MPI_Ireduce" : "MPI_Iallreduce",       \
                                 m_ ? "MPI_MAXLOC" : "MPI_MINLOC", #MPIT, mode_, cname, e_, \
                                 (double) out[e_].v, out[e_].i, ev_, ei_);           \
                    }                                                                \
                }                                                                    \
            }                                                                        \
        }                                                                            \
    } while (0)

int main(int argc, char **argv)
{
    int idx = 0;
    MPI_Comm comm;
    const char *cname;

    MPI_Init(&argc, &argv);
    while (tu_next_comm(&idx, &comm, &cname)) {
        if (comm != MPI_COMM_NULL) {
            RUN(float_int, MPI_FLOAT_INT, comm, cname);
            RUN(double_int, MPI_DOUBLE_INT, comm, cname);
            RUN(long_int, MPI_LONG_INT, comm, cname);
            RUN(two_int, MPI_2INT, comm, cname);
        }
        tu_free_comm(&comm);
    }
    return tu_finish();
}
