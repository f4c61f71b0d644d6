/*
 * tq_shutdown, normal and immediate (Python's shutdown(immediate)): what puts,
 * gets and joins do afterwards, who wakes, and what happens to queued items.
 */
#include "check.h"

#define N_WAITERS 4

/* Puts item(1)..item(n) without waiting. */
static void put_items(tq_queue *q, uintptr_t n) {
    for (uintptr_t i = 1; i <= n; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
}

static void puts_fail_and_gets_drain_after_shutdown(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    put_items(q, 3);
    CHECK(!tq_is_shutdown(q));
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK(tq_is_shutdown(q));
    CHECK_STATUS(tq_put(q, item(9), TQ_NOWAIT), TQ_SHUTDOWN);
    CHECK_STATUS(tq_put(q, item(9), TQ_FOREVER), TQ_SHUTDOWN);
    CHECK(tq_qsize(q) == 3);
    CHECK(tq_unfinished(q) == 3);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    CHECK_GET(q, 3);
    void *x = item(42);
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_SHUTDOWN);
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_get(q, &x, TQ_FOREVER), TQ_SHUTDOWN); /* at once, no wait */
    CHECK_STATUS(tq_get(q, &x, 5000), TQ_SHUTDOWN);
    CHECK(now_ms() - t0 < 2000);
    CHECK(x == item(42)); /* written only on success */
    tq_free(q);
}

static void shutdown_wakes_every_blocked_getter(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    bg_call gets[N_WAITERS];
    for (int i = 0; i < N_WAITERS; i++) {
        gets[i] = (bg_call){.q = q, .timeout_ms = i % 2 ? TQ_FOREVER : 10000};
        bg_start(&gets[i], bg_get);
    }
    for (int i = 0; i < N_WAITERS; i++) CHECK(bg_blocked(&gets[i]));
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    for (int i = 0; i < N_WAITERS; i++) {
        CHECK_STATUS(bg_finish(&gets[i]), TQ_SHUTDOWN);
        CHECK(gets[i].elapsed_ms < 5000);
    }
    tq_free(q);
}

static void shutdown_wakes_every_blocked_putter(void) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    put_items(q, 1);
    bg_call puts[N_WAITERS];
    for (int i = 0; i < N_WAITERS; i++) {
        puts[i] = (bg_call){.q = q, .item = item(10 + (uintptr_t)i), .timeout_ms = TQ_FOREVER};
        bg_start(&puts[i], bg_put);
    }
    for (int i = 0; i < N_WAITERS; i++) CHECK(bg_blocked(&puts[i]));
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    for (int i = 0; i < N_WAITERS; i++) CHECK_STATUS(bg_finish(&puts[i]), TQ_SHUTDOWN);
    CHECK(tq_qsize(q) == 1);
    CHECK(tq_unfinished(q) == 1);
    CHECK_GET(q, 1);
    tq_free(q);
}

static void shutdown_is_idempotent(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    put_items(q, 2);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK(tq_is_shutdown(q));
    CHECK(tq_qsize(q) == 2);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK(tq_is_shutdown(q));
    CHECK(tq_unfinished(q) == 2); /* got, not done: nothing to discard */
    tq_free(q);
}

static void shutdown_alone_does_not_end_a_join(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    put_items(q, 1);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK_STATUS(tq_join(q, 50), TQ_TIMEOUT);
    CHECK_GET(q, 1);
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(tq_join(q, TQ_NOWAIT), TQ_OK);
    tq_free(q);
}

static void immediate_shutdown_discards_queued_items(void) {
    destroy_log log = {0};
    tq_queue *q = new_queue(TQ_FIFO, 0, &log);
    put_items(q, 5);
    CHECK_GET(q, 1); /* handed out: never destroyed */
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    /* every discarded item went to destroy exactly once, before the return */
    CHECK(log.count == 4);
    CHECK(destroy_log_times(&log, item(1)) == 0);
    for (uintptr_t i = 2; i <= 5; i++) CHECK(destroy_log_times(&log, item(i)) == 1);
    CHECK(tq_qsize(q) == 0);
    CHECK(tq_empty(q));
    CHECK(tq_unfinished(q) == 1); /* item 1: got, not done */
    void *x = NULL;
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_SHUTDOWN);
    CHECK_STATUS(tq_get(q, &x, TQ_FOREVER), TQ_SHUTDOWN);
    CHECK_STATUS(tq_put(q, item(6), TQ_NOWAIT), TQ_SHUTDOWN);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    tq_free(q);
    CHECK(log.count == 4); /* nothing left for tq_free to destroy */
}

static void immediate_shutdown_after_a_normal_one_discards_the_rest(void) {
    destroy_log log = {0};
    tq_queue *q = new_queue(TQ_LIFO, 0, &log);
    put_items(q, 3);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK_GET(q, 3);
    CHECK(log.count == 0);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK(log.count == 2);
    CHECK(destroy_log_times(&log, item(1)) == 1);
    CHECK(destroy_log_times(&log, item(2)) == 1);
    CHECK(tq_unfinished(q) == 1);
    void *x = NULL;
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_SHUTDOWN);
    tq_free(q);
    CHECK(log.count == 2);
}

