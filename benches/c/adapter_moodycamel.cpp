// moodycamel::BlockingConcurrentQueue: a lock-free MPMC queue with a
// semaphore for blocking gets. It has no blocking put, so it is unbounded
// here (bounded scenarios: n/a). Used through its plain API (implicit
// producer tokens), as most callers use it.
#include <blockingconcurrentqueue.h>

#include "adapter.h"

using mc_queue = moodycamel::BlockingConcurrentQueue<uintptr_t>;

static void *mc_create(size_t capacity) {
    if (capacity != 0) bench_fail("moodycamel", "BlockingConcurrentQueue has no blocking put");
    return new mc_queue();
}

static void mc_destroy(void *q) {
    delete static_cast<mc_queue *>(q);
}

static void mc_put(void *q, uintptr_t item) {
    if (!static_cast<mc_queue *>(q)->enqueue(item)) bench_fail("moodycamel", "enqueue failed");
}

static uintptr_t mc_get(void *q) {
    uintptr_t item;
    static_cast<mc_queue *>(q)->wait_dequeue(item);
    return item;
}

static bool mc_get_timed(void *q, uintptr_t *item, int64_t timeout_ms) {
    return static_cast<mc_queue *>(q)->wait_dequeue_timed(*item, timeout_ms * 1000);
}

extern "C" const bench_adapter bench_moodycamel = {
    "moodycamel",
    BENCH_UNBOUNDED | BENCH_MPMC | BENCH_TIMED_GET,
    mc_create,
    mc_destroy,
    mc_put,
    mc_get,
    mc_get_timed,
    nullptr,
    nullptr,
};
