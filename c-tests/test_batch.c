/*
 * Batch calls: tq_put_many (waits for the first slot, then fills what fits)
 * and tq_get_many (waits for one item, then takes up to max).
 */
#include "check.h"

#define SENTINEL 999
#define MAX_BATCH 16

/* items[i] = item(first + i) for i < n. */
static void fill_items(void **items, size_t n, uintptr_t first) {
    for (size_t i = 0; i < n; i++) items[i] = item(first + i);
}

/* A FIFO queue bounded by `maxsize` holding item(1)..item(n). */
static tq_queue *queue_holding(size_t maxsize, uintptr_t n) {
    tq_queue *q = tq_new(maxsize);
    CHECK(q != NULL);
    for (uintptr_t i = 1; i <= n; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
    return q;
}

static void put_many_fills_what_fits(void) {
    tq_queue *q = queue_holding(3, 1);
    void *items[5];
    fill_items(items, 5, 10);
    size_t n_put = SENTINEL;
    CHECK_STATUS(tq_put_many(q, items, 5, &n_put, TQ_NOWAIT), TQ_OK);
    CHECK(n_put == 2);
    CHECK(tq_qsize(q) == 3);
    CHECK(tq_unfinished(q) == 3);
    CHECK_GET(q, 1);
    CHECK_GET(q, 10);
    CHECK_GET(q, 11);
    tq_free(q);
}

static void put_many_does_not_wait_for_the_rest(void) {
    tq_queue *q = queue_holding(2, 0);
    void *items[5];
    fill_items(items, 5, 10);
    size_t n_put = SENTINEL;
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_put_many(q, items, 5, &n_put, TQ_FOREVER), TQ_OK);
    CHECK(now_ms() - t0 < 2000);
    CHECK(n_put == 2);
    CHECK_GET(q, 10);
    CHECK_GET(q, 11);
    tq_free(q);
}

static void put_many_on_unbounded_queue_puts_all_in_order(void) {
    tq_queue *q = queue_holding(0, 2);
    void *items[MAX_BATCH];
    fill_items(items, MAX_BATCH, 10);
    size_t n_put = SENTINEL;
    CHECK_STATUS(tq_put_many(q, items, MAX_BATCH, &n_put, TQ_NOWAIT), TQ_OK);
    CHECK(n_put == MAX_BATCH);
    CHECK(tq_unfinished(q) == 2 + MAX_BATCH);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    for (uintptr_t i = 0; i < MAX_BATCH; i++) CHECK_GET(q, 10 + i);
    tq_free(q);
}

static void put_many_on_full_queue_is_full_with_nothing_put(void) {
    tq_queue *q = queue_holding(1, 1);
    void *items[3];
    fill_items(items, 3, 10);
    size_t n_put = SENTINEL;
    CHECK_STATUS(tq_put_many(q, items, 3, &n_put, TQ_NOWAIT), TQ_FULL);
    CHECK(n_put == 0);
    n_put = SENTINEL;
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_put_many(q, items, 3, &n_put, 30), TQ_FULL);
    CHECK(now_ms() - t0 >= 30);
    CHECK(n_put == 0);
    CHECK(tq_qsize(q) == 1);
    CHECK(tq_unfinished(q) == 1);
    tq_free(q);
}

static void put_many_after_shutdown_is_shutdown(void) {
    tq_queue *q = queue_holding(0, 0);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    void *items[3];
    fill_items(items, 3, 10);
    size_t n_put = SENTINEL;
    CHECK_STATUS(tq_put_many(q, items, 3, &n_put, TQ_NOWAIT), TQ_SHUTDOWN);
    CHECK(n_put == 0);
    n_put = SENTINEL;
    CHECK_STATUS(tq_put_many(q, items, 3, &n_put, TQ_FOREVER), TQ_SHUTDOWN);
    CHECK(n_put == 0);
    CHECK(tq_qsize(q) == 0);
    CHECK(tq_unfinished(q) == 0);
    tq_free(q);
}

static void put_many_of_nothing_is_ok_at_once(void) {
    tq_queue *q = queue_holding(1, 1); /* full: must not wait */
    void *items[1] = {item(10)};
    size_t n_put = SENTINEL;
    CHECK_STATUS(tq_put_many(q, items, 0, &n_put, TQ_FOREVER), TQ_OK);
    CHECK(n_put == 0);
    CHECK(tq_qsize(q) == 1);
    CHECK(tq_unfinished(q) == 1);
    tq_free(q);
}

static void get_many_takes_what_is_there_in_order(void) {
    tq_queue *q = queue_holding(0, 5);
    void *out[MAX_BATCH + 1];
    for (size_t i = 0; i <= MAX_BATCH; i++) out[i] = item(SENTINEL);
    size_t n_got = SENTINEL;
    CHECK_STATUS(tq_get_many(q, out, 3, &n_got, TQ_NOWAIT), TQ_OK);
    CHECK(n_got == 3);
    for (uintptr_t i = 0; i < 3; i++) CHECK(item_n(out[i]) == i + 1);
    CHECK(item_n(out[3]) == SENTINEL);
    CHECK_STATUS(tq_get_many(q, out, MAX_BATCH, &n_got, TQ_FOREVER), TQ_OK);
    CHECK(n_got == 2);
    CHECK(item_n(out[0]) == 4 && item_n(out[1]) == 5);
    CHECK(item_n(out[2]) == 3); /* slots past n_got keep what they held */
    CHECK(tq_empty(q));
    CHECK(tq_unfinished(q) == 5); /* gets never finish tasks */
    tq_free(q);
}