static void immediate_shutdown_wakes_blocked_getters(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    bg_call get = {.q = q, .timeout_ms = TQ_FOREVER};
    bg_start(&get, bg_get);
    CHECK(bg_blocked(&get));
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK_STATUS(bg_finish(&get), TQ_SHUTDOWN);
    tq_free(q);
}

static void immediate_shutdown_wakes_blocked_putters(void) {
    destroy_log log = {0};
    tq_queue *q = new_queue(TQ_FIFO, 1, &log);
    put_items(q, 1);
    bg_call put = {.q = q, .item = item(2), .timeout_ms = TQ_FOREVER};
    bg_start(&put, bg_put);
    CHECK(bg_blocked(&put));
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK_STATUS(bg_finish(&put), TQ_SHUTDOWN);
    CHECK(log.count == 1); /* the queued item; the rejected one stays the caller's */
    CHECK(destroy_log_times(&log, item(1)) == 1);
    CHECK(tq_qsize(q) == 0);
    CHECK(tq_unfinished(q) == 0);
    tq_free(q);
}

static void immediate_shutdown_ends_a_blocked_join(void) {
    destroy_log log = {0};
    tq_queue *q = new_queue(TQ_FIFO, 2, &log);
    put_items(q, 2);
    bg_call join = {.q = q, .timeout_ms = TQ_FOREVER};
    bg_start(&join, bg_join);
    CHECK(bg_blocked(&join));
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK_STATUS(bg_finish(&join), TQ_OK);
    CHECK(tq_unfinished(q) == 0);
    CHECK(log.count == 2);
    tq_free(q);
}

static void joiner_waits_for_tasks_got_before_immediate_shutdown(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    put_items(q, 3);
    CHECK_GET(q, 1); /* taken, not done */
    bg_call join = {.q = q, .timeout_ms = TQ_FOREVER};
    bg_start(&join, bg_join);
    CHECK(bg_blocked(&join));
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    CHECK(tq_unfinished(q) == 1);
    CHECK(bg_blocked(&join)); /* Python: join still waits for item 1 */
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(bg_finish(&join), TQ_OK);
    tq_free(q);
}

static void task_done_still_counts_after_shutdown(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    put_items(q, 2);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(tq_task_done(q), TQ_TOO_MANY_DONE);
    CHECK_STATUS(tq_task_done_n(q, 1), TQ_TOO_MANY_DONE);
    CHECK_STATUS(tq_join(q, TQ_FOREVER), TQ_OK);
    CHECK(tq_unfinished(q) == 0);
    tq_free(q);
}

static void every_call_is_safe_after_shutdown(void) {
    tq_queue *q = new_queue(TQ_PRIORITY, 2, NULL);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    void *items[2] = {item(1), item(2)};
    size_t n = 99;
    CHECK_STATUS(tq_put_priority(q, item(1), 5, TQ_FOREVER), TQ_SHUTDOWN);
    CHECK_STATUS(tq_put_many(q, items, 2, &n, TQ_FOREVER), TQ_SHUTDOWN);
    CHECK(n == 0);
    n = 99;
    CHECK_STATUS(tq_get_many(q, items, 2, &n, TQ_FOREVER), TQ_SHUTDOWN);
    CHECK(n == 0);
    CHECK_STATUS(tq_task_done(q), TQ_TOO_MANY_DONE);
    CHECK_STATUS(tq_join(q, TQ_FOREVER), TQ_OK);
    CHECK_STATUS(tq_set_maxsize(q, 5), TQ_OK);
    CHECK(tq_maxsize(q) == 5);
    CHECK(tq_qsize(q) == 0);
    CHECK(tq_empty(q));
    CHECK(!tq_full(q));
    CHECK(tq_is_shutdown(q));
    tq_free(q);
}

int main(void) {
    watchdog(20);
    RUN_CASE(puts_fail_and_gets_drain_after_shutdown);
    RUN_CASE(shutdown_wakes_every_blocked_getter);
    RUN_CASE(shutdown_wakes_every_blocked_putter);
    RUN_CASE(shutdown_is_idempotent);
    RUN_CASE(shutdown_alone_does_not_end_a_join);
    RUN_CASE(immediate_shutdown_discards_queued_items);
    RUN_CASE(immediate_shutdown_after_a_normal_one_discards_the_rest);
    RUN_CASE(immediate_shutdown_wakes_blocked_getters);
    RUN_CASE(immediate_shutdown_wakes_blocked_putters);
    RUN_CASE(immediate_shutdown_ends_a_blocked_join);
    RUN_CASE(joiner_waits_for_tasks_got_before_immediate_shutdown);
    RUN_CASE(task_done_still_counts_after_shutdown);
    RUN_CASE(every_call_is_safe_after_shutdown);
    return 0;
}
