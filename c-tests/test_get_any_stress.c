/*
 * test_get_any_stress: producers put unique ids into three queues (id i
 * goes to queue i % 3: a FIFO bounded to 1, a FIFO bounded to 64, an
 * unbounded LIFO), consumers take them with tq_get_any only, with forever,
 * timed and non-blocking timeouts, until it says TQ_SHUTDOWN.
 *
 * Checks: every id put came out exactly once (got, or dropped by an
 * immediate shutdown) and nothing else did (bitmaps, count and sum); the
 * index tq_get_any gives is the queue the id was put in, and task_done on
 * that queue succeeds; each consumer sees one producer's ids from a FIFO
 * queue in increasing order; no task is left. One run shuts every queue down
 * after the producers finish; the other shuts the small FIFO down
 * (immediately) half-way, so that consumers pass over it while the others
 * still produce.
 */
#include "check.h"

#include <sched.h>

enum { QUEUES = 3, PRODUCERS = 4, CONSUMERS = 3, ITEMS = 200000 };

/* The queues' orders and bounds, by index. */
static const tq_order ORDERS[QUEUES] = {TQ_FIFO, TQ_FIFO, TQ_LIFO};
static const size_t BOUNDS[QUEUES] = {1, 64, 0};

/* A set of ids, one bit each (relaxed atomics: no synchronisation that
 * would hide a race in the queue from TSan). */
typedef struct bitmap {
    _Atomic uint64_t words[(ITEMS + 63) / 64];
} bitmap;

/* Sets `id`'s bit; returns whether it was set already. */
static bool bitmap_set(bitmap *b, uint64_t id) {
    uint64_t bit = UINT64_C(1) << (id % 64);
    return (atomic_fetch_or_explicit(&b->words[id / 64], bit, memory_order_relaxed) & bit) != 0;
}

/* The state of one run, shared by all its threads. */
typedef struct run {
    tq_queue *queues[QUEUES];
    bitmap put_ok;                 /* ids whose put returned TQ_OK */
    bitmap out;                    /* ids got or dropped */
    _Atomic uint64_t out_count, out_sum;
    atomic_ulong put_count;        /* ids put so far, for the half-way shutdown */
} run;

/* One thread's part: producer or consumer number `index`. */
typedef struct worker {
    run *r;
    unsigned index;
    uint64_t put_count, put_sum;   /* producers: what went in */
    uint64_t rng;
} worker;

/* Records that `id` came out of the queues. */
static void came_out(run *r, uint64_t id) {
    CHECK(id < ITEMS);
    CHECK(!bitmap_set(&r->out, id)); /* not twice */
    atomic_fetch_add_explicit(&r->out_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->out_sum, id, memory_order_relaxed);
}

/* The destroy callback: items an immediate shutdown drops. */
static void dropped(void *x, void *ctx) { came_out(ctx, item_n(x)); }

