/*
 * stress.h: the MPMC stress engine shared by c-tests/stress.c (the
 * configurable command-line program) and c-tests/test_stress.c (the short
 * matrix that ctest runs). Header-only because each C test is built from a
 * single source file.
 *
 * One run: P producers put the unique ids 0..items-1 (producer p owns
 * p, p+P, p+2P, ...; id 0 travels as the NULL item, which is legal), C
 * consumers get them and call task_done, a joiner waits in tq_join, and the
 * main thread may shut the queue down half-way. Every call mixes
 * TQ_FOREVER, timed and TQ_NOWAIT timeouts and single and batch calls.
 *
 * Afterwards the run checks that every id put with TQ_OK was got exactly
 * once or discarded (destroy callback of an immediate shutdown) exactly
 * once and that nothing else came out: per-id bitmaps, counts, and the sum
 * and xor of the ids. It also checks each status against what the call may
 * return, FIFO order per producer when there is one consumer, and that no
 * task is left unfinished. A watchdog (alarm) turns a hang -- a blocked call
 * that never returns -- into a failure.
 */
#ifndef TQ_STRESS_H
#define TQ_STRESS_H

#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tq.h"

/* How the queue is shut down. */
enum stress_shutdown {
    STRESS_NONE,      /* all ids put, tq_join, then tq_shutdown(q, false)   */
    STRESS_DRAIN,     /* tq_shutdown(q, false) half-way; consumers drain    */
    STRESS_IMMEDIATE, /* tq_shutdown(q, true) half-way; the rest discarded  */
};

/* What one run does. */
struct stress_config {
    unsigned producers;
    unsigned consumers;
    size_t capacity;      /* 0 = unbounded */
    uint64_t items;       /* ids 0..items-1 */
    double seconds;       /* > 0: producers stop at this time even if ids remain */
    enum stress_shutdown shutdown;
    tq_order order;
    unsigned watchdog;    /* seconds before a hang is a failure */
    uint64_t seed;
};

/* Items per batch call, at most. */
#define STRESS_BATCH 16
/* A timed call waits 1..STRESS_MAX_WAIT_MS ms. */
#define STRESS_MAX_WAIT_MS 3

/* The sum, xor and number of a set of ids. */
struct stress_tally {
    uint64_t count, sum, xor;
};

static void stress_tally_add(struct stress_tally *t, uint64_t id)
{
    t->count++;
    t->sum += id;
    t->xor ^= id;
}

static void stress_tally_merge(struct stress_tally *into, const struct stress_tally *t)
{
    into->count += t->count;
    into->sum += t->sum;
    into->xor ^= t->xor;
}

/* A set of ids, one bit each, updated atomically (relaxed: the bitmaps must
 * not add synchronisation that would hide a race in the queue from TSan). */
struct stress_bitmap {
    uint64_t *words;
};

/* Sets `id`'s bit; returns whether it was already set. */
static int stress_bitmap_set(struct stress_bitmap *b, uint64_t id)
{
    uint64_t bit = UINT64_C(1) << (id % 64);
    return (__atomic_fetch_or(&b->words[id / 64], bit, __ATOMIC_RELAXED) & bit) != 0;
}

/* The state shared by every thread of one run. */
struct stress_run {
    const struct stress_config *cfg;
    tq_queue *q;
    struct stress_bitmap put_ok;  /* ids whose put returned TQ_OK */
    struct stress_bitmap seen;    /* ids got or discarded */
    struct timespec start;
    unsigned long put_count;      /* atomic: ids put so far (for the half-way shutdown) */
    int producers_done;           /* atomic */
    unsigned long errors;         /* atomic */
    struct stress_tally discarded; /* written by the destroy callback only */
};

/* Per-thread state: its own RNG and tallies, merged after the join. */
struct stress_worker {
    struct stress_run *run;
    unsigned index;               /* thread number; a producer owns the ids index + k * producers */
    uint64_t rng;
    struct stress_tally tally;    /* put OK (producers) or got (consumers) */
    uint64_t *last_of_producer;   /* FIFO check: the last id got from each producer */
};

/* Failures printed per run; the rest are only counted. */
#define STRESS_MAX_REPORTS 20

