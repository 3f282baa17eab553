// The C++ half of the CMake check: every rank's name travels to rank 0 in a std::vector.
#include <mpi.h>

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    std::string mine = "r" + std::to_string(rank);
    mine.resize(4, ' ');
    std::vector<char> all(rank == 0 ? 4 * size : 0);
    MPI_Gather(mine.data(), 4, MPI_CHAR, all.data(), 4, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank == 0)
        std::cout << "c++: " << size << " ranks: " << std::string(all.begin(), all.end()) << "\n";
    MPI_Finalize();
    return 0;
}
