/*
 * p2p_sendrecv_replace.c - Sendrecv_replace around a ring (short, long and strided
 * data, MPI_PROC_NULL on either side), and MPI 4.0's Isendrecv, Isendrecv_replace and
 * the large-count forms.
 */
#include "testutil.h"

#define LONG_COUNT (1 << 18)

static void fill(int *values, int n, int seed)
{
    for (int i = 0; i < n; i++)
        values[i] = seed * 1000 + i;
}

static void expect(const int *values, int n, int seed, const char *what)
{
    for (int i = 0; i < n; i++)
        if (values[i] != seed * 1000 + i) {
            FAIL("%s: element %d is %d, expected %d", what, i, values[i], seed * 1000 + i);
            return;
        }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size, count;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int next = (rank + 1) % size, prev = (rank - 1 + size) % size;
    int *buffer = malloc(LONG_COUNT * sizeof(int)), *other = malloc(LONG_COUNT * sizeof(int));
    MPI_Status status;
    int counts[] = {0, 1, 1000, LONG_COUNT};
    for (int k = 0; k < 4; k++) {
        fill(buffer, counts[k], rank + k);
        MPI_Sendrecv_replace(buffer, counts[k], MPI_INT, next, k, prev, k, MPI_COMM_WORLD, &status);
        expect(buffer, counts[k], prev + k, "Sendrecv_replace");
        CHECK_INT(status.MPI_SOURCE, prev, "Sendrecv_replace source");
        MPI_Get_count(&status, MPI_INT, &count);
        CHECK_INT(count, counts[k], "Sendrecv_replace count");
    }

    /* Every other element of 2000: a strided type packs, travels and unpacks in place. */
    MPI_Datatype strided;
    MPI_Type_vector(1000, 1, 2, MPI_INT, &strided);
    MPI_Type_commit(&strided);
    fill(buffer, 2000, rank);
    MPI_Sendrecv_replace(buffer, 1, strided, next, 9, prev, 9, MPI_COMM_WORLD, &status);
    for (int i = 0; i < 2000; i++) {
        int expected = (i % 2 == 0 ? prev : rank) * 1000 + i;
        if (buffer[i] != expected) {
            FAIL("strided Sendrecv_replace: element %d is %d, expected %d", i, buffer[i], expected);
            break;
        }
    }
    MPI_Type_free(&strided);

    /* MPI_PROC_NULL: nothing arrives, the buffer stays, the status is empty. */
    fill(buffer, 10, rank);
    MPI_Sendrecv_replace(buffer, 10, MPI_INT, MPI_PROC_NULL, 0, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &status);
    expect(buffer, 10, rank, "Sendrecv_replace with MPI_PROC_NULL");
    CHECK_INT(status.MPI_SOURCE, MPI_PROC_NULL, "Sendrecv_replace from MPI_PROC_NULL: source");
    MPI_Get_count(&status, MPI_INT, &count);
    CHECK_INT(count, 0, "Sendrecv_replace from MPI_PROC_NULL: count");
    fill(buffer, 10, rank);
    MPI_Sendrecv_replace(buffer, 10, MPI_INT, next, 11, MPI_PROC_NULL, 11, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(buffer, 10, rank, "Sendrecv_replace sending only");
    MPI_Recv(other, 10, MPI_INT, prev, 11, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(other, 10, prev, "the message of Sendrecv_replace sending only");

#if MPI_VERSION >= 4
    MPI_Request request;
    for (int k = 0; k < 4; k++) {
        fill(buffer, counts[k], rank + k + 20);
        MPI_Isendrecv_replace(buffer, counts[k], MPI_INT, next, k, prev, k, MPI_COMM_WORLD, &request);
        MPI_Wait(&request, &status);
        expect(buffer, counts[k], prev + k + 20, "Isendrecv_replace");
        MPI_Get_count(&status, MPI_INT, &count);
        CHECK_INT(count, counts[k], "Isendrecv_replace count");

        fill(buffer, counts[k], rank + k + 30);
        memset(other, 0, (size_t) counts[k] * sizeof(int));
        MPI_Isendrecv(buffer, counts[k], MPI_INT, next, k, other, counts[k], MPI_INT, prev, k, MPI_COMM_WORLD, &request);
        int flag = 0;
        while (!flag)
            MPI_Test(&request, &flag, &status);
        expect(other, counts[k], prev + k + 30, "Isendrecv");
        CHECK_INT(status.MPI_TAG, k, "Isendrecv tag");
    }
    fill(buffer, 1000, rank + 40);
    MPI_Sendrecv_replace_c(buffer, (MPI_Count) 1000, MPI_INT, next, 40, prev, 40, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(buffer, 1000, prev + 40, "Sendrecv_replace_c");
    fill(buffer, 1000, rank + 41);
    MPI_Sendrecv_c(buffer, (MPI_Count) 1000, MPI_INT, next, 41, other, (MPI_Count) 1000, MPI_INT, prev, 41, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    expect(other, 1000, prev + 41, "Sendrecv_c");
    fill(buffer, 1000, rank + 42);
    MPI_Isendrecv_c(buffer, (MPI_Count) 1000, MPI_INT, next, 42, other, (MPI_Count) 1000, MPI_INT, prev, 42, MPI_COMM_WORLD, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    expect(other, 1000, prev + 42, "Isendrecv_c");
    fill(buffer, 1000, rank + 43);
    MPI_Isendrecv_replace_c(buffer, (MPI_Count) 1000, MPI_INT, next, 43, prev, 43, MPI_COMM_WORLD, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
    expect(buffer, 1000, prev + 43, "Isendrecv_replace_c");
#endif
    free(buffer);
    free(other);
    return tu_finish();
}