/* xorshift64: each thread's own timeouts. */
static uint64_t next_rand(worker *w) {
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

/* A timeout from the mix: forever (half the time), non-blocking, or 1-3 ms. */
static int64_t some_timeout(worker *w) {
    uint64_t k = next_rand(w) % 4;
    return k < 2 ? TQ_FOREVER : k == 2 ? TQ_NOWAIT : 1 + (int64_t)(next_rand(w) % 3);
}

/* Producer p puts the ids p, p + PRODUCERS, ...; an id its queue refuses
 * after a shutdown is not put. */
static void *producer(void *arg) {
    worker *w = arg;
    run *r = w->r;
    for (uint64_t id = w->index; id < ITEMS; id += PRODUCERS) {
        tq_status s;
        int64_t timeout;
        do {
            timeout = some_timeout(w);
            s = tq_put(r->queues[id % QUEUES], item(id), timeout);
            if (s == TQ_FULL && timeout == TQ_NOWAIT) sched_yield();
        } while (s == TQ_FULL && timeout >= 0);
        CHECK(s == TQ_OK || s == TQ_SHUTDOWN);
        if (s == TQ_OK) {
            CHECK(!bitmap_set(&r->put_ok, id));
            w->put_count++;
            w->put_sum += id;
            atomic_fetch_add_explicit(&r->put_count, 1, memory_order_relaxed);
        }
    }
    return NULL;
}

/* Takes ids with tq_get_any until every queue is shut down and drained. */
static void *consumer(void *arg) {
    worker *w = arg;
    run *r = w->r;
    uint64_t last[PRODUCERS][QUEUES]; /* the last id seen from each producer and queue, + 1 */
    memset(last, 0, sizeof last);
    for (;;) {
        void *x = NULL;
        size_t index = QUEUES;
        int64_t timeout = some_timeout(w);
        tq_status s = tq_get_any(r->queues, QUEUES, &x, &index, timeout);
        if (s == TQ_SHUTDOWN) return NULL;
        if (s == TQ_EMPTY && timeout >= 0) {
            if (timeout == TQ_NOWAIT) sched_yield();
            continue;
        }
        CHECK_STATUS(s, TQ_OK);
        uint64_t id = item_n(x);
        CHECK(index < QUEUES && index == id % QUEUES);
        came_out(r, id);
        uint64_t *seen = &last[id % PRODUCERS][index];
        if (ORDERS[index] == TQ_FIFO) CHECK(id + 1 > *seen);
        *seen = id + 1;
        CHECK_STATUS(tq_task_done(r->queues[index]), TQ_OK);
    }
}

/* One run; `half_way` shuts queue 0 down (immediately) once half the ids are put. */
static void run_once(bool half_way) {
    static run r; /* ~50 KB of bitmaps: not on the stack */
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < QUEUES; i++) {
        tq_options o = queue_options(ORDERS[i], BOUNDS[i]);
        o.destroy = dropped;
        o.destroy_ctx = &r;
        CHECK_STATUS(tq_create(&o, &r.queues[i]), TQ_OK);
    }
    worker producers[PRODUCERS], consumers[CONSUMERS];
    pthread_t threads[PRODUCERS + CONSUMERS];
    for (unsigned i = 0; i < PRODUCERS + CONSUMERS; i++) {
        bool p = i < PRODUCERS;
        worker *w = p ? &producers[i] : &consumers[i - PRODUCERS];
        *w = (worker){.r = &r, .index = p ? i : i - PRODUCERS, .rng = 0x9E3779B97F4A7C15u * (i + 1)};
        threads[i] = spawn(p ? producer : consumer, w);
    }
    if (half_way) {
        while (atomic_load_explicit(&r.put_count, memory_order_relaxed) < ITEMS / 2) sleep_ms(1);
        CHECK_STATUS(tq_shutdown(r.queues[0], true), TQ_OK);
    }
    for (unsigned i = 0; i < PRODUCERS; i++) join_thread(threads[i]);
    for (size_t i = 0; i < QUEUES; i++) CHECK_STATUS(tq_shutdown(r.queues[i], false), TQ_OK);
    for (unsigned i = PRODUCERS; i < PRODUCERS + CONSUMERS; i++) join_thread(threads[i]);

    uint64_t put_count = 0, put_sum = 0;
    for (unsigned i = 0; i < PRODUCERS; i++) {
        put_count += producers[i].put_count;
        put_sum += producers[i].put_sum;
    }
    for (size_t w = 0; w < sizeof r.out.words / sizeof r.out.words[0]; w++) {
        CHECK(atomic_load(&r.put_ok.words[w]) == atomic_load(&r.out.words[w]));
    }
    CHECK(atomic_load(&r.out_count) == put_count && atomic_load(&r.out_sum) == put_sum);
    CHECK(half_way ? put_count < ITEMS : put_count == ITEMS);
    for (size_t i = 0; i < QUEUES; i++) {
        CHECK(tq_unfinished(r.queues[i]) == 0);
        tq_free(r.queues[i]);
    }
    printf("  %s: %llu ids put, each came out once\n", half_way ? "queue 0 shut down half-way" : "shut down at the end",
           (unsigned long long)put_count);
}

static void every_id_once_shut_down_at_the_end(void) { run_once(false); }

static void every_id_once_one_queue_shut_down_half_way(void) { run_once(true); }

int main(void) {
    watchdog(100);
    RUN_CASE(every_id_once_shut_down_at_the_end);
    RUN_CASE(every_id_once_one_queue_shut_down_half_way);
    return 0;
}
