/*
 * check.h: the small toolkit every C test of tq shares.
 *
 * Include it first (it sets _POSIX_C_SOURCE and includes tq.h). It gives:
 * - CHECK / CHECK_STATUS: on failure, print where and what, then exit(1);
 * - RUN_CASE: run one named case and print one line for it;
 * - now_ms, sleep_ms, watchdog: a monotonic clock, a sleep, a hang guard;
 * - spawn / join_thread: pthreads that fail the test instead of returning errors;
 * - bg_call: one blocking tq call on its own thread, to watch it block and wake;
 * - item / item_n, CHECK_GET: small integers as items;
 * - queue_options, new_queue, destroy_log: queues to order, and a record of
 *   the items they drop.
 */
#ifndef TQ_CHECK_H
#define TQ_CHECK_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tq.h"

/* The case RUN_CASE is running, named in failure messages. */
static const char *check_case = "(setup)";

/* Reports a failed check and ends the test with status 1. */
static inline void check_fail(const char *file, int line, const char *what) {
    fprintf(stderr, "FAIL %s: %s:%d: %s\n", check_case, file, line, what);
    exit(1);
}

/* Fails the test unless `cond` holds. */
#define CHECK(cond)                                         \
    do {                                                    \
        if (!(cond)) check_fail(__FILE__, __LINE__, #cond); \
    } while (0)

/* Fails the test unless `expr` returns the tq_status `expected`. */
#define CHECK_STATUS(expr, expected)                                                  \
    do {                                                                              \
        tq_status check_got_ = (expr);                                                \
        tq_status check_want_ = (expected);                                           \
        if (check_got_ != check_want_) {                                              \
            fprintf(stderr, "FAIL %s: %s:%d: %s returned %d (%s), expected %d (%s)\n", \
                    check_case, __FILE__, __LINE__, #expr, (int)check_got_,           \
                    tq_status_str(check_got_), (int)check_want_,                      \
                    tq_status_str(check_want_));                                      \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

/* Runs the case `fn` (a void function) and prints a line once it passed. */
#define RUN_CASE(fn) run_case(#fn, fn)

/* RUN_CASE's body: names the case for failure messages, runs it, reports it. */
static inline void run_case(const char *name, void (*fn)(void)) {
    check_case = name;
    fn();
    printf("ok   %s\n", name);
    fflush(stdout);
}

/* Milliseconds on the monotonic clock (the one tq's timeouts use). */
static inline int64_t now_ms(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) check_fail(__FILE__, __LINE__, "clock_gettime");
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps at least `ms` milliseconds. */
static inline void sleep_ms(int64_t ms) {
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* SIGALRM handler of watchdog(): async-signal-safe report, then exit. */
static inline void watchdog_fired(int sig) {
    (void)sig;
    static const char msg[] = "FAIL watchdog: the test hung (a blocked call never woke)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

/* Ends the whole test with a failure if it is still running after `seconds`. */
static inline void watchdog(unsigned seconds) {
    signal(SIGALRM, watchdog_fired);
    alarm(seconds);
}

/* Starts a thread running fn(arg); any pthread error fails the test. */
static inline pthread_t spawn(void *(*fn)(void *), void *arg) {
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0) check_fail(__FILE__, __LINE__, "pthread_create");
    return t;
}

/* Waits for thread `t` and returns what it returned. */
static inline void *join_thread(pthread_t t) {
    void *result = NULL;
    if (pthread_join(t, &result) != 0) check_fail(__FILE__, __LINE__, "pthread_join");
    return result;
}

/* Small integers as items: item(n) is a distinct non-NULL pointer for n > 0. */
static inline void *item(uintptr_t n) { return (void *)n; }

/* The integer an item made by item() carries. */
static inline uintptr_t item_n(void *p) { return (uintptr_t)p; }

/* Gets without waiting and checks the item is item(expected). */
#define CHECK_GET(q, expected)                                     \
    do {                                                           \
        void *check_item_ = NULL;                                  \
        CHECK_STATUS(tq_get((q), &check_item_, TQ_NOWAIT), TQ_OK); \
        CHECK(item_n(check_item_) == (uintptr_t)(expected));       \
    } while (0)

/*
 * One tq call run on its own thread. Fill in q, timeout_ms and the inputs,
 * bg_start it with one of bg_put/bg_get/..., check bg_blocked, act, then
 * bg_finish to get its status and outputs.
 */
typedef struct bg_call bg_call;

struct bg_call {
    tq_queue *q;
    int64_t timeout_ms;
    void *item;          /* put: the item to put; get: the item got */
    void **items;        /* put_many: the items; get_many: the output array */
    size_t n;            /* put_many: how many items; get_many: max */
    size_t count;        /* batch calls: *n_put or *n_got */
    tq_status (*call)(bg_call *c);
    tq_status status;
    int64_t elapsed_ms;  /* how long the call took */
    atomic_bool started;
    atomic_bool done;
    pthread_t thread;
};

/* The thread body of a bg_call: runs the call, times it, marks it done. */
static inline void *bg_main(void *arg) {
    bg_call *c = arg;
    atomic_store(&c->started, true);
    int64_t t0 = now_ms();
    c->status = c->call(c);
    c->elapsed_ms = now_ms() - t0;
    atomic_store(&c->done, true);
    return NULL;
}

/* Starts `call` on a new thread and returns once that thread is running. */
static inline void bg_start(bg_call *c, tq_status (*call)(bg_call *c)) {
    c->call = call;
    atomic_store(&c->started, false);
    atomic_store(&c->done, false);
    c->thread = spawn(bg_main, c);
    while (!atomic_load(&c->started)) sleep_ms(1);
}

/* Waits `ms` milliseconds, then tells whether the call is still blocked. */
static inline bool bg_blocked_after(bg_call *c, int64_t ms) {
    sleep_ms(ms);
    return !atomic_load(&c->done);
}

/* Whether the call is still blocked 50 ms after now (long enough to block). */
static inline bool bg_blocked(bg_call *c) { return bg_blocked_after(c, 50); }

/* Waits for the call to return and gives its status. */
static inline tq_status bg_finish(bg_call *c) {
    join_thread(c->thread);
    return c->status;
}

/* bg_call bodies: the five blocking calls of tq.h. */
static inline tq_status bg_put(bg_call *c) { return tq_put(c->q, c->item, c->timeout_ms); }
static inline tq_status bg_get(bg_call *c) { return tq_get(c->q, &c->item, c->timeout_ms); }
static inline tq_status bg_join(bg_call *c) { return tq_join(c->q, c->timeout_ms); }
static inline tq_status bg_put_many(bg_call *c) {
    return tq_put_many(c->q, c->items, c->n, &c->count, c->timeout_ms);
}
static inline tq_status bg_get_many(bg_call *c) {
    return tq_get_many(c->q, c->items, c->n, &c->count, c->timeout_ms);
}

/* Records the items a queue drops: give it as destroy with itself as ctx. */
typedef struct destroy_log {
    size_t count;          /* calls so far */
    void *items[64];       /* the first 64 items, in call order */
} destroy_log;

/* The tq_destroy_fn that appends to the destroy_log given as ctx. */
static inline void destroy_log_fn(void *dropped, void *ctx) {
    destroy_log *log = ctx;
    if (log->count < sizeof log->items / sizeof log->items[0]) log->items[log->count] = dropped;
    log->count++;
}

/* How many times `x` was passed to the destroy callback. */
static inline size_t destroy_log_times(const destroy_log *log, void *x) {
    size_t times = 0;
    for (size_t i = 0; i < log->count && i < sizeof log->items / sizeof log->items[0]; i++) {
        if (log->items[i] == x) times++;
    }
    return times;
}

/* Options for a queue of `order` bounded by `maxsize`, without destroy. */
static inline tq_options queue_options(tq_order order, size_t maxsize) {
    tq_options o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.order = order;
    o.maxsize = maxsize;
    return o;
}

/* A new queue of `order` bounded by `maxsize`; dropped items go to `log` if not NULL. */
static inline tq_queue *new_queue(tq_order order, size_t maxsize, destroy_log *log) {
    tq_options o = queue_options(order, maxsize);
    if (log) {
        o.destroy = destroy_log_fn;
        o.destroy_ctx = log;
    }
    tq_queue *q = tq_new_with(&o);
    if (!q) check_fail(__FILE__, __LINE__, "tq_new_with returned NULL");
    return q;
}

#endif /* TQ_CHECK_H */
