/*
 * cxx_basic.cc - the C API from C++, as C++ MPI programs use it: a traits template
 * mapping C++ types to MPI datatypes, std::vector and std::string buffers, an RAII
 * communicator, a user reduction written as a captureless lambda, and exceptions
 * that are thrown and caught between MPI calls, never across one.
 *
 * Built with brazoscxx and with OpenMPI's mpicxx by scripts/mpi-tests.
 */
#include <mpi.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "testutil.h"

namespace {

template <typename T> struct MpiType;
template <> struct MpiType<int> { static MPI_Datatype get() { return MPI_INT; } };
template <> struct MpiType<long long> { static MPI_Datatype get() { return MPI_LONG_LONG; } };
template <> struct MpiType<double> { static MPI_Datatype get() { return MPI_DOUBLE; } };
template <> struct MpiType<char> { static MPI_Datatype get() { return MPI_CHAR; } };

/* A duplicate of a communicator, freed when it goes out of scope. */
class OwnedComm {
  public:
    explicit OwnedComm(MPI_Comm parent) { MPI_Comm_dup(parent, &comm_); }
    ~OwnedComm() { MPI_Comm_free(&comm_); }
    OwnedComm(const OwnedComm &) = delete;
    OwnedComm &operator=(const OwnedComm &) = delete;
    MPI_Comm get() const { return comm_; }
    int rank() const { int r; MPI_Comm_rank(comm_, &r); return r; }
    int size() const { int s; MPI_Comm_size(comm_, &s); return s; }

  private:
    MPI_Comm comm_ = MPI_COMM_NULL;
};

template <typename T> std::vector<T> allreduce_sum(const std::vector<T> &in, MPI_Comm comm)
{
    std::vector<T> out(in.size());
    MPI_Allreduce(in.data(), out.data(), static_cast<int>(in.size()), MpiType<T>::get(), MPI_SUM, comm);
    return out;
}

template <typename T> std::vector<T> allgather(const T &mine, MPI_Comm comm)
{
    int size;
    MPI_Comm_size(comm, &size);
    std::vector<T> all(static_cast<size_t>(size));
    MPI_Allgather(&mine, 1, MpiType<T>::get(), all.data(), 1, MpiType<T>::get(), comm);
    return all;
}

/* Element-wise sums of vectors of each type, checked against the closed form. */
template <typename T> void check_sums(const OwnedComm &comm, const char *what)
{
    const int n = 1000, size = comm.size(), rank = comm.rank();
    std::vector<T> mine(n);
    for (int i = 0; i < n; i++)
        mine[i] = static_cast<T>(rank + i);
    std::vector<T> sums = allreduce_sum(mine, comm.get());
    for (int i = 0; i < n; i++) {
        T expected = static_cast<T>(size * (size - 1) / 2 + size * i);
        if (sums[i] != expected) {
            FAIL("%s: element %d: expected %g, got %g", what, i, (double) expected, (double) sums[i]);
            break;
        }
    }
}

/* A string passed around the ring, each rank appending its own letter. */
void check_ring(const OwnedComm &comm)
{
    const int size = comm.size(), rank = comm.rank();
    std::string text(1, 'a');
    if (rank != 0 || size > 1) {
        if (rank != 0) {
            MPI_Status status;
            MPI_Probe(rank - 1, 7, comm.get(), &status);
            int length = 0;
            MPI_Get_count(&status, MPI_CHAR, &length);
            text.assign(static_cast<size_t>(length), '\0');
            MPI_Recv(&text[0], length, MPI_CHAR, rank - 1, 7, comm.get(), MPI_STATUS_IGNORE);
            text.push_back(static_cast<char>('a' + rank));
        }
        if (rank + 1 < size)
            MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, rank + 1, 7, comm.get());
    }
    std::string expected;
    for (int r = 0; r <= rank; r++)
        expected.push_back(static_cast<char>('a' + r));
    CHECK(text == expected, "ring: rank %d expected '%s', got '%s'", rank, expected.c_str(), text.c_str());
}

/* Throws for a value it does not accept; the exception stays within this rank's code. */
int parse_positive(const std::string &text)
{
    size_t used = 0;
    int value = std::stoi(text, &used);
    if (used != text.size() || value <= 0)
        throw std::invalid_argument("not a positive number: " + text);
    return value;
}

/* Each rank parses a list with one bad entry; the failures are caught before the
   counts go into an MPI call. */
void check_exceptions(const OwnedComm &comm)
{
    const std::vector<std::string> inputs = {"3", "-1", "x", std::to_string(comm.rank() + 1)};
    int accepted = 0, rejected = 0;
    for (const auto &input : inputs) {
        try {
            accepted += parse_positive(input);
        } catch (const std::exception &) {
            rejected++;
        }
    }
    std::vector<int> counts = allgather(rejected, comm.get());
    CHECK(std::all_of(counts.begin(), counts.end(), [](int c) { return c == 2; }), "exceptions: every rank rejects 2");
    std::vector<int> total = allreduce_sum(std::vector<int>{accepted}, comm.get());
    const int size = comm.size();
    CHECK_INT(total[0], 3 * size + size * (size + 1) / 2, "exceptions: sum of accepted values");
}

/* A non-commutative user operation written as a captureless lambda: 2x2 integer
   matrix products, whose order MPI must keep. */
void check_user_op(const OwnedComm &comm)
{
    MPI_User_function *multiply = [](void *in, void *inout, int *len, MPI_Datatype *) {
        auto *a = static_cast<int *>(in);
        auto *b = static_cast<int *>(inout);
        for (int k = 0; k < *len; k += 4, a += 4, b += 4) {
            int r[4] = {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]};
            std::copy(r, r + 4, b);
        }
    };
    MPI_Op op;
    MPI_Op_create(multiply, 0, &op);
    const int rank = comm.rank(), size = comm.size();
    /* Rank r holds [[1, r], [0, 2]]; the product in rank order is [[1, x], [0, 2^size]]
       with x = sum of r * 2^(size-1-r), which another order would not give. */
    std::vector<int> mine = {1, rank, 0, 2}, product(4);
    MPI_Reduce(mine.data(), product.data(), 4, MPI_INT, op, 0, comm.get());
    if (rank == 0) {
        int x = 0;
        for (int r = 0; r < size; r++)
            x = 2 * x + r;
        std::vector<int> expected = {1, x, 0, 1 << size};
        CHECK(product == expected, "user op: product [[%d, %d], [%d, %d]]", product[0], product[1], product[2], product[3]);
    }
    MPI_Op_free(&op);
}

} // namespace

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    {
        OwnedComm comm(MPI_COMM_WORLD);
        check_sums<int>(comm, "int");
        check_sums<long long>(comm, "long long");
        check_sums<double>(comm, "double");
        check_ring(comm);
        check_exceptions(comm);
        check_user_op(comm);
    }
    return tu_finish();
}
