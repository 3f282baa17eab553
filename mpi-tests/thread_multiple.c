/*
 * MPI_THREAD_MULTIPLE: MPI_Init_thread provides it when asked, MPI_Query_thread says
 * so, MPI_Is_thread_main is true on the thread that initialized MPI only.  Then several
 * threads of every rank communicate at once: each thread has its own communicator (a
 * dup of MPI_COMM_WORLD made before the threads start) or its own tag on
 * MPI_COMM_WORLD, and sends to the next rank and receives from the previous one,
 * short messages and long ones (past any eager limit), blocking and non-blocking,
 * then runs an MPI_Allreduce on its own communicator.  Every message's contents name
 * the sender, thread and round, so a message delivered to the wrong thread shows.
 * Any number of processes.
 */
#include "testutil.h"
#include <pthread.h>

#define THREADS 4
#define ROUNDS 200
#define LONG_COUNT 40000 /* ints: 160000 bytes */

static int rank, size;
static MPI_Comm comms[THREADS];
static int thread_errs[THREADS];
static int thread_main_flags[THREADS];

/* Thread t uses comms[t]; the even ones are dups, the odd ones MPI_COMM_WORLD with tag t. */
static void *exchange(void *arg)
{
    int t = (int) (long) arg, round, i, errs = 0, flag = -1;
    int next = (rank + 1) % size, prev = (rank + size - 1) % size;
    MPI_Comm comm = comms[t];
    int tag = t;
    int *out = malloc(LONG_COUNT * sizeof(int)), *in = malloc(LONG_COUNT * sizeof(int));

    MPI_Is_thread_main(&flag);
    thread_main_flags[t] = flag;

    for (round = 0; round < ROUNDS; round++) {
        int count = (round % 10 == 9) ? LONG_COUNT : 1 + round % 7;
        MPI_Request reqs[2];
        MPI_Status st;
        for (i = 0; i < count; i++)
            out[i] = ((rank * THREADS + t) * ROUNDS + round) * 7 + i % 7;
        if (round % 2 == 0) {
            MPI_Irecv(in, count, MPI_INT, prev, tag, comm, &reqs[0]);
            MPI_Isend(out, count, MPI_INT, next, tag, comm, &reqs[1]);
            MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        } else {
            MPI_Sendrecv(out, count, MPI_INT, next, tag, in, count, MPI_INT, prev, tag, comm, &st);
            if (st.MPI_SOURCE != prev || st.MPI_TAG != tag) {
                errs++;
                if (errs < 5)
                    fprintf(stderr, "[%d] thread %d round %d: status source %d tag %d\n", rank, t,
                            round, st.MPI_SOURCE, st.MPI_TAG);
            }
        }
        for (i = 0; i < count; i++) {
            int expected = ((prev * THREADS + t) * ROUNDS + round) * 7 + i % 7;
            if (in[i] != expected) {
                errs++;
                if (errs < 5)
                    fprintf(stderr, "[%d] thread %d round %d: in[%d] = %d, expected %d\n", rank, t,
                            round, i, in[i], expected);
                break;
            }
        }
    }
    if (comm != MPI_COMM_WORLD) {
        int mine = rank * THREADS + t, sum = -1;
        MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, comm);
        if (sum != THREADS * size * (size - 1) / 2 + t * size) {
            errs++;
            fprintf(stderr, "[%d] thread %d: allreduce gave %d\n", rank, t, sum);
        }
    }
    free(out);
    free(in);
    thread_errs[t] = errs;
    return NULL;
}

int main(int argc, char **argv)
{
    int provided = -1, queried = -1, flag = -1, t;
    pthread_t threads[THREADS];

    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK_INT(provided, MPI_THREAD_MULTIPLE, "the level MPI_Init_thread provided");
    MPI_Query_thread(&queried);
    CHECK_INT(queried, provided, "MPI_Query_thread");
    MPI_Is_thread_main(&flag);
    CHECK_INT(flag, 1, "MPI_Is_thread_main on the thread that called MPI_Init_thread");
    if (provided != MPI_THREAD_MULTIPLE)
        return tu_finish();

    for (t = 0; t < THREADS; t++) {
        if (t % 2 == 0)
            MPI_Comm_dup(MPI_COMM_WORLD, &comms[t]);
        else
            comms[t] = MPI_COMM_WORLD;
    }
    for (t = 0; t < THREADS; t++)
        pthread_create(&threads[t], NULL, exchange, (void *) (long) t);
    for (t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    for (t = 0; t < THREADS; t++) {
        tu_errs += thread_errs[t];
        CHECK_INT(thread_main_flags[t], 0, "MPI_Is_thread_main on a thread the program started");
        if (comms[t] != MPI_COMM_WORLD)
            MPI_Comm_free(&comms[t]);
    }
    return tu_finish();
}
