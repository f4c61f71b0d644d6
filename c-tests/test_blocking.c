/*
 * Blocking and timeouts of tq_put/tq_get: nowait, timed and forever waits,
 * wake-ups by the other side, NULL items, and tq_set_maxsize.
 */
#include "check.h"

/* A sentinel that a get must not overwrite when it fails. */
static int untouched;

static void timeout_constants(void) {
    CHECK(TQ_NOWAIT == 0);
    CHECK(TQ_FOREVER == -1);
    CHECK(TQ_FOREVER < 0);
}

static void nowait_put_on_full_queue_is_full(void) {
    tq_queue *q = tq_new(2);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    CHECK(tq_full(q));
    CHECK_STATUS(tq_put(q, item(3), TQ_NOWAIT), TQ_FULL);
    CHECK(tq_qsize(q) == 2);
    CHECK(tq_unfinished(q) == 2);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    void *x = &untouched;
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_EMPTY); /* item 3 was never queued */
    tq_free(q);
}

static void nowait_get_on_empty_queue_is_empty(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    void *x = &untouched;
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_EMPTY);
    CHECK(x == &untouched);
    CHECK(tq_empty(q));
    CHECK(!tq_full(q));
    tq_free(q);
}

static void timed_get_on_empty_queue_waits_then_is_empty(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    void *x = &untouched;
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_get(q, &x, 50), TQ_EMPTY);
    int64_t elapsed = now_ms() - t0;
    CHECK(elapsed >= 50);
    CHECK(elapsed < 2000);
    CHECK(x == &untouched);
    tq_free(q);
}

static void timed_put_on_full_queue_waits_then_is_full(void) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_put(q, item(2), 50), TQ_FULL);
    int64_t elapsed = now_ms() - t0;
    CHECK(elapsed >= 50);
    CHECK(elapsed < 2000);
    CHECK(tq_qsize(q) == 1);
    CHECK(tq_unfinished(q) == 1);
    tq_free(q);
}

/* A put with `timeout_ms` on a full queue blocks until a get makes room. */
static void check_put_waits_for_room(int64_t timeout_ms) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    bg_call put = {.q = q, .item = item(2), .timeout_ms = timeout_ms};
    bg_start(&put, bg_put);
    CHECK(bg_blocked_after(&put, 100));
    CHECK_GET(q, 1);
    CHECK_STATUS(bg_finish(&put), TQ_OK);
    CHECK_GET(q, 2);
    CHECK(tq_unfinished(q) == 2);
    tq_free(q);
}

static void blocked_put_wakes_when_a_get_makes_room(void) { check_put_waits_for_room(TQ_FOREVER); }

static void blocked_get_wakes_when_a_put_arrives(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    bg_call get = {.q = q, .timeout_ms = TQ_FOREVER};
    bg_start(&get, bg_get);
    CHECK(bg_blocked(&get));
    CHECK_STATUS(tq_put(q, item(7), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(bg_finish(&get), TQ_OK);
    CHECK(item_n(get.item) == 7);
    CHECK(tq_empty(q));
    tq_free(q);
}

static void timed_get_returns_the_item_that_arrives_in_time(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    bg_call get = {.q = q, .timeout_ms = 10000};
    bg_start(&get, bg_get);
    CHECK(bg_blocked(&get));
    CHECK_STATUS(tq_put(q, item(8), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(bg_finish(&get), TQ_OK);
    CHECK(item_n(get.item) == 8);
    CHECK(get.elapsed_ms < 5000);
    tq_free(q);
}

static void wakeups_without_room_do_not_end_a_timed_put_early(void) {
    tq_queue *q = tq_new(2);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    bg_call put = {.q = q, .item = item(3), .timeout_ms = 300};
    bg_start(&put, bg_put);
    /* Every tq_set_maxsize wakes the putter, but a bound of 1 or 2 leaves no room. */
    for (size_t i = 0; i < 10; i++) {
        sleep_ms(10);
        CHECK_STATUS(tq_set_maxsize(q, 1 + i % 2), TQ_OK);
    }
    CHECK_STATUS(bg_finish(&put), TQ_FULL);
    CHECK(put.elapsed_ms >= 300);
    CHECK(tq_qsize(q) == 2);
    tq_free(q);
}

static void null_is_a_legal_item(void) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, NULL, TQ_NOWAIT), TQ_OK);
    CHECK(tq_qsize(q) == 1);
    CHECK(tq_full(q));
    void *x = &untouched;
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_OK);
    CHECK(x == NULL);
    CHECK(tq_empty(q));
    tq_free(q);
}

