/*
 * The small interface every queue under test implements (one adapter file
 * per queue), so that one driver runs the same scenarios on all of them.
 *
 * Items are non-zero uintptr_t values (GAsyncQueue rejects NULL); the
 * driver's stop signal is BENCH_PILL. Every call blocks without a time
 * limit except get_timed; an adapter whose queue reports an unexpected
 * error prints it and exits (bench_fail), so a broken run never looks fast.
 */
#ifndef TQ_BENCH_ADAPTER_H
#define TQ_BENCH_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The item that tells a consumer to stop; never a real item. */
#define BENCH_PILL UINTPTR_MAX

/* What a queue can do; a scenario needing more is reported "n/a". */
enum bench_caps {
    BENCH_UNBOUNDED = 1 << 0, /* create(0) gives an unbounded queue         */
    BENCH_BOUNDED = 1 << 1,   /* create(n > 0) gives a queue that blocks put */
    BENCH_MPMC = 1 << 2,      /* several producers and consumers at once     */
    BENCH_TASK_DONE = 1 << 3, /* task_done and join are implemented          */
    BENCH_TIMED_GET = 1 << 4, /* get_timed is implemented                    */
};

/* One queue implementation under test. Optional functions are NULL when the
 * matching capability bit is clear. */
typedef struct bench_adapter {
    const char *name; /* short, CSV-safe */
    unsigned caps;    /* enum bench_caps bits */
    /* capacity 0 = unbounded; never returns NULL (exits on failure). */
    void *(*create)(size_t capacity);
    void (*destroy)(void *q);
    void (*put)(void *q, uintptr_t item);
    uintptr_t (*get)(void *q);
    /* true with *item set, or false when timeout_ms passed with no item. */
    bool (*get_timed)(void *q, uintptr_t *item, int64_t timeout_ms);
    void (*task_done)(void *q);
    void (*join)(void *q);
} bench_adapter;

/* Prints "adapter NAME: WHAT" on stderr and exits with status 2. */
void bench_fail(const char *name, const char *what);

/* The adapters; the build defines TQ_BENCH_HAVE_<PEER> for each peer found. */
extern const bench_adapter bench_ring;
extern const bench_adapter bench_tq;
extern const bench_adapter bench_glib;
extern const bench_adapter bench_moodycamel;
extern const bench_adapter bench_moodycamel_rwcb;
extern const bench_adapter bench_tbb;
/* The Rust channels, defined in adapter_rust.rs. */
extern const bench_adapter bench_crossbeam;
extern const bench_adapter bench_flume;
extern const bench_adapter bench_kanal;
extern const bench_adapter bench_std_mpsc;

#ifdef __cplusplus
}
#endif

#endif
