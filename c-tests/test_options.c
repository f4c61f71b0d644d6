/*
 * tq_new_with and tq_options: validation of the versioned struct, each
 * order, the bound, and the destroy callback that tq_free runs.
 */
#include "check.h"

_Static_assert(sizeof(tq_order) == sizeof(uint32_t), "tq_order is read as a 32-bit integer");

static const tq_order all_orders[] = {TQ_FIFO, TQ_LIFO, TQ_PRIORITY};

static void null_options_give_null(void) { CHECK(tq_new_with(NULL) == NULL); }

/* tq_create: the same validation, with a status that says why; *q_out is
 * written only on success. */
static void create_says_why_it_failed(void) {
    static char marker;
    tq_queue *const untouched = (tq_queue *)&marker;
    tq_queue *q = untouched;
    tq_options bad = queue_options(TQ_FIFO, 0);
    const uint32_t bad_order = 7;
    memcpy(&bad.order, &bad_order, sizeof bad_order);
    CHECK_STATUS(tq_create(NULL, &q), TQ_INVALID);
    CHECK_STATUS(tq_create(&bad, &q), TQ_INVALID);
    bad = queue_options(TQ_FIFO, 0);
    bad.struct_size = 4;
    CHECK_STATUS(tq_create(&bad, &q), TQ_INVALID);
    tq_options good = queue_options(TQ_PRIORITY, 1);
    CHECK_STATUS(tq_create(&good, NULL), TQ_INVALID);
    CHECK(q == untouched);
    CHECK_STATUS(tq_create(&good, &q), TQ_OK);
    CHECK(q != untouched && q != NULL);
    CHECK_STATUS(tq_put_priority(q, NULL, 3, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, NULL, TQ_NOWAIT), TQ_FULL);
    CHECK(tq_maxsize(q) == 1);
    tq_free(q);
    CHECK(strcmp(tq_status_str(TQ_SYSTEM), "unknown status") != 0);
}

static void too_small_struct_size_is_rejected(void) {
    const uint32_t sizes[] = {0, 4, sizeof(tq_options) - 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        tq_options o = queue_options(TQ_FIFO, 0);
        o.struct_size = sizes[i];
        CHECK(tq_new_with(&o) == NULL);
    }
}

static void bad_order_is_rejected(void) {
    const uint32_t bad[] = {3, 1000, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tq_options o = queue_options(TQ_FIFO, 0);
        memcpy(&o.order, &bad[i], sizeof bad[i]); /* no out-of-range enum value in C */
        CHECK(tq_new_with(&o) == NULL);
    }
}

/* tq_options followed by the 16 bytes a newer header might have added. */
typedef union bigger_options {
    tq_options o;
    unsigned char bytes[sizeof(tq_options) + 16];
} bigger_options;

static bigger_options bigger(void) {
    bigger_options b;
    memset(&b, 0, sizeof b);
    b.o = queue_options(TQ_LIFO, 3);
    b.o.struct_size = sizeof b.bytes;
    return b;
}

static void bigger_struct_with_zero_tail_is_accepted(void) {
    bigger_options b = bigger();
    tq_queue *q = tq_new_with(&b.o);
    CHECK(q != NULL);
    CHECK(tq_maxsize(q) == 3);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 2); /* LIFO, as asked */
    tq_free(q);
}

static void bigger_struct_with_nonzero_tail_is_rejected(void) {
    const size_t at[] = {sizeof(tq_options), sizeof(tq_options) + 7, sizeof(tq_options) + 15};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        bigger_options b = bigger();
        b.bytes[at[i]] = 1;
        CHECK(tq_new_with(&b.o) == NULL);
    }
}

static void each_order_works(void) {
    /* item(1..3) with priorities 2, 3, 1 come out in this order: */
    static const uintptr_t expected[3][3] = {
        [TQ_FIFO] = {1, 2, 3}, [TQ_LIFO] = {3, 2, 1}, [TQ_PRIORITY] = {3, 1, 2}};
    static const int64_t priorities[3] = {2, 3, 1};
    for (size_t i = 0; i < 3; i++) {
        tq_options o = queue_options(all_orders[i], 0);
        tq_queue *q = tq_new_with(&o);
        CHECK(q != NULL);
        for (uintptr_t n = 1; n <= 3; n++) {
            tq_status st = all_orders[i] == TQ_PRIORITY
                               ? tq_put_priority(q, item(n), priorities[n - 1], TQ_NOWAIT)
                               : tq_put(q, item(n), TQ_NOWAIT);
            CHECK_STATUS(st, TQ_OK);
        }
        for (size_t k = 0; k < 3; k++) CHECK_GET(q, expected[all_orders[i]][k]);
        tq_free(q);
    }
}