static void get_many_follows_lifo_and_priority_order(void) {
    tq_queue *lifo = new_queue(TQ_LIFO, 0, NULL);
    tq_queue *prio = new_queue(TQ_PRIORITY, 0, NULL);
    static const int64_t priorities[] = {3, 1, 2, 1};
    for (uintptr_t i = 1; i <= 4; i++) {
        CHECK_STATUS(tq_put(lifo, item(i), TQ_NOWAIT), TQ_OK);
        CHECK_STATUS(tq_put_priority(prio, item(i), priorities[i - 1], TQ_NOWAIT), TQ_OK);
    }
    void *out[4];
    size_t n_got = 0;
    CHECK_STATUS(tq_get_many(lifo, out, 3, &n_got, TQ_NOWAIT), TQ_OK);
    CHECK(n_got == 3);
    CHECK(item_n(out[0]) == 4 && item_n(out[1]) == 3 && item_n(out[2]) == 2);
    CHECK_STATUS(tq_get_many(prio, out, 4, &n_got, TQ_NOWAIT), TQ_OK);
    CHECK(n_got == 4);
    CHECK(item_n(out[0]) == 2 && item_n(out[1]) == 4 && item_n(out[2]) == 3 && item_n(out[3]) == 1);
    tq_free(lifo);
    tq_free(prio);
}

static void get_many_of_nothing_is_ok_at_once(void) {
    tq_queue *q = queue_holding(0, 1);
    void *out[1] = {item(SENTINEL)};
    size_t n_got = SENTINEL;
    CHECK_STATUS(tq_get_many(q, out, 0, &n_got, TQ_NOWAIT), TQ_OK);
    CHECK(n_got == 0);
    CHECK(item_n(out[0]) == SENTINEL);
    CHECK(tq_qsize(q) == 1);
    CHECK_GET(q, 1);
    n_got = SENTINEL;
    CHECK_STATUS(tq_get_many(q, out, 0, &n_got, TQ_FOREVER), TQ_OK); /* empty: must not wait */
    CHECK(n_got == 0);
    tq_free(q);
}

static void get_many_on_empty_queue_is_empty(void) {
    tq_queue *q = queue_holding(0, 0);
    void *out[4];
    size_t n_got = SENTINEL;
    CHECK_STATUS(tq_get_many(q, out, 4, &n_got, TQ_NOWAIT), TQ_EMPTY);
    CHECK(n_got == 0);
    n_got = SENTINEL;
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_get_many(q, out, 4, &n_got, 30), TQ_EMPTY);
    CHECK(now_ms() - t0 >= 30);
    CHECK(n_got == 0);
    tq_free(q);
}

static void get_many_drains_then_is_shutdown(void) {
    tq_queue *q = queue_holding(0, 3);
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    void *out[2];
    size_t n_got = SENTINEL;
    CHECK_STATUS(tq_get_many(q, out, 2, &n_got, TQ_FOREVER), TQ_OK);
    CHECK(n_got == 2);
    CHECK_STATUS(tq_get_many(q, out, 2, &n_got, TQ_FOREVER), TQ_OK);
    CHECK(n_got == 1);
    CHECK(item_n(out[0]) == 3);
    n_got = SENTINEL;
    CHECK_STATUS(tq_get_many(q, out, 2, &n_got, TQ_FOREVER), TQ_SHUTDOWN);
    CHECK(n_got == 0);
    tq_free(q);
}

static void blocked_get_many_wakes_on_a_single_put(void) {
    tq_queue *q = queue_holding(0, 0);
    void *out[MAX_BATCH];
    bg_call get = {.q = q, .items = out, .n = MAX_BATCH, .count = SENTINEL, .timeout_ms = TQ_FOREVER};
    bg_start(&get, bg_get_many);
    CHECK(bg_blocked(&get));
    CHECK_STATUS(tq_put(q, item(7), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(bg_finish(&get), TQ_OK);
    CHECK(get.count == 1);
    CHECK(item_n(out[0]) == 7);
    tq_free(q);
}

static void blocked_put_many_fills_the_slots_get_many_frees(void) {
    tq_queue *q = queue_holding(4, 4);
    void *items[6];
    fill_items(items, 6, 10);
    bg_call put = {.q = q, .items = items, .n = 6, .count = SENTINEL, .timeout_ms = TQ_FOREVER};
    bg_start(&put, bg_put_many);
    CHECK(bg_blocked(&put));
    void *out[3];
    size_t n_got = 0;
    CHECK_STATUS(tq_get_many(q, out, 3, &n_got, TQ_NOWAIT), TQ_OK);
    CHECK(n_got == 3);
    CHECK_STATUS(bg_finish(&put), TQ_OK);
    CHECK(put.count == 3);
    CHECK(tq_full(q));
    CHECK(tq_unfinished(q) == 4 + 3);
    CHECK_GET(q, 4);
    CHECK_GET(q, 10);
    CHECK_GET(q, 11);
    CHECK_GET(q, 12);
    tq_free(q);
}

int main(void) {
    watchdog(20);
    RUN_CASE(put_many_fills_what_fits);
    RUN_CASE(put_many_does_not_wait_for_the_rest);
    RUN_CASE(put_many_on_unbounded_queue_puts_all_in_order);
    RUN_CASE(put_many_on_full_queue_is_full_with_nothing_put);
    RUN_CASE(put_many_after_shutdown_is_shutdown);
    RUN_CASE(put_many_of_nothing_is_ok_at_once);
    RUN_CASE(get_many_takes_what_is_there_in_order);
    RUN_CASE(get_many_follows_lifo_and_priority_order);
    RUN_CASE(get_many_of_nothing_is_ok_at_once);
    RUN_CASE(get_many_on_empty_queue_is_empty);
    RUN_CASE(get_many_drains_then_is_shutdown);
    RUN_CASE(blocked_get_many_wakes_on_a_single_put);
    RUN_CASE(blocked_put_many_fills_the_slots_get_many_frees);
    return 0;
}
