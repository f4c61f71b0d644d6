/* tq through its C ABI, exactly as a C user calls it. */
#include <tq.h>

#include "adapter.h"

static void check(tq_status s) {
    if (s != TQ_OK) bench_fail("tq", tq_status_str(s));
}

static void *tq_adapter_create(size_t capacity) {
    tq_queue *q = tq_new(capacity);
    if (!q) bench_fail("tq", "tq_new returned NULL");
    return q;
}

static void tq_adapter_destroy(void *q) {
    tq_free(q);
}

static void tq_adapter_put(void *q, uintptr_t item) {
    check(tq_put(q, (void *)item, TQ_FOREVER));
}

static uintptr_t tq_adapter_get(void *q) {
    void *item;
    check(tq_get(q, &item, TQ_FOREVER));
    return (uintptr_t)item;
}

static bool tq_adapter_get_timed(void *q, uintptr_t *item, int64_t timeout_ms) {
    void *got;
    tq_status s = tq_get(q, &got, timeout_ms);
    if (s == TQ_EMPTY) return false;
    check(s);
    *item = (uintptr_t)got;
    return true;
}

static void tq_adapter_task_done(void *q) {
    check(tq_task_done(q));
}

static void tq_adapter_join(void *q) {
    check(tq_join(q, TQ_FOREVER));
}

const bench_adapter bench_tq = {
    .name = "tq",
    .caps = BENCH_UNBOUNDED | BENCH_BOUNDED | BENCH_MPMC | BENCH_TASK_DONE | BENCH_TIMED_GET,
    .create = tq_adapter_create,
    .destroy = tq_adapter_destroy,
    .put = tq_adapter_put,
    .get = tq_adapter_get,
    .get_timed = tq_adapter_get_timed,
    .task_done = tq_adapter_task_done,
    .join = tq_adapter_join,
};