static void maxsize_is_honoured(void) {
    tq_options o = queue_options(TQ_PRIORITY, 2);
    tq_queue *q = tq_new_with(&o);
    CHECK(q != NULL);
    CHECK(tq_maxsize(q) == 2);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(2), -5, TQ_NOWAIT), TQ_OK);
    CHECK(tq_full(q));
    CHECK_STATUS(tq_put_priority(q, item(3), -9, TQ_NOWAIT), TQ_FULL);
    CHECK(tq_qsize(q) == 2);
    tq_free(q);

    o = queue_options(TQ_FIFO, 0);
    q = tq_new_with(&o);
    CHECK(q != NULL);
    CHECK(tq_maxsize(q) == 0);
    for (uintptr_t i = 1; i <= 100; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
    CHECK(!tq_full(q));
    tq_free(q);
}

static void free_destroys_each_queued_item_once(void) {
    for (size_t i = 0; i < 3; i++) {
        destroy_log log = {0};
        tq_queue *q = new_queue(all_orders[i], 0, &log);
        for (uintptr_t n = 1; n <= 6; n++) CHECK_STATUS(tq_put(q, item(n), TQ_NOWAIT), TQ_OK);
        void *got = NULL;
        CHECK_STATUS(tq_get(q, &got, TQ_NOWAIT), TQ_OK);
        CHECK(log.count == 0);
        tq_free(q);
        CHECK(log.count == 5);
        CHECK(destroy_log_times(&log, got) == 0); /* handed out: the caller's */
        for (uintptr_t n = 1; n <= 6; n++) {
            if (item(n) != got) CHECK(destroy_log_times(&log, item(n)) == 1);
        }
    }
}

static void free_of_a_drained_queue_destroys_nothing(void) {
    destroy_log log = {0};
    tq_queue *q = new_queue(TQ_FIFO, 0, &log);
    for (uintptr_t n = 1; n <= 3; n++) CHECK_STATUS(tq_put(q, item(n), TQ_NOWAIT), TQ_OK);
    void *out[3];
    size_t n_got = 0;
    CHECK_STATUS(tq_get_many(q, out, 3, &n_got, TQ_NOWAIT), TQ_OK);
    CHECK(n_got == 3);
    tq_free(q);
    CHECK(log.count == 0);
}

static void free_destroys_a_null_item_too(void) {
    destroy_log log = {0};
    tq_queue *q = new_queue(TQ_FIFO, 0, &log);
    CHECK_STATUS(tq_put(q, NULL, TQ_NOWAIT), TQ_OK);
    tq_free(q);
    CHECK(log.count == 1);
    CHECK(log.items[0] == NULL);
}

/* The ctx every call of check_ctx must see; never dereferenced. */
static char expected_ctx_target;
static void *expected_ctx;
static size_t ctx_calls, ctx_mismatches;

static void check_ctx(void *dropped, void *ctx) {
    (void)dropped;
    ctx_calls++;
    if (ctx != expected_ctx) ctx_mismatches++;
}

/* Frees a queue holding 3 items whose destroy is check_ctx with `ctx`. */
static void check_ctx_passed_through(void *ctx) {
    tq_options o = queue_options(TQ_FIFO, 0);
    o.destroy = check_ctx;
    o.destroy_ctx = ctx;
    expected_ctx = ctx;
    ctx_calls = ctx_mismatches = 0;
    tq_queue *q = tq_new_with(&o);
    CHECK(q != NULL);
    for (uintptr_t n = 1; n <= 3; n++) CHECK_STATUS(tq_put(q, item(n), TQ_NOWAIT), TQ_OK);
    tq_free(q);
    CHECK(ctx_calls == 3);
    CHECK(ctx_mismatches == 0);
}

static void destroy_ctx_is_passed_through(void) {
    check_ctx_passed_through(&expected_ctx_target);
    check_ctx_passed_through(NULL);
}

static void free_without_destroy_is_fine(void) {
    tq_options o = queue_options(TQ_PRIORITY, 0);
    tq_queue *q = tq_new_with(&o);
    CHECK(q != NULL);
    for (uintptr_t n = 1; n <= 10; n++) CHECK_STATUS(tq_put(q, item(n), TQ_NOWAIT), TQ_OK);
    tq_free(q);
}

int main(void) {
    watchdog(20);
    RUN_CASE(null_options_give_null);
    RUN_CASE(create_says_why_it_failed);
    RUN_CASE(too_small_struct_size_is_rejected);
    RUN_CASE(bad_order_is_rejected);
    RUN_CASE(bigger_struct_with_zero_tail_is_accepted);
    RUN_CASE(bigger_struct_with_nonzero_tail_is_rejected);
    RUN_CASE(each_order_works);
    RUN_CASE(maxsize_is_honoured);
    RUN_CASE(free_destroys_each_queued_item_once);
    RUN_CASE(free_of_a_drained_queue_destroys_nothing);
    RUN_CASE(free_destroys_a_null_item_too);
    RUN_CASE(destroy_ctx_is_passed_through);
    RUN_CASE(free_without_destroy_is_fine);
    return 0;
}
