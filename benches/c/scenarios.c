/* Runs the scenarios with pthreads, times them, and checks every item.
 * Every thread of a run is spawned for it, so pinning one never pins the
 * thread that drives the bench. */
#define _GNU_SOURCE
#include "scenarios.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Item counts aim at runs of some tens of milliseconds: on a small, shared
 * machine many short runs give a steadier median than a few long ones. */
const scenario scenarios[] = {
    {"spsc_unbounded", SCENARIO_STREAM, 1, 1, 0, 1000000, PIN_FREE},
    {"spsc_unbounded_same_cpu", SCENARIO_STREAM, 1, 1, 0, 1000000, PIN_SAME_CPU},
    {"spsc_unbounded_two_cpus", SCENARIO_STREAM, 1, 1, 0, 1000000, PIN_TWO_CPUS},
    {"spsc_bounded_1024", SCENARIO_STREAM, 1, 1, 1024, 1000000, PIN_FREE},
    {"spsc_bounded_1_same_cpu", SCENARIO_STREAM, 1, 1, 1, 100000, PIN_SAME_CPU},
    {"spsc_bounded_1_two_cpus", SCENARIO_STREAM, 1, 1, 1, 100000, PIN_TWO_CPUS},
    {"mpmc_2x2_bounded_1024", SCENARIO_STREAM, 2, 2, 1024, 500000, PIN_FREE},
    {"mpmc_4x4_bounded_1024", SCENARIO_STREAM, 4, 4, 1024, 500000, PIN_FREE},
    {"pingpong_same_cpu", SCENARIO_PINGPONG, 1, 1, 0, 50000, PIN_SAME_CPU},
    {"pingpong_two_cpus", SCENARIO_PINGPONG, 1, 1, 0, 50000, PIN_TWO_CPUS},
    {"task_done_join", SCENARIO_TASK_DONE, 1, 1, 0, 500000, PIN_FREE},
};
const size_t scenario_count = sizeof scenarios / sizeof scenarios[0];

unsigned scenario_needs(const scenario *s) {
    unsigned caps = s->capacity ? BENCH_BOUNDED : BENCH_UNBOUNDED;
    if (s->producers > 1 || s->consumers > 1) caps |= BENCH_MPMC;
    if (s->kind == SCENARIO_TASK_DONE) caps |= BENCH_TASK_DONE;
    return caps;
}

/* Up to two of the CPUs the calling thread may use, into cpus; returns how many. */
static int usable_cpus(int cpus[2]) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        perror("sched_getaffinity");
        exit(2);
    }
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &set)) cpus[n++] = c;
    return n;
}

int scenario_possible(const scenario *s) {
    int cpus[2];
    return s->pinning != PIN_TWO_CPUS || usable_cpus(cpus) == 2;
}

/* The CPU thread number `i` of a run of `s` goes to, or -1 (PIN_FREE). */
static int thread_cpu(const scenario *s, int i) {
    int cpus[2];
    int n = usable_cpus(cpus);
    switch (s->pinning) {
    case PIN_FREE: return -1;
    case PIN_SAME_CPU: return cpus[0];
    case PIN_TWO_CPUS: return cpus[i % n];
    }
    return -1;
}

/* What a consumer saw: count, sum and sum of squares (mod 2^64) of items. */
typedef struct checksum {
    uint64_t count, sum, sumsq;
} checksum;

static void checksum_add(checksum *c, uintptr_t item) {
    c->count++;
    c->sum += item;
    c->sumsq += (uint64_t)item * item;
}

static void checksum_merge(checksum *into, const checksum *from) {
    into->count += from->count;
    into->sum += from->sum;
    into->sumsq += from->sumsq;
}