/* Counts a failure and prints it (as one line, whole, even when threads
 * fail at once). */
static void stress_fail(struct stress_run *run, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (__atomic_fetch_add(&run->errors, 1, __ATOMIC_RELAXED) < STRESS_MAX_REPORTS)
        fprintf(stderr, "stress: FAIL: %s\n", msg);
}

static double stress_elapsed(const struct stress_run *run)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - run->start.tv_sec) + (double)(now.tv_nsec - run->start.tv_nsec) / 1e9;
}

/* xorshift64*: a fast, seedable per-thread generator. */
static uint64_t stress_rand(struct stress_worker *w)
{
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return w->rng * UINT64_C(2685821657736338717);
}

/* A timeout drawn from the mix: forever, nowait, or a short timed wait. */
static int64_t stress_timeout(struct stress_worker *w)
{
    switch (stress_rand(w) % 4) {
    case 0:
        return TQ_NOWAIT;
    case 1:
        return 1 + (int64_t)(stress_rand(w) % STRESS_MAX_WAIT_MS);
    default:
        return TQ_FOREVER;
    }
}

static void *stress_item(uint64_t id)
{
    return (void *)(uintptr_t)id;
}

/* Records that `id` came out of the queue (got or discarded) exactly once. */
static void stress_seen(struct stress_run *run, struct stress_tally *t, uint64_t id)
{
    if (id >= run->cfg->items) {
        stress_fail(run, "an item that was never put came out: %" PRIu64, id);
        return;
    }
    if (stress_bitmap_set(&run->seen, id))
        stress_fail(run, "id %" PRIu64 " came out twice", id);
    stress_tally_add(t, id);
}

/* The destroy callback: items an immediate shutdown (or tq_free) drops. */
static void stress_discard(void *item, void *ctx)
{
    struct stress_run *run = ctx;
    stress_seen(run, &run->discarded, (uint64_t)(uintptr_t)item);
}

/* Checks `status` against the statuses a put with `timeout` may return. */
static int stress_put_status_ok(struct stress_run *run, tq_status s, int64_t timeout)
{
    if (s == TQ_OK || s == TQ_SHUTDOWN)
        return 1;
    if (s == TQ_FULL && timeout >= 0 && run->cfg->capacity > 0)
        return 1;
    stress_fail(run, "put (timeout %" PRId64 ", capacity %zu) returned %s", timeout, run->cfg->capacity,
                tq_status_str(s));
    return 0;
}

static int stress_producer_should_stop(struct stress_run *run)
{
    return run->cfg->seconds > 0 && stress_elapsed(run) >= run->cfg->seconds;
}

/* Marks ids[0..n) as put. */
static void stress_record_puts(struct stress_worker *w, const uint64_t *ids, size_t n)
{
    struct stress_run *run = w->run;
    for (size_t i = 0; i < n; i++) {
        if (stress_bitmap_set(&run->put_ok, ids[i]))
            stress_fail(run, "id %" PRIu64 " put twice", ids[i]);
        stress_tally_add(&w->tally, ids[i]);
    }
    __atomic_fetch_add(&run->put_count, n, __ATOMIC_RELAXED);
}

/* Puts the ids ids[0..n) (n >= 1) with one call drawn from the mix; returns
 * how many went in, or -1 once the queue is shut down. */
static long stress_put_some(struct stress_worker *w, const uint64_t *ids, size_t n)
{
    struct stress_run *run = w->run;
    int64_t timeout = stress_timeout(w);
    uint64_t how = stress_rand(w) % 4;
    size_t done = 0;
    tq_status s;

    if (how == 0 && n > 1) {
        void *items[STRESS_BATCH];
        for (size_t i = 0; i < n; i++)
            items[i] = stress_item(ids[i]);
        s = tq_put_many(run->q, items, n, &done, timeout);
        if (s == TQ_OK && done == 0)
            stress_fail(run, "tq_put_many returned TQ_OK with nothing put");
        if (s != TQ_OK && done != 0)
            stress_fail(run, "tq_put_many returned %s after putting %zu", tq_status_str(s), done);
    } else if (how == 1 && run->cfg->order == TQ_PRIORITY) {
        s = tq_put_priority(run->q, stress_item(ids[0]), (int64_t)(stress_rand(w) % 5) - 2, timeout);
        done = s == TQ_OK;
    } else {
        s = tq_put(run->q, stress_item(ids[0]), timeout);
        done = s == TQ_OK;
    }
    if (!stress_put_status_ok(run, s, timeout))
        return -1;
    stress_record_puts(w, ids, done);
    if (s == TQ_SHUTDOWN)
        return -1;
    if (s == TQ_FULL && timeout == TQ_NOWAIT)
        sched_yield();
    return (long)done;
}

