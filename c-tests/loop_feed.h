/*
 * loop_feed.h: what test_libuv.c and test_glib.c share: producer threads
 * feeding a queue, and the checks on what an event loop took from it.
 *
 * feed_start makes a bounded FIFO queue and its get descriptor and starts
 * FEED_PRODUCERS threads. Producer p puts the items (p, 0), (p, 1), ...,
 * (p, FEED_ITEMS - 1), pausing 1 ms every FEED_PAUSE_EVERY items so that
 * the loop waits too; the last producer to finish shuts the queue down.
 * The loop calls feed_drain on each readable callback: it takes items with
 * TQ_NOWAIT until TQ_EMPTY (returns true) or TQ_SHUTDOWN (returns false:
 * stop watching the descriptor, which stays readable). feed_finish joins the
 * producers and checks: every item came exactly once and each producer's
 * in order (one consumer of a FIFO queue), count and sum; the loop saw the
 * shutdown; it did not spin (fewer callbacks found nothing than found
 * items); no task is left. Include check.h first.
 */
#ifndef TQ_LOOP_FEED_H
#define TQ_LOOP_FEED_H

enum { FEED_PRODUCERS = 3, FEED_ITEMS = 20000, FEED_BOUND = 64, FEED_PAUSE_EVERY = 1000 };

typedef struct feed feed;

/* One producer thread. */
typedef struct feed_producer {
    feed *f;
    uintptr_t index;
    pthread_t thread;
} feed_producer;

/* A queue, its producers, and what the loop took from it. */
struct feed {
    tq_queue *q;
    int fd; /* the get descriptor, to watch */
    feed_producer producers[FEED_PRODUCERS];
    atomic_int running;                /* producers not finished yet */
    uintptr_t next[FEED_PRODUCERS];    /* loop side: the k due next from each producer */
    uint64_t count, sum;               /* loop side: items taken */
    unsigned long wakeups, idle_wakeups; /* callbacks; those that found nothing */
    bool shut_down;                    /* the loop got TQ_SHUTDOWN */
};

/* The item (p, k): never NULL. */
static inline void *feed_item(uintptr_t p, uintptr_t k) { return item(p * FEED_ITEMS + k + 1); }

static inline void *feed_producer_main(void *arg) {
    feed_producer *p = arg;
    for (uintptr_t k = 0; k < FEED_ITEMS; k++) {
        CHECK_STATUS(tq_put(p->f->q, feed_item(p->index, k), TQ_FOREVER), TQ_OK);
        if (k % FEED_PAUSE_EVERY == 0) sleep_ms(1);
    }
    if (atomic_fetch_sub(&p->f->running, 1) == 1) CHECK_STATUS(tq_shutdown(p->f->q, false), TQ_OK);
    return NULL;
}

/* Makes the queue and its descriptor and starts the producers. */
static inline void feed_start(feed *f) {
    memset(f, 0, sizeof *f);
    tq_options o = queue_options(TQ_FIFO, FEED_BOUND);
    CHECK_STATUS(tq_create(&o, &f->q), TQ_OK);
    CHECK_STATUS(tq_get_fd(f->q, &f->fd), TQ_OK);
    atomic_store(&f->running, FEED_PRODUCERS);
    for (uintptr_t p = 0; p < FEED_PRODUCERS; p++) {
        f->producers[p] = (feed_producer){.f = f, .index = p};
        f->producers[p].thread = spawn(feed_producer_main, &f->producers[p]);
    }
}

/* A readable callback's work: takes items until TQ_EMPTY (true) or
 * TQ_SHUTDOWN (false: stop watching). */
static inline bool feed_drain(feed *f) {
    CHECK(!f->shut_down); /* no callback after the loop stopped watching */
    f->wakeups++;
    uint64_t before = f->count;
    void *x;
    tq_status s;
    while ((s = tq_get(f->q, &x, TQ_NOWAIT)) == TQ_OK) {
        uintptr_t id = item_n(x) - 1, p = id / FEED_ITEMS, k = id % FEED_ITEMS;
        CHECK(p < FEED_PRODUCERS && k == f->next[p]);
        f->next[p]++;
        f->count++;
        f->sum += id;
        CHECK_STATUS(tq_task_done(f->q), TQ_OK);
    }
    if (f->count == before && s == TQ_EMPTY) f->idle_wakeups++;
    if (s == TQ_SHUTDOWN) {
        f->shut_down = true;
        return false;
    }
    CHECK_STATUS(s, TQ_EMPTY);
    return true;
}

/* After the loop returned: joins the producers, checks, frees the queue. */
static inline void feed_finish(feed *f) {
    for (int p = 0; p < FEED_PRODUCERS; p++) join_thread(f->producers[p].thread);
    const uint64_t n = (uint64_t)FEED_PRODUCERS * FEED_ITEMS;
    printf("  %llu items in %lu callbacks (%lu found nothing)\n", (unsigned long long)f->count, f->wakeups,
           f->idle_wakeups);
    CHECK(f->shut_down);
    for (int p = 0; p < FEED_PRODUCERS; p++) CHECK(f->next[p] == FEED_ITEMS);
    CHECK(f->count == n && f->sum == n * (n - 1) / 2);
    CHECK(f->idle_wakeups < f->wakeups - f->idle_wakeups);
    CHECK(tq_unfinished(f->q) == 0);
    tq_free(f->q);
}

#endif /* TQ_LOOP_FEED_H */
