/*
 * mpithreadtest.h - written for Brazos (not copied from MPICH).
 *
 * The thread helpers of MPICH's test harness that the MPICH thread tests use, on
 * POSIX threads: start threads and join them all, locks, and a barrier of the
 * program's threads.  Implemented in mtest_thread.c, which mtest.c includes.
 */
#ifndef MPITHREADTEST_H_INCLUDED
#define MPITHREADTEST_H_INCLUDED

#include <pthread.h>

#define MTEST_THREAD_RETURN_TYPE void *
#define MTEST_THREAD_RETVAL_IGN NULL
#define MTEST_THREAD_HANDLE pthread_t
#define MTEST_THREAD_LOCK_TYPE pthread_mutex_t

int MTest_Start_thread(MTEST_THREAD_RETURN_TYPE (*fn)(void *), void *arg);
int MTest_Join_threads(void);
int MTest_thread_lock_create(MTEST_THREAD_LOCK_TYPE *lock);
int MTest_thread_lock(MTEST_THREAD_LOCK_TYPE *lock);
int MTest_thread_unlock(MTEST_THREAD_LOCK_TYPE *lock);
int MTest_thread_lock_free(MTEST_THREAD_LOCK_TYPE *lock);
int MTest_thread_yield(void);
int MTest_thread_barrier_init(void);
int MTest_thread_barrier(int nthreads);
int MTest_thread_barrier_free(void);

#endif
