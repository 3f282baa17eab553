/*
 * self.c - the cost of the MPI library's own path for one small message, without a
 * second core: one rank sends 8 bytes to itself and receives them, n times, as
 * MPI_Send + MPI_Recv and as MPI_Irecv + MPI_Send + MPI_Wait; then MPI_Barrier and an
 * MPI_Allreduce of one double over MPI_COMM_WORLD (run on one rank: the calls' own
 * cost). scripts/bench-self builds it with mpicc and with brazoscc and runs both.
 *
 * Output (rank 0): "<path> <ns>" per pass for send-recv, irecv-send-wait, barrier and
 * allreduce, 3 passes.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int n = argc > 1 ? atoi(argv[1]) : 2000000;
    char sent[8] = "brazos!", received[8];
    for (int pass = 0; pass < 3; pass++) {
        double start = MPI_Wtime();
        for (int i = 0; i < n; i++) {
            MPI_Send(sent, 8, MPI_BYTE, rank, 1, MPI_COMM_WORLD);
            MPI_Recv(received, 8, MPI_BYTE, rank, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        double blocking = MPI_Wtime() - start;
        start = MPI_Wtime();
        for (int i = 0; i < n; i++) {
            MPI_Request request;
            MPI_Irecv(received, 8, MPI_BYTE, rank, 2, MPI_COMM_WORLD, &request);
            MPI_Send(sent, 8, MPI_BYTE, rank, 2, MPI_COMM_WORLD);
            MPI_Wait(&request, MPI_STATUS_IGNORE);
        }
        double nonblocking = MPI_Wtime() - start;
        start = MPI_Wtime();
        for (int i = 0; i < n; i++) MPI_Barrier(MPI_COMM_WORLD);
        double barrier = MPI_Wtime() - start;
        double value = 1.5, sum = 0;
        start = MPI_Wtime();
        for (int i = 0; i < n; i++) MPI_Allreduce(&value, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        double allreduce = MPI_Wtime() - start;
        if (sum != 1.5) {
            fprintf(stderr, "error: allreduce gave %g\n", sum);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        if (memcmp(sent, received, 8) != 0) {
            fprintf(stderr, "error: the message came back changed\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        if (rank == 0)
            printf("send-recv %.1f\nirecv-send-wait %.1f\nbarrier %.1f\nallreduce %.1f\n", blocking / n * 1e9, nonblocking / n * 1e9,
                   barrier / n * 1e9, allreduce / n * 1e9);
    }
    MPI_Finalize();
    return 0;
}