/* Fails the run unless `got` is exactly the items 1..n, each once. */
static void checksum_verify(const checksum *got, size_t n, const char *scenario, const char *queue) {
    checksum want = {0};
    for (size_t i = 1; i <= n; i++) checksum_add(&want, i);
    if (got->count == want.count && got->sum == want.sum && got->sumsq == want.sumsq) return;
    fprintf(stderr,
            "CHECKSUM MISMATCH in %s on %s: got count=%llu sum=%llu sumsq=%llu, "
            "want count=%llu sum=%llu sumsq=%llu\n",
            scenario, queue, (unsigned long long)got->count, (unsigned long long)got->sum,
            (unsigned long long)got->sumsq, (unsigned long long)want.count,
            (unsigned long long)want.sum, (unsigned long long)want.sumsq);
    exit(1);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* State shared by the threads of one run. */
typedef struct run_ctx {
    const bench_adapter *a;
    void *q, *back;          /* back: the reply queue of ping-pong */
    size_t per_producer;     /* items each producer (or a pair run's lead) puts */
    int consumers;
    atomic_int producers_left;
    pthread_barrier_t start; /* every thread starts together */
} run_ctx;

/* One thread of a run. Each one reads the clock itself when it starts and
 * when it is done, so that the run's time does not depend on when some
 * other thread (the one that spawned them) gets scheduled. */
typedef struct worker {
    run_ctx *ctx;
    int cpu;             /* pinned to it, or -1 */
    size_t first;        /* a producer puts first .. first + per_producer - 1 */
    checksum got;        /* what a consumer got */
    double start, end;   /* seconds on the monotonic clock */
} worker;

/* Pins the thread (if the worker says so), waits for every thread of the
 * run, then starts the worker's clock. */
static void worker_go(worker *w) {
    if (w->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(w->cpu, &set);
        int err = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (err != 0) {
            fprintf(stderr, "pthread_setaffinity_np to CPU %d failed (error %d)\n", w->cpu, err);
            exit(2);
        }
    }
    pthread_barrier_wait(&w->ctx->start);
    w->start = now_seconds();
}

/* The time from the first start to the last end. */
static double span(const worker *w, int n) {
    double start = w[0].start, end = w[0].end;
    for (int i = 1; i < n; i++) {
        if (w[i].start < start) start = w[i].start;
        if (w[i].end > end) end = w[i].end;
    }
    return end - start;
}

static void *producer(void *p) {
    worker *w = p;
    run_ctx *ctx = w->ctx;
    worker_go(w);
    for (size_t i = 0; i < ctx->per_producer; i++) ctx->a->put(ctx->q, w->first + i);
    if (atomic_fetch_sub(&ctx->producers_left, 1) == 1)
        for (int c = 0; c < ctx->consumers; c++) ctx->a->put(ctx->q, BENCH_PILL);
    w->end = now_seconds();
    return NULL;
}

static void *consumer(void *p) {
    worker *w = p;
    run_ctx *ctx = w->ctx;
    checksum got = {0}; /* local: no false sharing with the other consumers */
    worker_go(w);
    for (uintptr_t item; (item = ctx->a->get(ctx->q)) != BENCH_PILL;) checksum_add(&got, item);
    w->end = now_seconds();
    w->got = got;
    return NULL;
}

/* The ping-pong partner: sends every item it gets back on the reply queue. */
static void *ponger(void *p) {
    worker *w = p;
    run_ctx *ctx = w->ctx;
    worker_go(w);
    for (uintptr_t item; (item = ctx->a->get(ctx->q)) != BENCH_PILL;) ctx->a->put(ctx->back, item);
    w->end = now_seconds();
    return NULL;
}

/* The task_done consumer: gets, checksums and marks each item done. */
static void *finisher(void *p) {
    worker *w = p;
    run_ctx *ctx = w->ctx;
    checksum got = {0};
    worker_go(w);
    for (uintptr_t item; (item = ctx->a->get(ctx->q)) != BENCH_PILL;) {
        checksum_add(&got, item);
        ctx->a->task_done(ctx->q);
    }
    w->end = now_seconds();
    w->got = got;
    return NULL;
}

static void spawn(pthread_t *t, void *(*fn)(void *), worker *w) {
    if (pthread_create(t, NULL, fn, w) != 0) {
        perror("pthread_create");
        exit(2);
    }
}

/* Producers and consumers stream items 1..n; returns seconds. */
static double run_stream(const scenario *s, run_ctx *ctx, size_t n) {
    int np = s->producers, nc = s->consumers, nt = np + nc;
    pthread_t threads[nt];
    worker w[nt]; /* producers first, then consumers */
    ctx->per_producer = n / (size_t)np;
    ctx->consumers = nc;
    atomic_init(&ctx->producers_left, np);
    pthread_barrier_init(&ctx->start, NULL, (unsigned)nt);
    for (int i = 0; i < nt; i++) {
        w[i] = (worker){.ctx = ctx, .cpu = thread_cpu(s, i), .first = 1 + (size_t)i * ctx->per_producer};
        spawn(&threads[i], i < np ? producer : consumer, &w[i]);
    }
    checksum all = {0};
    for (int i = 0; i < nt; i++) {
        pthread_join(threads[i], NULL);
        checksum_merge(&all, &w[i].got);
    }
    pthread_barrier_destroy(&ctx->start);
    checksum_verify(&all, n, s->name, ctx->a->name);
    return span(w, nt);
}

/* Runs `lead` as worker 0 against `partner` as worker 1, each in a thread of
 * its own; the lead moves the n items. */
static double run_pair(const scenario *s, run_ctx *ctx, size_t n, void *(*lead)(void *), void *(*partner)(void *)) {
    pthread_t threads[2];
    worker w[2] = {{.ctx = ctx, .cpu = thread_cpu(s, 0)}, {.ctx = ctx, .cpu = thread_cpu(s, 1)}};
    ctx->per_producer = n;
    pthread_barrier_init(&ctx->start, NULL, 2);
    spawn(&threads[0], lead, &w[0]);
    spawn(&threads[1], partner, &w[1]);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&ctx->start);
    checksum all = w[0].got; /* one of the two checksums, the other is empty */
    checksum_merge(&all, &w[1].got);
    checksum_verify(&all, n, s->name, ctx->a->name);
    return span(w, 2);
}