static void *stress_producer(void *arg)
{
    struct stress_worker *w = arg;
    struct stress_run *run = w->run;
    uint64_t step = run->cfg->producers;
    uint64_t next = w->index;

    while (next < run->cfg->items && !stress_producer_should_stop(run)) {
        uint64_t ids[STRESS_BATCH];
        size_t n = 1 + (size_t)(stress_rand(w) % STRESS_BATCH);
        size_t k = 0;
        for (uint64_t id = next; k < n && id < run->cfg->items; id += step)
            ids[k++] = id;
        long put = stress_put_some(w, ids, k);
        if (put < 0)
            break;
        next += (uint64_t)put * step;
    }
    return NULL;
}

/* Records ids got by a consumer, checks per-producer FIFO order when it is
 * the only consumer of a FIFO queue, and marks their tasks done. */
static void stress_record_gets(struct stress_worker *w, void *const *items, size_t n)
{
    struct stress_run *run = w->run;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = (uint64_t)(uintptr_t)items[i];
        stress_seen(run, &w->tally, id);
        if (w->last_of_producer && id < run->cfg->items) {
            uint64_t *last = &w->last_of_producer[id % run->cfg->producers];
            if (*last != UINT64_MAX && *last >= id)
                stress_fail(run, "FIFO order broken: %" PRIu64 " after %" PRIu64, id, *last);
            *last = id;
        }
    }
    tq_status s = n == 1 ? tq_task_done(run->q) : tq_task_done_n(run->q, n);
    if (s != TQ_OK)
        stress_fail(run, "task_done after %zu gets returned %s", n, tq_status_str(s));
}

/* Gets with one call drawn from the mix; returns 0 once the queue is shut
 * down and drained (or on an error). */
static int stress_get_some(struct stress_worker *w)
{
    struct stress_run *run = w->run;
    int64_t timeout = stress_timeout(w);
    void *items[STRESS_BATCH];
    size_t n = 0;
    tq_status s;

    if (stress_rand(w) % 3 == 0) {
        s = tq_get_many(run->q, items, 1 + (size_t)(stress_rand(w) % STRESS_BATCH), &n, timeout);
        if ((s == TQ_OK) != (n > 0))
            stress_fail(run, "tq_get_many returned %s with %zu items", tq_status_str(s), n);
    } else {
        s = tq_get(run->q, &items[0], timeout);
        n = s == TQ_OK;
    }
    if (n > 0)
        stress_record_gets(w, items, n);
    switch (s) {
    case TQ_OK:
        return 1;
    case TQ_EMPTY:
        if (timeout >= 0) {
            if (timeout == TQ_NOWAIT)
                sched_yield();
            return 1;
        }
        break;
    case TQ_SHUTDOWN:
        return 0;
    default:
        break;
    }
    stress_fail(run, "get (timeout %" PRId64 ") returned %s", timeout, tq_status_str(s));
    return 0;
}

static void *stress_consumer(void *arg)
{
    struct stress_worker *w = arg;
    while (stress_get_some(w))
        ;
    return NULL;
}

static void stress_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits in tq_join (timed or forever) until the producers are done, then
 * once more without limit: it must return once every task is done. A join
 * that returns at once (nothing unfinished yet) is followed by a short
 * sleep, so that the joiner never spins. */
