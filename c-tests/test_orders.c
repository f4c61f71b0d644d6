/*
 * The three orders: FIFO (Queue), LIFO (LifoQueue) and PRIORITY (a stable
 * PriorityQueue), checked against simple models; and that every order keeps
 * the bound, the timeouts and the task accounting.
 */
#include "check.h"

#define N_STABLE 12000

static const tq_order all_orders[] = {TQ_FIFO, TQ_LIFO, TQ_PRIORITY};

static void fifo_order_with_interleaved_puts_and_gets(void) {
    tq_queue *q = new_queue(TQ_FIFO, 0, NULL);
    for (uintptr_t i = 1; i <= 3; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 1);
    CHECK_STATUS(tq_put(q, item(4), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 2);
    CHECK_GET(q, 3);
    CHECK_STATUS(tq_put(q, item(5), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 4);
    CHECK_GET(q, 5);
    CHECK(tq_empty(q));
    tq_free(q);
}

static void lifo_order_with_interleaved_puts_and_gets(void) {
    tq_queue *q = new_queue(TQ_LIFO, 0, NULL);
    for (uintptr_t i = 1; i <= 3; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 3);
    CHECK_STATUS(tq_put(q, item(4), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 4);
    CHECK_GET(q, 2);
    CHECK_STATUS(tq_put(q, item(5), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 5);
    CHECK_GET(q, 1);
    CHECK(tq_empty(q));
    tq_free(q);
}

static void priority_order_with_interleaved_puts_and_gets(void) {
    tq_queue *q = new_queue(TQ_PRIORITY, 0, NULL);
    CHECK_STATUS(tq_put_priority(q, item(1), 5, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(2), 1, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(3), 3, TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 2);
    CHECK_STATUS(tq_put_priority(q, item(4), 2, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(5), 9, TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 4);
    CHECK_GET(q, 3);
    CHECK_STATUS(tq_put_priority(q, item(6), 0, TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 6);
    CHECK_GET(q, 1);
    CHECK_GET(q, 5);
    CHECK(tq_empty(q));
    tq_free(q);
}

static void put_priority_on_fifo_or_lifo_is_invalid(void) {
    const tq_order plain[] = {TQ_FIFO, TQ_LIFO};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        tq_queue *q = new_queue(plain[i], 1, NULL);
        CHECK_STATUS(tq_put_priority(q, item(1), 0, TQ_NOWAIT), TQ_INVALID);
        CHECK_STATUS(tq_put_priority(q, item(1), 0, TQ_FOREVER), TQ_INVALID);
        CHECK(tq_qsize(q) == 0);
        CHECK(tq_unfinished(q) == 0);
        tq_free(q);
    }
}

static void plain_put_on_a_priority_queue_is_priority_zero(void) {
    tq_queue *q = new_queue(TQ_PRIORITY, 0, NULL);
    CHECK_STATUS(tq_put_priority(q, item(1), 1, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(3), -1, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(4), 0, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(5), TQ_NOWAIT), TQ_OK);
    CHECK_GET(q, 3);
    CHECK_GET(q, 2); /* priority 0, in put order */
    CHECK_GET(q, 4);
    CHECK_GET(q, 5);
    CHECK_GET(q, 1);
    tq_free(q);
}

static void extreme_priorities_order_correctly(void) {
    tq_queue *q = new_queue(TQ_PRIORITY, 0, NULL);
    CHECK_STATUS(tq_put_priority(q, item(1), INT64_MAX, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(2), INT64_MIN, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(3), 0, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(4), INT64_MAX, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(5), -1, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(6), INT64_MIN, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(7), INT64_MIN + 1, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put_priority(q, item(8), INT64_MAX - 1, TQ_NOWAIT), TQ_OK);
    static const uintptr_t expected[] = {2, 6, 7, 5, 3, 8, 1, 4};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) CHECK_GET(q, expected[i]);
    CHECK(tq_empty(q));
    tq_free(q);
}

/* A fixed-seed xorshift64 generator, so every run sees the same sequence. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng_next(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A priority in [-8, 7]: a small range, so that equal priorities abound. */
static int64_t rng_priority(void) { return (int64_t)(rng_next() % 16) - 8; }

/* One put of the model: its priority and its put sequence number (1-based). */
typedef struct entry {
    int64_t priority;
    uintptr_t seq;
} entry;

static int entry_cmp(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void equal_priorities_come_out_in_put_order(void) {
    static entry model[N_STABLE];
    tq_queue *q = new_queue(TQ_PRIORITY, 0, NULL);
    for (uintptr_t i = 0; i < N_STABLE; i++) {
        model[i] = (entry){.priority = rng_priority(), .seq = i + 1};
        CHECK_STATUS(tq_put_priority(q, item(model[i].seq), model[i].priority, TQ_NOWAIT), TQ_OK);
    }
    qsort(model, N_STABLE, sizeof model[0], entry_cmp); /* (priority, seq): a stable sort */
    for (size_t i = 0; i < N_STABLE; i++) CHECK_GET(q, model[i].seq);
    CHECK(tq_empty(q));
    tq_free(q);
}

/* Inserts `e` into the sorted model[0..n] after every entry that sorts before it. */
static void model_insert(entry *model, size_t n, entry e) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (entry_cmp(&model[mid], &e) < 0) lo = mid + 1;
        else hi = mid;
    }
    memmove(&model[lo + 1], &model[lo], (n - lo) * sizeof model[0]);
    model[lo] = e;
}

static void interleaved_priorities_match_a_sorted_model(void) {
    static entry model[N_STABLE];
    size_t head = 0, len = 0; /* the model's live entries are model[head..head+len] */
    uintptr_t seq = 0;
    tq_queue *q = new_queue(TQ_PRIORITY, 0, NULL);
    while (seq < N_STABLE) {
        if (len > 0 && rng_next() % 3 == 0) {
            CHECK_GET(q, model[head].seq);
            head++;
            len--;
        } else {
            entry e = {.priority = rng_priority(), .seq = ++seq};
            CHECK_STATUS(tq_put_priority(q, item(e.seq), e.priority, TQ_NOWAIT), TQ_OK);
            memmove(model, &model[head], len * sizeof model[0]);
            head = 0;
            model_insert(model, len++, e);
        }
        CHECK(tq_qsize(q) == len);
    }
    for (; len > 0; head++, len--) CHECK_GET(q, model[head].seq);
    CHECK(tq_empty(q));
    tq_free(q);
}

/* Puts item(n) the plain way, or with priority n on a priority queue. */
static tq_status put_in(tq_queue *q, tq_order order, uintptr_t n, int64_t timeout_ms) {
    if (order == TQ_PRIORITY) return tq_put_priority(q, item(n), (int64_t)n, timeout_ms);
    return tq_put(q, item(n), timeout_ms);
}

static void every_order_honours_the_bound_and_timeouts(void) {
    for (size_t i = 0; i < sizeof all_orders / sizeof all_orders[0]; i++) {
        tq_order order = all_orders[i];
        tq_queue *q = new_queue(order, 2, NULL);
        CHECK(tq_maxsize(q) == 2);
        CHECK_STATUS(put_in(q, order, 1, TQ_NOWAIT), TQ_OK);
        CHECK_STATUS(put_in(q, order, 2, TQ_NOWAIT), TQ_OK);
        CHECK(tq_full(q));
        CHECK_STATUS(put_in(q, order, 3, TQ_NOWAIT), TQ_FULL);
        int64_t t0 = now_ms();
        CHECK_STATUS(put_in(q, order, 3, 30), TQ_FULL);
        CHECK(now_ms() - t0 >= 30);
        CHECK(tq_qsize(q) == 2);

        bg_call put = {.q = q, .item = item(3), .timeout_ms = TQ_FOREVER};
        bg_start(&put, bg_put);
        CHECK(bg_blocked(&put));
        void *x = NULL;
        CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_OK);
        CHECK_STATUS(bg_finish(&put), TQ_OK);
        for (int k = 0; k < 2; k++) CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_OK);

        t0 = now_ms();
        CHECK_STATUS(tq_get(q, &x, 30), TQ_EMPTY);
        CHECK(now_ms() - t0 >= 30);
        CHECK(tq_unfinished(q) == 3);
        CHECK_STATUS(tq_join(q, 30), TQ_TIMEOUT);
        CHECK_STATUS(tq_task_done_n(q, 3), TQ_OK);
        CHECK_STATUS(tq_task_done(q), TQ_TOO_MANY_DONE);
        CHECK_STATUS(tq_join(q, TQ_NOWAIT), TQ_OK);
        tq_free(q);
    }
}

int main(void) {
    watchdog(30);
    RUN_CASE(fifo_order_with_interleaved_puts_and_gets);
    RUN_CASE(lifo_order_with_interleaved_puts_and_gets);
    RUN_CASE(priority_order_with_interleaved_puts_and_gets);
    RUN_CASE(put_priority_on_fifo_or_lifo_is_invalid);
    RUN_CASE(plain_put_on_a_priority_queue_is_priority_zero);
    RUN_CASE(extreme_priorities_order_correctly);
    RUN_CASE(equal_priorities_come_out_in_put_order);
    RUN_CASE(interleaved_priorities_match_a_sorted_model);
    RUN_CASE(every_order_honours_the_bound_and_timeouts);
    return 0;
}
