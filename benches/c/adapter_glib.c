/* GLib's GAsyncQueue: unbounded only (it has no blocking put), so the
 * bounded scenarios and task_done/join are n/a for it. */
#include <glib.h>

#include "adapter.h"

static void *glib_create(size_t capacity) {
    if (capacity != 0) bench_fail("glib", "GAsyncQueue cannot be bounded");
    return g_async_queue_new();
}

static void glib_destroy(void *q) {
    g_async_queue_unref(q);
}

static void glib_put(void *q, uintptr_t item) {
    g_async_queue_push(q, (gpointer)item);
}

static uintptr_t glib_get(void *q) {
    return (uintptr_t)g_async_queue_pop(q);
}

static bool glib_get_timed(void *q, uintptr_t *item, int64_t timeout_ms) {
    gpointer got = g_async_queue_timeout_pop(q, (guint64)timeout_ms * 1000);
    if (!got) return false;
    *item = (uintptr_t)got;
    return true;
}

const bench_adapter bench_glib = {
    .name = "glib",
    .caps = BENCH_UNBOUNDED | BENCH_MPMC | BENCH_TIMED_GET,
    .create = glib_create,
    .destroy = glib_destroy,
    .put = glib_put,
    .get = glib_get,
    .get_timed = glib_get_timed,
};
