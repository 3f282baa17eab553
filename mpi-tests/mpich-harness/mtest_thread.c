/*
 * mtest_thread.c - written for Brazos (not copied from MPICH): the helpers of
 * mpithreadtest.h.  Included by mtest.c, which scripts/mpi-tests links into every
 * MPICH test program.
 */
#include "mpithreadtest.h"
#include <sched.h>
#include <stdio.h>

#define MTEST_MAX_THREADS 256

static pthread_t started[MTEST_MAX_THREADS];
static int nstarted = 0;

int MTest_Start_thread(MTEST_THREAD_RETURN_TYPE (*fn)(void *), void *arg)
{
    if (nstarted >= MTEST_MAX_THREADS) {
        fprintf(stderr, "MTest_Start_thread: more than %d threads\n", MTEST_MAX_THREADS);
        return 1;
    }
    if (pthread_create(&started[nstarted], NULL, fn, arg) != 0)
        return 1;
    nstarted++;
    return 0;
}

int MTest_Join_threads(void)
{
    int i, err = 0;
    for (i = 0; i < nstarted; i++)
        if (pthread_join(started[i], NULL) != 0)
            err = 1;
    nstarted = 0;
    return err;
}

int MTest_thread_lock_create(MTEST_THREAD_LOCK_TYPE *lock) { return pthread_mutex_init(lock, NULL); }
int MTest_thread_lock(MTEST_THREAD_LOCK_TYPE *lock) { return pthread_mutex_lock(lock); }
int MTest_thread_unlock(MTEST_THREAD_LOCK_TYPE *lock) { return pthread_mutex_unlock(lock); }
int MTest_thread_lock_free(MTEST_THREAD_LOCK_TYPE *lock) { return pthread_mutex_destroy(lock); }
int MTest_thread_yield(void) { return sched_yield(); }

/* A barrier of nthreads threads, reusable: each crossing moves to the next
   generation, so a thread that races ahead waits for the others of its own. */
static pthread_mutex_t barrier_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t barrier_cond = PTHREAD_COND_INITIALIZER;
static int barrier_waiting = 0;
static unsigned long barrier_generation = 0;

int MTest_thread_barrier_init(void) { return 0; }
int MTest_thread_barrier_free(void) { return 0; }

int MTest_thread_barrier(int nthreads)
{
    unsigned long generation;
    pthread_mutex_lock(&barrier_mutex);
    generation = barrier_generation;
    if (++barrier_waiting >= nthreads) {
        barrier_waiting = 0;
        barrier_generation++;
        pthread_cond_broadcast(&barrier_cond);
    } else {
        while (generation == barrier_generation)
            pthread_cond_wait(&barrier_cond, &barrier_mutex);
    }
    pthread_mutex_unlock(&barrier_mutex);
    return 0;
}