/* Ping-pong: sends 1..n one at a time, waiting for each to come back. */
static void *pinger(void *p) {
    worker *w = p;
    run_ctx *ctx = w->ctx;
    size_t n = ctx->per_producer;
    checksum got = {0};
    worker_go(w);
    for (size_t i = 1; i <= n; i++) {
        ctx->a->put(ctx->q, i);
        checksum_add(&got, ctx->a->get(ctx->back));
    }
    ctx->a->put(ctx->q, BENCH_PILL);
    w->end = now_seconds();
    w->got = got;
    return NULL;
}

/* task_done/join: puts 1..n, joining the queue after every batch. */
static void *batcher(void *p) {
    worker *w = p;
    run_ctx *ctx = w->ctx;
    size_t n = ctx->per_producer;
    worker_go(w);
    for (size_t i = 1; i <= n; i++) {
        ctx->a->put(ctx->q, i);
        if (i % TASK_DONE_BATCH == 0 || i == n) ctx->a->join(ctx->q);
    }
    ctx->a->put(ctx->q, BENCH_PILL);
    w->end = now_seconds();
    return NULL;
}

double scenario_run(const scenario *s, const bench_adapter *a, size_t items, size_t *items_done) {
    size_t n = items / (size_t)s->producers * (size_t)s->producers;
    if (n == 0) n = (size_t)s->producers;
    run_ctx ctx = {.a = a, .q = a->create(s->capacity)};
    double elapsed = 0;
    switch (s->kind) {
    case SCENARIO_STREAM: elapsed = run_stream(s, &ctx, n); break;
    case SCENARIO_PINGPONG:
        ctx.back = a->create(s->capacity);
        elapsed = run_pair(s, &ctx, n, pinger, ponger);
        a->destroy(ctx.back);
        break;
    case SCENARIO_TASK_DONE: elapsed = run_pair(s, &ctx, n, batcher, finisher); break;
    }
    a->destroy(ctx.q);
    *items_done = n;
    return elapsed;
}
