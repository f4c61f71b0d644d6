/*
 * Bad arguments at the C boundary: a NULL handle on every function of tq.h,
 * NULL out-pointers, out-of-range statuses; and the version strings.
 */
#include "check.h"

#include <limits.h>

static void null_handle_is_invalid_everywhere(void) {
    void *x = item(1);
    void *items[1] = {item(1)};
    size_t n = 99;
    CHECK_STATUS(tq_put(NULL, item(1), TQ_FOREVER), TQ_INVALID);
    CHECK_STATUS(tq_put_priority(NULL, item(1), 0, TQ_FOREVER), TQ_INVALID);
    CHECK_STATUS(tq_get(NULL, &x, TQ_FOREVER), TQ_INVALID);
    CHECK(x == item(1));
    CHECK_STATUS(tq_put_many(NULL, items, 1, &n, TQ_FOREVER), TQ_INVALID);
    CHECK(n == 0);
    n = 99;
    CHECK_STATUS(tq_get_many(NULL, items, 1, &n, TQ_FOREVER), TQ_INVALID);
    CHECK(n == 0);
    CHECK(items[0] == item(1));
    CHECK_STATUS(tq_task_done(NULL), TQ_INVALID);
    CHECK_STATUS(tq_task_done_n(NULL, 1), TQ_INVALID);
    CHECK_STATUS(tq_task_done_n(NULL, 0), TQ_INVALID);
    CHECK_STATUS(tq_join(NULL, TQ_FOREVER), TQ_INVALID);
    CHECK_STATUS(tq_shutdown(NULL, false), TQ_INVALID);
    CHECK_STATUS(tq_shutdown(NULL, true), TQ_INVALID);
    CHECK_STATUS(tq_set_maxsize(NULL, 3), TQ_INVALID);
}

static void null_handle_queries_are_zero_or_false(void) {
    CHECK(tq_qsize(NULL) == 0);
    CHECK(!tq_empty(NULL));
    CHECK(!tq_full(NULL));
    CHECK(tq_maxsize(NULL) == 0);
    CHECK(tq_unfinished(NULL) == 0);
    CHECK(!tq_is_shutdown(NULL));
}

static void null_handle_lifecycle_calls_are_harmless(void) {
    tq_free(NULL);
    CHECK(tq_new_with(NULL) == NULL);
}

/* A queue holding item(1) and item(2), used to see that a bad call removed nothing. */
static tq_queue *queue_of_two(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    return q;
}

/* Checks `q` still holds exactly item(1), item(2), both unfinished, and frees it. */
static void check_untouched_and_free(tq_queue *q) {
    CHECK(tq_qsize(q) == 2);
    CHECK(tq_unfinished(q) == 2);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    tq_free(q);
}

static void get_into_null_is_invalid_and_removes_nothing(void) {
    tq_queue *q = queue_of_two();
    CHECK_STATUS(tq_get(q, NULL, TQ_NOWAIT), TQ_INVALID);
    CHECK_STATUS(tq_get(q, NULL, TQ_FOREVER), TQ_INVALID);
    check_untouched_and_free(q);

    q = tq_new(0); /* empty: must not wait before saying invalid */
    CHECK(q != NULL);
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_get(q, NULL, 5000), TQ_INVALID);
    CHECK(now_ms() - t0 < 2000);
    tq_free(q);
}

static void put_many_with_null_pointers_is_invalid(void) {
    tq_queue *q = queue_of_two();
    void *items[2] = {item(3), item(4)};
    size_t n = 99;
    CHECK_STATUS(tq_put_many(q, NULL, 2, &n, TQ_NOWAIT), TQ_INVALID);
    CHECK(n == 0);
    n = 99;
    CHECK_STATUS(tq_put_many(q, NULL, 0, &n, TQ_NOWAIT), TQ_INVALID);
    CHECK(n == 0);
    CHECK_STATUS(tq_put_many(q, items, 2, NULL, TQ_NOWAIT), TQ_INVALID);
    CHECK_STATUS(tq_put_many(q, NULL, 2, NULL, TQ_NOWAIT), TQ_INVALID);
    check_untouched_and_free(q);
}

static void get_many_with_null_pointers_is_invalid(void) {
    tq_queue *q = queue_of_two();
    void *out[2] = {NULL, NULL};
    size_t n = 99;
    CHECK_STATUS(tq_get_many(q, NULL, 2, &n, TQ_NOWAIT), TQ_INVALID);
    CHECK(n == 0);
    n = 99;
    CHECK_STATUS(tq_get_many(q, NULL, 0, &n, TQ_NOWAIT), TQ_INVALID);
    CHECK(n == 0);
    CHECK_STATUS(tq_get_many(q, out, 2, NULL, TQ_NOWAIT), TQ_INVALID);
    CHECK(out[0] == NULL && out[1] == NULL);
    CHECK_STATUS(tq_get_many(q, NULL, 2, NULL, TQ_NOWAIT), TQ_INVALID);
    check_untouched_and_free(q);
}

/* The status values of tq.h, in order. */
static const tq_status all_statuses[] = {
    TQ_OK,      TQ_FULL,          TQ_EMPTY,  TQ_SHUTDOWN, TQ_TIMEOUT,
    TQ_INVALID, TQ_TOO_MANY_DONE, TQ_NOMEM,  TQ_INTERNAL, TQ_SYSTEM,
};

static void status_values_are_the_contract(void) {
    for (int i = 0; i < (int)(sizeof all_statuses / sizeof all_statuses[0]); i++) {
        CHECK((int)all_statuses[i] == i);
    }
    CHECK(TQ_FIFO == 0 && TQ_LIFO == 1 && TQ_PRIORITY == 2);
}

static void every_status_has_its_own_text(void) {
    size_t n = sizeof all_statuses / sizeof all_statuses[0];
    for (size_t i = 0; i < n; i++) {
        const char *text = tq_status_str(all_statuses[i]);
        CHECK(text != NULL);
        CHECK(text[0] != '\0');
        CHECK(strcmp(text, "unknown status") != 0);
        for (size_t j = 0; j < i; j++) CHECK(strcmp(text, tq_status_str(all_statuses[j])) != 0);
    }
}

static void unknown_statuses_are_unknown(void) {
    /* enum conversions of out-of-range ints are implementation-defined, not UB */
    const int bogus[] = {-1, 10, 1000, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
        const char *text = tq_status_str((tq_status)bogus[i]);
        CHECK(text != NULL);
        CHECK(strcmp(text, "unknown status") == 0);
    }
}

static void version_matches_the_header(void) {
    const char *v = tq_version();
    CHECK(v != NULL);
    CHECK(strcmp(v, TQ_VERSION) == 0);
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", TQ_VERSION_MAJOR, TQ_VERSION_MINOR,
             TQ_VERSION_PATCH);
    CHECK(strcmp(v, expected) == 0);
}

int main(void) {
    watchdog(20);
    RUN_CASE(null_handle_is_invalid_everywhere);
    RUN_CASE(null_handle_queries_are_zero_or_false);
    RUN_CASE(null_handle_lifecycle_calls_are_harmless);
    RUN_CASE(get_into_null_is_invalid_and_removes_nothing);
    RUN_CASE(put_many_with_null_pointers_is_invalid);
    RUN_CASE(get_many_with_null_pointers_is_invalid);
    RUN_CASE(status_values_are_the_contract);
    RUN_CASE(every_status_has_its_own_text);
    RUN_CASE(unknown_statuses_are_unknown);
    RUN_CASE(version_matches_the_header);
    return 0;
}
