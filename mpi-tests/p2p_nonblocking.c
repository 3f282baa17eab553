/*
 * Nonblocking point-to-point: MPI_Isend / MPI_Irecv completed with MPI_Wait,
 * MPI_Waitall, MPI_Waitany, MPI_Waitsome, MPI_Test, MPI_Testall, MPI_Testany,
 * MPI_Testsome; MPI_REQUEST_NULL entries in the arrays (skipped; all-null arrays
 * give MPI_UNDEFINED and an empty status); completed requests set to
 * MPI_REQUEST_NULL; MPI_Test reporting an unmatched receive as not done;
 * MPI_Request_free on an active send.  Works with any number of processes.
 */
#include "testutil.h"

#define NREQ 8

static void check_empty(const MPI_Status *st, const char *what)
{
    int n = -1;
    CHECK_INT(st->MPI_SOURCE, MPI_ANY_SOURCE, what);
    CHECK_INT(st->MPI_TAG, MPI_ANY_TAG, what);
    MPI_Get_count(st, MPI_INT, &n);
    CHECK_INT(n, 0, what);
}

int main(int argc, char **argv)
{
    int rank, size, left, right, i, idx, flag, outcount;
    MPI_Request req[NREQ];
    MPI_Status st, sts[NREQ];
    int indices[NREQ];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    right = (rank + 1) % size;
    left = (rank + size - 1) % size;

    /* 1. Ring exchange (also to itself with 1 process): Irecv from the left and
          Isend to the right, completed with MPI_Waitall. */
    {
        int sendv[4], recvv[4] = { -1, -1, -1, -1 };
        for (i = 0; i < 4; i++)
            sendv[i] = rank * 10 + i;
        MPI_Irecv(recvv, 4, MPI_INT, left, 1, MPI_COMM_WORLD, &req[0]);
        MPI_Isend(sendv, 4, MPI_INT, right, 1, MPI_COMM_WORLD, &req[1]);
        MPI_Waitall(2, req, sts);
        CHECK(req[0] == MPI_REQUEST_NULL && req[1] == MPI_REQUEST_NULL,
              "MPI_Waitall left requests that are not MPI_REQUEST_NULL");
        for (i = 0; i < 4; i++)
            CHECK_INT(recvv[i], left * 10 + i, "ring value received with MPI_Waitall");
        CHECK_INT(sts[0].MPI_SOURCE, left, "MPI_Waitall status source");
        CHECK_INT(sts[0].MPI_TAG, 1, "MPI_Waitall status tag");
    }

    /* 2. MPI_Waitany over an array with MPI_REQUEST_NULL holes: returns each real
          request once, then MPI_UNDEFINED with an empty status. */
    {
        int vals[NREQ], done = 0, hits[NREQ] = { 0 };
        for (i = 0; i < NREQ; i++) {
            req[i] = MPI_REQUEST_NULL;
            vals[i] = -1;
        }
        for (i = 1; i < NREQ; i += 2)   /* odd slots are real */
            MPI_Irecv(&vals[i], 1, MPI_INT, left, 100 + i, MPI_COMM_WORLD, &req[i]);
        for (i = NREQ - 1; i >= 1; i -= 2) {
            int v = rank * 100 + i;
            MPI_Send(&v, 1, MPI_INT, right, 100 + i, MPI_COMM_WORLD);
        }
        for (;;) {
            idx = -2;
            MPI_Waitany(NREQ, req, &idx, &st);
            if (idx == MPI_UNDEFINED)
                break;
            if (idx < 0 || idx >= NREQ || idx % 2 == 0) {
                FAIL("MPI_Waitany returned index %d (null slot or out of range)", idx);
                break;
            }
            hits[idx]++;
            done++;
            CHECK(req[idx] == MPI_REQUEST_NULL, "MPI_Waitany did not null request %d", idx);
            CHECK_INT(st.MPI_TAG, 100 + idx, "MPI_Waitany status tag");
            CHECK_INT(vals[idx], left * 100 + idx, "MPI_Waitany data");
            if (done > NREQ)
                break;
        }
        CHECK_INT(done, NREQ / 2, "requests completed by MPI_Waitany");
        for (i = 1; i < NREQ; i += 2)
            CHECK_INT(hits[i], 1, "times MPI_Waitany returned one request");
        /* All null now. */
        st.MPI_SOURCE = 3;
        st.MPI_TAG = 3;
        idx = -2;
        MPI_Waitany(NREQ, req, &idx, &st);
        CHECK_INT(idx, MPI_UNDEFINED, "MPI_Waitany index over null requests");
        check_empty(&st, "MPI_Waitany status over null requests");
    }

    /* 3. MPI_Testany / MPI_Testsome / MPI_Waitsome / MPI_Testall over null
          requests only. */
    {
        for (i = 0; i < NREQ; i++)
            req[i] = MPI_REQUEST_NULL;
        flag = 0;
        idx = -2;
        st.MPI_SOURCE = 3;
        st.MPI_TAG = 3;
        MPI_Testany(NREQ, req, &idx, &flag, &st);
        CHECK_INT(flag, 1, "MPI_Testany flag over null requests");
        CHECK_INT(idx, MPI_UNDEFINED, "MPI_Testany index over null requests");
        check_empty(&st, "MPI_Testany status over null requests");
        outcount = -2;
        MPI_Testsome(NREQ, req, &outcount, indices, sts);
        CHECK_INT(outcount, MPI_UNDEFINED, "MPI_Testsome outcount over null requests");
        outcount = -2;
        MPI_Waitsome(NREQ, req, &outcount, indices, sts);
        CHECK_INT(outcount, MPI_UNDEFINED, "MPI_Waitsome outcount over null requests");
        flag = 0;
        MPI_Testall(NREQ, req, &flag, sts);
        CHECK_INT(flag, 1, "MPI_Testall flag over null requests");
        flag = 0;
        st.MPI_SOURCE = 3;
        st.MPI_TAG = 3;
        req[0] = MPI_REQUEST_NULL;
        MPI_Test(&req[0], &flag, &st);
        CHECK_INT(flag, 1, "MPI_Test flag on MPI_REQUEST_NULL");
        check_empty(&st, "MPI_Test status on MPI_REQUEST_NULL");
        st.MPI_SOURCE = 3;
        st.MPI_TAG = 3;
        MPI_Wait(&req[0], &st);
        check_empty(&st, "MPI_Wait status on MPI_REQUEST_NULL");
        MPI_Waitall(NREQ, req, MPI_STATUSES_IGNORE);
    }

    /* 4. MPI_Test says "not yet" for a receive nobody can have matched, then
          completes it once the message is sent. */
    if (size >= 2) {
        if (rank == 1) {
            int v = -1, go = 1, polls = 0;
            MPI_Request r;
            MPI_Irecv(&v, 1, MPI_INT, 0, 7, MPI_COMM_WORLD, &r);
            flag = 1;
            MPI_Test(&r, &flag, &st);
            CHECK_INT(flag, 0, "MPI_Test on a receive whose message is not sent yet");
            CHECK(r != MPI_REQUEST_NULL, "MPI_Test freed an incomplete request");
            MPI_Send(&go, 1, MPI_INT, 0, 8, MPI_COMM_WORLD);
            flag = 0;
            while (!flag && polls < 100000000) {
                MPI_Test(&r, &flag, &st);
                polls++;
            }
            CHECK_INT(flag, 1, "MPI_Test eventually completes the receive");
            CHECK(r == MPI_REQUEST_NULL, "MPI_Test did not null a completed request");
            CHECK_INT(v, 99, "data completed by MPI_Test");
            CHECK_INT(st.MPI_SOURCE, 0, "MPI_Test status source");
            CHECK_INT(st.MPI_TAG, 7, "MPI_Test status tag");
        } else if (rank == 0) {
            int go = 0, v = 99;
            MPI_Recv(&go, 1, MPI_INT, 1, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(&v, 1, MPI_INT, 1, 7, MPI_COMM_WORLD);
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    /* 5. MPI_Testall until done, and MPI_Testsome / MPI_Waitsome collecting
          completions: NREQ receives from the left, sends to the right. */
    {
        int vals[NREQ], sendv[NREQ], got[NREQ] = { 0 }, total = 0, polls = 0;
        MPI_Request sreq[NREQ];
        for (i = 0; i < NREQ; i++) {
            vals[i] = -1;
            sendv[i] = rank * 1000 + i;
            MPI_Irecv(&vals[i], 1, MPI_INT, left, 200 + i, MPI_COMM_WORLD, &req[i]);
        }
        for (i = 0; i < NREQ; i++)
            MPI_Isend(&sendv[i], 1, MPI_INT, right, 200 + i, MPI_COMM_WORLD, &sreq[i]);
        flag = 0;
        while (!flag && polls < 100000000) {
            MPI_Testall(NREQ, sreq, &flag, MPI_STATUSES_IGNORE);
            polls++;
        }
        CHECK_INT(flag, 1, "MPI_Testall over sends");
        for (i = 0; i < NREQ; i++)
            CHECK(sreq[i] == MPI_REQUEST_NULL, "MPI_Testall left send %d active", i);
        polls = 0;
        while (total < NREQ && polls < 100000000) {
            int j;
            if (polls % 2 == 0)
                MPI_Testsome(NREQ, req, &outcount, indices, sts);
            else
                MPI_Waitsome(NREQ, req, &outcount, indices, sts);
            polls++;
            if (outcount == MPI_UNDEFINED) {
                FAIL("MPI_Testsome/Waitsome gave MPI_UNDEFINED with %d requests left", NREQ - total);
                break;
            }
            for (j = 0; j < outcount; j++) {
                int k = indices[j];
                if (k < 0 || k >= NREQ) {
                    FAIL("MPI_Testsome/Waitsome index %d", k);
                    continue;
                }
                got[k]++;
                total++;
                CHECK_INT(sts[j].MPI_TAG, 200 + k, "MPI_Testsome/Waitsome status tag");
                CHECK_INT(sts[j].MPI_SOURCE, left, "MPI_Testsome/Waitsome status source");
                CHECK(req[k] == MPI_REQUEST_NULL, "completed request %d not nulled", k);
            }
        }
        for (i = 0; i < NREQ; i++) {
            CHECK_INT(got[i], 1, "times a request was reported by MPI_Testsome/Waitsome");
            CHECK_INT(vals[i], left * 1000 + i, "data received via MPI_Testsome/Waitsome");
        }
    }

    /* 6. MPI_Request_free on an active send: the message is still delivered. */
    {
        int v = rank + 500, w = -1;
        MPI_Request r;
        MPI_Isend(&v, 1, MPI_INT, right, 300, MPI_COMM_WORLD, &r);
        MPI_Request_free(&r);
        CHECK(r == MPI_REQUEST_NULL, "MPI_Request_free did not set the handle to MPI_REQUEST_NULL");
        MPI_Recv(&w, 1, MPI_INT, left, 300, MPI_COMM_WORLD, &st);
        CHECK_INT(w, left + 500, "message of a freed send request");
        /* v must stay valid until the send is known complete: the barrier after
           the receive guarantees that every freed send has been delivered. */
        MPI_Barrier(MPI_COMM_WORLD);
    }

    /* 7. Large nonblocking messages both ways at once (no deadlock). */
    {
        enum { LEN = 200000 };
        double *a = malloc(LEN * sizeof(double)), *b = malloc(LEN * sizeof(double));
        for (i = 0; i < LEN; i++) {
            a[i] = rank + i * 0.5;
            b[i] = -1;
        }
        MPI_Isend(a, LEN, MPI_DOUBLE, right, 400, MPI_COMM_WORLD, &req[0]);
        MPI_Irecv(b, LEN, MPI_DOUBLE, left, 400, MPI_COMM_WORLD, &req[1]);
        MPI_Wait(&req[1], &st);
        MPI_Wait(&req[0], MPI_STATUS_IGNORE);
        for (i = 0; i < LEN; i++)
            if (b[i] != left + i * 0.5) {
                FAIL("large Irecv: element %d is %g, expected %g", i, b[i], left + i * 0.5);
                break;
            }
        free(a);
        free(b);
    }

    return tu_finish();
}