static void *stress_joiner(void *arg)
{
    struct stress_worker *w = arg;
    struct stress_run *run = w->run;
    int last;
    do {
        last = __atomic_load_n(&run->producers_done, __ATOMIC_RELAXED);
        int64_t timeout = last ? TQ_FOREVER : 1 + (int64_t)(stress_rand(w) % STRESS_MAX_WAIT_MS);
        tq_status s = tq_join(run->q, timeout);
        if (s != TQ_OK && !(s == TQ_TIMEOUT && timeout >= 0))
            stress_fail(run, "tq_join (timeout %" PRId64 ") returned %s", timeout, tq_status_str(s));
        if (s == TQ_OK && !last)
            stress_sleep_ms(1);
    } while (!last);
    return NULL;
}

/* Main thread, shutdown modes: waits until half the ids are put (or half
 * the time is up, or the producers are done), then shuts the queue down. */
static void stress_shut_down_half_way(struct stress_run *run)
{
    const struct stress_config *cfg = run->cfg;
    while (__atomic_load_n(&run->put_count, __ATOMIC_RELAXED) < cfg->items / 2 &&
           !(cfg->seconds > 0 && stress_elapsed(run) >= cfg->seconds / 2) &&
           !__atomic_load_n(&run->producers_done, __ATOMIC_RELAXED))
        stress_sleep_ms(1);
    if (tq_shutdown(run->q, cfg->shutdown == STRESS_IMMEDIATE) != TQ_OK)
        stress_fail(run, "tq_shutdown failed");
}

static const char *stress_shutdown_name(enum stress_shutdown s)
{
    return s == STRESS_NONE ? "none" : s == STRESS_DRAIN ? "drain" : "immediate";
}

static const char *stress_order_name(tq_order o)
{
    return o == TQ_FIFO ? "fifo" : o == TQ_LIFO ? "lifo" : "priority";
}

static void stress_watchdog(int sig)
{
    static const char msg[] = "stress: FAIL: watchdog expired: a call never returned (hang or lost wake-up)\n";
    (void)sig;
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
        _exit(3);
    _exit(2);
}

/* Compares what went in with what came out, id by id and in total. */
static void stress_verify(struct stress_run *run, const struct stress_tally *put, const struct stress_tally *got)
{
    const struct stress_config *cfg = run->cfg;
    struct stress_tally out = *got;
    stress_tally_merge(&out, &run->discarded);
    for (uint64_t w = 0; w < (cfg->items + 63) / 64; w++) {
        uint64_t lost = run->put_ok.words[w] & ~run->seen.words[w];
        uint64_t extra = run->seen.words[w] & ~run->put_ok.words[w];
        if (lost)
            stress_fail(run, "id %" PRIu64 " was put but never came out", w * 64 + (uint64_t)__builtin_ctzll(lost));
        if (extra)
            stress_fail(run, "id %" PRIu64 " came out but was never put", w * 64 + (uint64_t)__builtin_ctzll(extra));
    }
    if (out.count != put->count || out.sum != put->sum || out.xor != put->xor)
        stress_fail(run, "put %" PRIu64 " (sum %" PRIu64 ", xor %" PRIu64 ") but got + discarded %" PRIu64
                    " (sum %" PRIu64 ", xor %" PRIu64 ")",
                    put->count, put->sum, put->xor, out.count, out.sum, out.xor);
    if (cfg->shutdown == STRESS_NONE && cfg->seconds <= 0 && put->count != cfg->items)
        stress_fail(run, "only %" PRIu64 " of %" PRIu64 " ids were put without a shutdown", put->count, cfg->items);
    if (cfg->shutdown != STRESS_IMMEDIATE && run->discarded.count != 0)
        stress_fail(run, "%" PRIu64 " items discarded without an immediate shutdown", run->discarded.count);
    if (tq_unfinished(run->q) != 0 || tq_qsize(run->q) != 0)
        stress_fail(run, "left %zu unfinished tasks, %zu queued items", tq_unfinished(run->q), tq_qsize(run->q));
}

static int stress_start(pthread_t *t, void *(*fn)(void *), struct stress_worker *w)
{
    int rc = pthread_create(t, NULL, fn, w);
    if (rc != 0)
        stress_fail(w->run, "pthread_create: %s", strerror(rc));
    return rc == 0;
}

