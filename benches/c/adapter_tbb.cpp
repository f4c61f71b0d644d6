// oneTBB's concurrent_bounded_queue: blocking push (when a capacity is set)
// and pop, MPMC. It has no timed pop and no task_done/join: those are n/a.
#include <tbb/concurrent_queue.h>

#include "adapter.h"

using tbb_queue = tbb::concurrent_bounded_queue<uintptr_t>;

static void *tbb_create(size_t capacity) {
    auto *q = new tbb_queue();
    if (capacity != 0) q->set_capacity(static_cast<std::ptrdiff_t>(capacity));
    return q;
}

static void tbb_destroy(void *q) {
    delete static_cast<tbb_queue *>(q);
}

static void tbb_put(void *q, uintptr_t item) {
    static_cast<tbb_queue *>(q)->push(item);
}

static uintptr_t tbb_get(void *q) {
    uintptr_t item = 0;
    static_cast<tbb_queue *>(q)->pop(item);
    return item;
}

extern "C" const bench_adapter bench_tbb = {
    "tbb",
    BENCH_UNBOUNDED | BENCH_BOUNDED | BENCH_MPMC,
    tbb_create,
    tbb_destroy,
    tbb_put,
    tbb_get,
    nullptr,
    nullptr,
    nullptr,
};
