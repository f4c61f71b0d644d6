// moodycamel::BlockingReaderWriterCircularBuffer: a bounded lock-free
// single-producer single-consumer ring with blocking put and get. It is the
// only bounded blocking moodycamel queue, so it runs the bounded SPSC
// scenarios; anything with several producers or consumers, or unbounded, is
// n/a. Its capacity is rounded up to a power of two (1 and 1024 already are).
#include <readerwritercircularbuffer.h>

#include "adapter.h"

using rwcb = moodycamel::BlockingReaderWriterCircularBuffer<uintptr_t>;

static void *rwcb_create(size_t capacity) {
    if (capacity == 0) bench_fail("moodycamel_rwcb", "the circular buffer is always bounded");
    return new rwcb(capacity);
}

static void rwcb_destroy(void *q) {
    delete static_cast<rwcb *>(q);
}

static void rwcb_put(void *q, uintptr_t item) {
    static_cast<rwcb *>(q)->wait_enqueue(item);
}

static uintptr_t rwcb_get(void *q) {
    uintptr_t item;
    static_cast<rwcb *>(q)->wait_dequeue(item);
    return item;
}

static bool rwcb_get_timed(void *q, uintptr_t *item, int64_t timeout_ms) {
    return static_cast<rwcb *>(q)->wait_dequeue_timed(*item, timeout_ms * 1000);
}

extern "C" const bench_adapter bench_moodycamel_rwcb = {
    "moodycamel_rwcb",
    BENCH_BOUNDED | BENCH_TIMED_GET,
    rwcb_create,
    rwcb_destroy,
    rwcb_put,
    rwcb_get,
    rwcb_get_timed,
    nullptr,
    nullptr,
};
