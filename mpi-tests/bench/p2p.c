/*
 * p2p.c - point-to-point MPI benchmark for exactly 2 ranks. scripts/bench-p2p
 * builds it twice, against OpenMPI and against Brazos's C ABI, and runs it next
 * to our Swift p2p-bench, which follows the same protocol and output format.
 *
 * Build:  mpicc -O2 -o p2p-mpi p2p.c          (or .build/release/brazoscc -O2 ...)
 * Run:    mpirun -n 2 ./p2p-mpi [--quick]     (or brazosrun -n 2 ./p2p-brazos ...)
 *
 * Output (rank 0 only, one line per measurement, flushed line by line):
 *   latency <bytes> <one_way_microseconds>
 *   latency-single <bytes> <median_us> <p99_us> <samples>   (8 B and 1 MiB only)
 *   bandwidth <bytes> <megabytes_per_second>        (MB = 1e6 bytes)
 * On a content mismatch the rank that sees it prints "error ..." and the job
 * is aborted with a non-zero exit status.
 *
 * Protocol (rank 0 drives, rank 1 follows control messages):
 *
 * Latency, sizes 0, 8, 64, 512, 4096, 32768, 262144, 1048576, 4194304:
 *   1. check: rank 0 sends <size> bytes whose first/last bytes carry a
 *      pattern; rank 1 checks count, first and last byte, answers with its own
 *      pattern, rank 0 checks that (TAG_LAT_CHECK).
 *   2. warm-up + calibration: rounds of n = 1, 2, 4, ... ping-pongs until one
 *      round takes >= 20 ms (5 ms with --quick). Each round is announced to
 *      rank 1 with a control message holding n (TAG_LAT_CTRL).
 *   3. measurement: iters = 0.3 s (0.075 s with --quick) / round-trip time
 *      estimated from the last calibration round, clamped to
 *      [20, 2000000] (minimum 10 with --quick) and rounded up to a multiple of
 *      5; run as 5 batches of iters/5 ping-pongs (TAG_LAT), each batch timed
 *      separately. The reported figure is the MEDIAN over the 5 batches of
 *      (batch time / batch iterations / 2), i.e. one-way latency = RTT / 2.
 *   4. for 8 bytes and 1 MiB only: the same number of ping-pongs again (at
 *      least 100, at most 200000), announced like a batch, each round trip
 *      timed on its own; latency-single reports the median and the 99th
 *      percentile (nearest rank) of round trip / 2.
 *   5. a control message with n = 0 ends the size on rank 1.
 *
 * Bandwidth, sizes 65536, 262144, 1048576, 4194304:
 *   one "window" = rank 0 posts 64 MPI_Isend of <size> bytes from the same
 *   buffer (TAG_BW) and MPI_Waitall; rank 1 posts 64 matching MPI_Irecv and
 *   MPI_Waitall, then sends a 4-byte ack (TAG_BW_ACK) that rank 0 receives
 *   before the next window. (As in the OSU benchmarks rank 1 receives all 64
 *   messages into one buffer as well.)
 *   1. check: one <size>-byte message with first/last byte pattern
 *      (TAG_BW_CHECK), checked by rank 1.
 *   2. warm-up + calibration: rounds of w = 1, 2, 4, ... windows until one
 *      round takes >= 30 ms (8 ms with --quick), announced via TAG_BW_CTRL.
 *   3. measurement: windows = 0.3 s (0.075 s with --quick) / time per window,
 *      clamped to [2, 1000000]; one timed run (start before the first
 *      window, stop after the last ack). MB/s = size * 64 * windows / time / 1e6.
 *   4. a control message with w = 0 ends the size on rank 1.
 *
 * Timing uses MPI_Wtime on rank 0.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TAG_LAT_CHECK = 100,
    TAG_LAT_CTRL = 101,
    TAG_LAT = 102,
    TAG_BW_CHECK = 200,
    TAG_BW_CTRL = 201,
    TAG_BW = 202,
    TAG_BW_ACK = 203,
};

#define WINDOW 64
#define NBATCH 5

static const int lat_sizes[] = {0, 8, 64, 512, 4096, 32768, 262144, 1048576, 4194304};
static const int bw_sizes[] = {65536, 262144, 1048576, 4194304};
#define NLAT ((int)(sizeof lat_sizes / sizeof lat_sizes[0]))
#define NBW ((int)(sizeof bw_sizes / sizeof bw_sizes[0]))
#define MAX_SIZE 4194304
#define MIN_SINGLES 100
#define MAX_SINGLES 200000

/* Sizes whose round trips are also timed one by one. */
static int timed_singly(int size) { return size == 8 || size == 1048576; }

static int rank;
static int quick;

static void fail(const char *msg, long a, long b, long c) {
    printf("error rank %d: %s (%ld %ld %ld)\n", rank, msg, a, b, c);
    fflush(stdout);
    MPI_Abort(MPI_COMM_WORLD, 2);
    exit(2);
}

/* Patterns: distinct per size, per direction, and first vs last byte. */
static unsigned char pat(int size, int which) {
    return (unsigned char)(((unsigned)size * 131u + (unsigned)which * 29u + 7u) & 0xffu);
}