static void stress_join_all(pthread_t *threads, const int *started, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++)
        if (started[i])
            pthread_join(threads[i], NULL);
}

/* Runs one configuration; returns 0 when every check passed. */
static int stress_run(const struct stress_config *cfg)
{
    struct stress_run run = {.cfg = cfg};
    unsigned nthreads = cfg->producers + cfg->consumers + 1;
    size_t words = (size_t)((cfg->items + 63) / 64) + 1;
    pthread_t *threads = calloc(nthreads, sizeof *threads);
    int *started = calloc(nthreads, sizeof *started);
    struct stress_worker *workers = calloc(nthreads, sizeof *workers);
    uint64_t *last = NULL;
    run.put_ok.words = calloc(words, sizeof(uint64_t));
    run.seen.words = calloc(words, sizeof(uint64_t));
    int fifo_check = cfg->consumers == 1 && cfg->order == TQ_FIFO;
    if (fifo_check) {
        last = malloc(cfg->producers * sizeof *last);
        if (last)
            memset(last, 0xff, cfg->producers * sizeof *last);
    }
    tq_options opts = {
        .struct_size = sizeof opts,
        .order = cfg->order,
        .maxsize = cfg->capacity,
        .destroy = stress_discard,
        .destroy_ctx = &run,
    };
    run.q = tq_new_with(&opts);
    if (!threads || !started || !workers || !run.put_ok.words || !run.seen.words || !run.q || (fifo_check && !last)) {
        fprintf(stderr, "stress: FAIL: out of memory\n");
        return 1;
    }

    signal(SIGALRM, stress_watchdog);
    alarm(cfg->watchdog);
    clock_gettime(CLOCK_MONOTONIC, &run.start);
    for (unsigned i = 0; i < nthreads; i++) {
        int producer = i < cfg->producers, consumer = !producer && i < nthreads - 1;
        workers[i] = (struct stress_worker){
            .run = &run,
            .index = i,
            .rng = cfg->seed * UINT64_C(0x9E3779B97F4A7C15) + i + 1,
            .last_of_producer = consumer ? last : NULL,
        };
        void *(*fn)(void *) = producer ? stress_producer : consumer ? stress_consumer : stress_joiner;
        started[i] = stress_start(&threads[i], fn, &workers[i]);
    }

    if (cfg->shutdown != STRESS_NONE)
        stress_shut_down_half_way(&run);
    stress_join_all(threads, started, 0, cfg->producers);
    __atomic_store_n(&run.producers_done, 1, __ATOMIC_RELAXED);
    if (cfg->shutdown == STRESS_NONE) {
        if (tq_join(run.q, TQ_FOREVER) != TQ_OK)
            stress_fail(&run, "tq_join failed");
        tq_shutdown(run.q, false);
    }
    stress_join_all(threads, started, cfg->producers, nthreads);
    double secs = stress_elapsed(&run);
    alarm(0);

    struct stress_tally put = {0}, got = {0};
    for (unsigned i = 0; i < nthreads - 1; i++)
        stress_tally_merge(i < cfg->producers ? &put : &got, &workers[i].tally);
    stress_verify(&run, &put, &got);
    tq_free(run.q);

    unsigned long errors = __atomic_load_n(&run.errors, __ATOMIC_RELAXED);
    printf("stress: %ux%u cap %zu %s shutdown=%s: put %" PRIu64 ", got %" PRIu64 ", discarded %" PRIu64
           " in %.2f s (%.2f M items/s): %s\n",
           cfg->producers, cfg->consumers, cfg->capacity, stress_order_name(cfg->order),
           stress_shutdown_name(cfg->shutdown), put.count, got.count, run.discarded.count, secs,
           secs > 0 ? (double)put.count / secs / 1e6 : 0.0, errors ? "FAIL" : "ok");
    if (errors > STRESS_MAX_REPORTS)
        printf("stress: %lu failures in all (the first %d shown)\n", errors, STRESS_MAX_REPORTS);
    fflush(stdout);
    free(last);
    free(run.put_ok.words);
    free(run.seen.words);
    free(workers);
    free(started);
    free(threads);
    return errors != 0;
}

#endif /* TQ_STRESS_H */