/* Fills a queue of bound 1, blocks a putter on it, calls tq_set_maxsize(new_max). */
static void check_set_maxsize_wakes_putter(size_t new_max) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    bg_call put = {.q = q, .item = item(2), .timeout_ms = TQ_FOREVER};
    bg_start(&put, bg_put);
    CHECK(bg_blocked(&put));
    CHECK_STATUS(tq_set_maxsize(q, new_max), TQ_OK);
    CHECK_STATUS(bg_finish(&put), TQ_OK);
    CHECK(tq_maxsize(q) == new_max);
    CHECK(tq_qsize(q) == 2);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    tq_free(q);
}

static void growing_maxsize_wakes_a_blocked_putter(void) { check_set_maxsize_wakes_putter(2); }

static void unbounding_maxsize_wakes_a_blocked_putter(void) { check_set_maxsize_wakes_putter(0); }

static void shrinking_maxsize_keeps_items_and_is_full(void) {
    tq_queue *q = tq_new(4);
    CHECK(q != NULL);
    for (uintptr_t i = 1; i <= 3; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
    CHECK(!tq_full(q));
    CHECK_STATUS(tq_set_maxsize(q, 1), TQ_OK);
    CHECK(tq_maxsize(q) == 1);
    CHECK(tq_qsize(q) == 3);
    CHECK(tq_full(q));
    CHECK_STATUS(tq_put(q, item(4), TQ_NOWAIT), TQ_FULL);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    CHECK(tq_full(q)); /* one item, bound 1 */
    CHECK_STATUS(tq_put(q, item(4), TQ_NOWAIT), TQ_FULL);
    CHECK_GET(q, 3);
    CHECK(!tq_full(q));
    CHECK_STATUS(tq_put(q, item(4), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 4);
    tq_free(q);
}

/* A get with `timeout_ms` on an empty queue must wait until a put arrives. */
static void check_get_waits_for_a_put(int64_t timeout_ms) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    bg_call get = {.q = q, .timeout_ms = timeout_ms};
    bg_start(&get, bg_get);
    CHECK(bg_blocked_after(&get, 100));
    CHECK_STATUS(tq_put(q, item(9), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(bg_finish(&get), TQ_OK);
    CHECK(item_n(get.item) == 9);
    tq_free(q);
}

static void int64_max_timeout_is_a_long_wait(void) { check_get_waits_for_a_put(INT64_MAX); }

static void any_negative_timeout_is_forever(void) { check_get_waits_for_a_put(INT64_MIN); }

static void int64_max_timeout_put_waits_for_room(void) { check_put_waits_for_room(INT64_MAX); }

int main(void) {
    watchdog(20);
    RUN_CASE(timeout_constants);
    RUN_CASE(nowait_put_on_full_queue_is_full);
    RUN_CASE(nowait_get_on_empty_queue_is_empty);
    RUN_CASE(timed_get_on_empty_queue_waits_then_is_empty);
    RUN_CASE(timed_put_on_full_queue_waits_then_is_full);
    RUN_CASE(blocked_put_wakes_when_a_get_makes_room);
    RUN_CASE(blocked_get_wakes_when_a_put_arrives);
    RUN_CASE(timed_get_returns_the_item_that_arrives_in_time);
    RUN_CASE(wakeups_without_room_do_not_end_a_timed_put_early);
    RUN_CASE(null_is_a_legal_item);
    RUN_CASE(growing_maxsize_wakes_a_blocked_putter);
    RUN_CASE(unbounding_maxsize_wakes_a_blocked_putter);
    RUN_CASE(shrinking_maxsize_keeps_items_and_is_full);
    RUN_CASE(int64_max_timeout_is_a_long_wait);
    RUN_CASE(int64_max_timeout_put_waits_for_room);
    RUN_CASE(any_negative_timeout_is_forever);
    return 0;
}