static void put_pattern(unsigned char *buf, int size, int dir) {
    if (size > 0) {
        buf[0] = pat(size, 2 * dir);
        buf[size - 1] = pat(size, 2 * dir + 1);
        if (size == 1) buf[0] = pat(size, 2 * dir + 1);
    }
}

static void check_pattern(const unsigned char *buf, int size, int dir, const MPI_Status *st,
                          const char *what) {
    int count = -1;
    MPI_Get_count(st, MPI_BYTE, &count);
    if (count != size) fail(what, (long)size, (long)count, -1);
    if (size == 0) return;
    if (size > 1 && buf[0] != pat(size, 2 * dir)) fail(what, (long)size, 0, (long)buf[0]);
    if (buf[size - 1] != pat(size, 2 * dir + 1)) fail(what, (long)size, (long)size - 1, (long)buf[size - 1]);
}

static void *xalloc(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 4096, n ? n : 1) != 0) fail("out of memory", (long)n, 0, 0);
    memset(p, 0x11, n); /* touch all pages before timing */
    return p;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void send_ctrl(long n, int tag) {
    long v = n;
    MPI_Send(&v, 1, MPI_LONG, 1, tag, MPI_COMM_WORLD);
}

static long recv_ctrl(int tag) {
    long v = -1;
    MPI_Recv(&v, 1, MPI_LONG, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return v;
}

/* ---- latency ---------------------------------------------------------- */

static double pingpong(unsigned char *sbuf, unsigned char *rbuf, int size, long n) {
    send_ctrl(n, TAG_LAT_CTRL);
    double t0 = MPI_Wtime();
    for (long i = 0; i < n; i++) {
        MPI_Send(sbuf, size, MPI_BYTE, 1, TAG_LAT, MPI_COMM_WORLD);
        MPI_Recv(rbuf, size, MPI_BYTE, 1, TAG_LAT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return MPI_Wtime() - t0;
}

/* The same ping-pong as pingpong(), each round trip timed on its own into
 * oneway[] (halved); rank 1 cannot tell the difference. */
static void pingpong_each(unsigned char *sbuf, unsigned char *rbuf, int size, long n, double *oneway) {
    send_ctrl(n, TAG_LAT_CTRL);
    for (long i = 0; i < n; i++) {
        double t0 = MPI_Wtime();
        MPI_Send(sbuf, size, MPI_BYTE, 1, TAG_LAT, MPI_COMM_WORLD);
        MPI_Recv(rbuf, size, MPI_BYTE, 1, TAG_LAT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        oneway[i] = (MPI_Wtime() - t0) / 2.0;
    }
}

static void latency_rank0(unsigned char *sbuf, unsigned char *rbuf, int size) {
    MPI_Status st;
    /* 1. content check */
    memset(rbuf, 0, size ? (size_t)size : 1);
    put_pattern(sbuf, size, 0);
    MPI_Send(sbuf, size, MPI_BYTE, 1, TAG_LAT_CHECK, MPI_COMM_WORLD);
    MPI_Recv(rbuf, size, MPI_BYTE, 1, TAG_LAT_CHECK, MPI_COMM_WORLD, &st);
    check_pattern(rbuf, size, 1, &st, "latency content mismatch (size, index, byte)");

    /* 2. warm-up + calibration */
    const double cal_target = quick ? 0.005 : 0.020;
    long n = 1;
    double t = 0;
    for (;;) {
        t = pingpong(sbuf, rbuf, size, n);
        if (t >= cal_target || n >= (1L << 22)) break;
        n *= 2;
    }
    double rtt = t / (double)n;

    /* 3. measurement */
    const double target = quick ? 0.075 : 0.3;
    const long min_iters = quick ? 10 : 20;
    long iters = rtt > 0 ? (long)(target / rtt) : 2000000;
    if (iters < min_iters) iters = min_iters;
    if (iters > 2000000) iters = 2000000;
    iters = (iters + NBATCH - 1) / NBATCH * NBATCH;
    long per = iters / NBATCH;
    double oneway[NBATCH];
    for (int b = 0; b < NBATCH; b++) oneway[b] = pingpong(sbuf, rbuf, size, per) / (double)per / 2.0;

    /* 4. single round trips */
    long singles = 0;
    double *each = NULL;
    if (timed_singly(size)) {
        singles = iters < MIN_SINGLES ? MIN_SINGLES : iters > MAX_SINGLES ? MAX_SINGLES : iters;
        each = malloc((size_t)singles * sizeof *each);
        if (each == NULL) fail("out of memory", singles, 0, 0);
        pingpong_each(sbuf, rbuf, size, singles, each);
        qsort(each, (size_t)singles, sizeof each[0], cmp_double);
    }
    send_ctrl(0, TAG_LAT_CTRL);
    qsort(oneway, NBATCH, sizeof oneway[0], cmp_double);
    printf("latency %d %.3f\n", size, oneway[NBATCH / 2] * 1e6);
    if (each != NULL) {
        printf("latency-single %d %.3f %.3f %ld\n", size, each[singles / 2] * 1e6,
               each[(singles * 99 + 99) / 100 - 1] * 1e6, singles);
        free(each);
    }
    fflush(stdout);
}

static void latency_rank1(unsigned char *buf, int size) {
    MPI_Status st;
    memset(buf, 0, size ? (size_t)size : 1);
    MPI_Recv(buf, size, MPI_BYTE, 0, TAG_LAT_CHECK, MPI_COMM_WORLD, &st);
    check_pattern(buf, size, 0, &st, "latency content mismatch (size, index, byte)");
    put_pattern(buf, size, 1);
    MPI_Send(buf, size, MPI_BYTE, 0, TAG_LAT_CHECK, MPI_COMM_WORLD);
    for (;;) {
        long n = recv_ctrl(TAG_LAT_CTRL);
        if (n <= 0) break;
        for (long i = 0; i < n; i++) {
            MPI_Recv(buf, size, MPI_BYTE, 0, TAG_LAT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf, size, MPI_BYTE, 0, TAG_LAT, MPI_COMM_WORLD);
        }
    }
}

/* ---- bandwidth -------------------------------------------------------- */

static double stream(unsigned char *sbuf, int size, long windows) {
    MPI_Request req[WINDOW];
    int ack;
    send_ctrl(windows, TAG_BW_CTRL);
    double t0 = MPI_Wtime();
    for (long w = 0; w < windows; w++) {
        for (int i = 0; i < WINDOW; i++)
            MPI_Isend(sbuf, size, MPI_BYTE, 1, TAG_BW, MPI_COMM_WORLD, &req[i]);
        MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
        MPI_Recv(&ack, 4, MPI_BYTE, 1, TAG_BW_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return MPI_Wtime() - t0;
}

static void bandwidth_rank0(unsigned char *sbuf, int size) {
    put_pattern(sbuf, size, 0);
    MPI_Send(sbuf, size, MPI_BYTE, 1, TAG_BW_CHECK, MPI_COMM_WORLD);

    const double cal_target = quick ? 0.008 : 0.030;
    long w = 1;
    double t = 0;
    for (;;) {
        t = stream(sbuf, size, w);
        if (t >= cal_target || w >= (1L << 20)) break;
        w *= 2;
    }
    double per_window = t / (double)w;
    const double target = quick ? 0.075 : 0.3;
    long windows = per_window > 0 ? (long)(target / per_window + 0.5) : 1000000;
    if (windows < 2) windows = 2;
    if (windows > 1000000) windows = 1000000;
    t = stream(sbuf, size, windows);
    send_ctrl(0, TAG_BW_CTRL);
    double mbps = (double)size * WINDOW * (double)windows / t / 1e6;
    printf("bandwidth %d %.3f\n", size, mbps);
    fflush(stdout);
}

static void bandwidth_rank1(unsigned char *rbuf, int size) {
    MPI_Status st;
    MPI_Request req[WINDOW];
    int ack = 0x61636b21; /* "ack!" */
    memset(rbuf, 0, (size_t)size);
    MPI_Recv(rbuf, size, MPI_BYTE, 0, TAG_BW_CHECK, MPI_COMM_WORLD, &st);
    check_pattern(rbuf, size, 0, &st, "bandwidth content mismatch (size, index, byte)");
    for (;;) {
        long windows = recv_ctrl(TAG_BW_CTRL);
        if (windows <= 0) break;
        for (long w = 0; w < windows; w++) {
            for (int i = 0; i < WINDOW; i++)
                MPI_Irecv(rbuf, size, MPI_BYTE, 0, TAG_BW, MPI_COMM_WORLD, &req[i]);
            MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
            MPI_Send(&ack, 4, MPI_BYTE, 0, TAG_BW_ACK, MPI_COMM_WORLD);
        }
    }
}

int main(int argc, char **argv) {
    int nranks;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (rank == 0) printf("usage: p2p-mpi [--quick]   (run with exactly 2 ranks)\n");
            MPI_Finalize();
            return 0;
        } else {
            if (rank == 0) {
                printf("error unknown argument: %s\n", argv[i]);
                fflush(stdout);
            }
            MPI_Finalize();
            return 2;
        }
    }
    if (nranks != 2) {
        if (rank == 0) {
            printf("error p2p-mpi needs exactly 2 ranks, got %d\n", nranks);
            fflush(stdout);
        }
        MPI_Finalize();
        return 2;
    }

    unsigned char *sbuf = xalloc(MAX_SIZE);
    unsigned char *rbuf = xalloc(MAX_SIZE);

    MPI_Barrier(MPI_COMM_WORLD);
    for (int s = 0; s < NLAT; s++) {
        if (rank == 0)
            latency_rank0(sbuf, rbuf, lat_sizes[s]);
        else
            latency_rank1(rbuf, lat_sizes[s]);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    for (int s = 0; s < NBW; s++) {
        if (rank == 0)
            bandwidth_rank0(sbuf, bw_sizes[s]);
        else
            bandwidth_rank1(rbuf, bw_sizes[s]);
    }
    MPI_Barrier(MPI_COMM_WORLD);

    free(sbuf);
    free(rbuf);
    MPI_Finalize();
    return 0;
}
