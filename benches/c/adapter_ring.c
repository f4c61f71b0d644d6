/*
 * The reference queue: a plain ring buffer under one pthread mutex with
 * condition variables, written the way a careful C programmer would --
 * power-of-two indexing, a signal only when someone waits (counted under
 * the lock, sent after unlocking), a monotonic clock for timed waits, and
 * the same task_done/join accounting as Python's queue.Queue (and tq), so
 * that the two do the same work per item. Unbounded queues grow by doubling.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "adapter.h"

/* Slots an unbounded ring starts with. */
#define RING_INITIAL 1024

typedef struct ring {
    pthread_mutex_t lock;
    pthread_cond_t not_empty; /* getters wait here */
    pthread_cond_t not_full;  /* putters wait here (bounded only) */
    pthread_cond_t all_done;  /* joiners wait here */
    uintptr_t *slots;
    size_t cap;      /* slots allocated, a power of two */
    size_t maxsize;  /* 0 = unbounded */
    size_t head;     /* index of the oldest item */
    size_t len;      /* items queued */
    size_t unfinished;
    unsigned getters_waiting, putters_waiting, joiners_waiting;
} ring;

static void check(int rc, const char *what) {
    if (rc != 0) bench_fail("ring", what);
}

static size_t pow2_at_least(size_t n) {
    size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

static void *ring_create(size_t capacity) {
    ring *r = calloc(1, sizeof *r);
    if (!r) bench_fail("ring", "out of memory");
    pthread_condattr_t attr;
    check(pthread_condattr_init(&attr), "condattr_init");
    check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), "condattr_setclock");
    check(pthread_mutex_init(&r->lock, NULL), "mutex_init");
    check(pthread_cond_init(&r->not_empty, &attr), "cond_init");
    check(pthread_cond_init(&r->not_full, &attr), "cond_init");
    check(pthread_cond_init(&r->all_done, &attr), "cond_init");
    pthread_condattr_destroy(&attr);
    r->maxsize = capacity;
    r->cap = pow2_at_least(capacity ? capacity : RING_INITIAL);
    r->slots = malloc(r->cap * sizeof *r->slots);
    if (!r->slots) bench_fail("ring", "out of memory");
    return r;
}

static void ring_destroy(void *q) {
    ring *r = q;
    pthread_cond_destroy(&r->not_empty);
    pthread_cond_destroy(&r->not_full);
    pthread_cond_destroy(&r->all_done);
    pthread_mutex_destroy(&r->lock);
    free(r->slots);
    free(r);
}

/* Doubles the slots of a full unbounded ring, unrolling the wrap-around. */
static void ring_grow(ring *r) {
    uintptr_t *bigger = malloc(2 * r->cap * sizeof *bigger);
    if (!bigger) bench_fail("ring", "out of memory");
    for (size_t i = 0; i < r->len; i++) bigger[i] = r->slots[(r->head + i) & (r->cap - 1)];
    free(r->slots);
    r->slots = bigger;
    r->cap *= 2;
    r->head = 0;
}

static void ring_put(void *q, uintptr_t item) {
    ring *r = q;
    pthread_mutex_lock(&r->lock);
    while (r->maxsize && r->len >= r->maxsize) {
        r->putters_waiting++;
        pthread_cond_wait(&r->not_full, &r->lock);
        r->putters_waiting--;
    }
    if (r->len == r->cap) ring_grow(r);
    r->slots[(r->head + r->len) & (r->cap - 1)] = item;
    r->len++;
    r->unfinished++;
    bool wake = r->getters_waiting > 0;
    pthread_mutex_unlock(&r->lock);
    if (wake) pthread_cond_signal(&r->not_empty);
}

/* Takes the oldest item; the lock is held and the ring is not empty. */
static uintptr_t ring_take_locked(ring *r) {
    uintptr_t item = r->slots[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    r->len--;
    bool wake = r->putters_waiting > 0;
    pthread_mutex_unlock(&r->lock);
    if (wake) pthread_cond_signal(&r->not_full);
    return item;
}

static uintptr_t ring_get(void *q) {
    ring *r = q;
    pthread_mutex_lock(&r->lock);
    while (r->len == 0) {
        r->getters_waiting++;
        pthread_cond_wait(&r->not_empty, &r->lock);
        r->getters_waiting--;
    }
    return ring_take_locked(r);
}

static bool ring_get_timed(void *q, uintptr_t *item, int64_t timeout_ms) {
    ring *r = q;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->lock);
    while (r->len == 0) {
        r->getters_waiting++;
        int rc = pthread_cond_timedwait(&r->not_empty, &r->lock, &deadline);
        r->getters_waiting--;
        if (rc == ETIMEDOUT && r->len == 0) {
            pthread_mutex_unlock(&r->lock);
            return false;
        }
    }
    *item = ring_take_locked(r);
    return true;
}

static void ring_task_done(void *q) {
    ring *r = q;
    pthread_mutex_lock(&r->lock);
    if (r->unfinished == 0) bench_fail("ring", "task_done called too often");
    r->unfinished--;
    bool wake = r->unfinished == 0 && r->joiners_waiting > 0;
    pthread_mutex_unlock(&r->lock);
    if (wake) pthread_cond_broadcast(&r->all_done);
}

static void ring_join(void *q) {
    ring *r = q;
    pthread_mutex_lock(&r->lock);
    while (r->unfinished > 0) {
        r->joiners_waiting++;
        pthread_cond_wait(&r->all_done, &r->lock);
        r->joiners_waiting--;
    }
    pthread_mutex_unlock(&r->lock);
}

const bench_adapter bench_ring = {
    .name = "ring",
    .caps = BENCH_UNBOUNDED | BENCH_BOUNDED | BENCH_MPMC | BENCH_TASK_DONE | BENCH_TIMED_GET,
    .create = ring_create,
    .destroy = ring_destroy,
    .put = ring_put,
    .get = ring_get,
    .get_timed = ring_get_timed,
    .task_done = ring_task_done,
    .join = ring_join,
};
