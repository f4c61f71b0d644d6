/* The scenarios the C bench runs, each on any adapter that can do it. */
#ifndef TQ_BENCH_SCENARIOS_H
#define TQ_BENCH_SCENARIOS_H

#include <stddef.h>

#include "adapter.h"

/* How a scenario moves its items. */
typedef enum scenario_kind {
    SCENARIO_STREAM,    /* producers put, consumers get, as fast as they can */
    SCENARIO_PINGPONG,  /* one item bounces between two threads over two queues */
    SCENARIO_TASK_DONE, /* a producer puts a batch and joins; the consumer task_done()s */
} scenario_kind;

/* Where the threads of a run go. A hand-off or ping-pong run is fast or slow
 * depending on whether its two threads share a CPU, which the scheduler
 * decides anew each run; pinned, each run measures one of the two cases. */
typedef enum scenario_pinning {
    PIN_FREE,     /* wherever the scheduler puts them */
    PIN_SAME_CPU, /* all on the first CPU the process may use */
    PIN_TWO_CPUS, /* alternately on the first two (producers/pinger first) */
} scenario_pinning;

/* One scenario; `items` is the default count per run (round trips for ping-pong). */
typedef struct scenario {
    const char *name;
    scenario_kind kind;
    int producers, consumers;
    size_t capacity; /* 0 = unbounded */
    size_t items;
    scenario_pinning pinning;
} scenario;

/* Items a SCENARIO_TASK_DONE producer puts between two joins. */
#define TASK_DONE_BATCH 256

extern const scenario scenarios[];
extern const size_t scenario_count;

/* The adapter capabilities (enum bench_caps) scenario `s` needs. */
unsigned scenario_needs(const scenario *s);

/* Whether this machine can run `s`: PIN_TWO_CPUS needs two usable CPUs. */
int scenario_possible(const scenario *s);

/* Runs `s` once on a fresh queue of `a` with `items` items (rounded to a
 * multiple of the producer count) and returns the seconds it took, thread
 * start-up excluded. Every consumer checksums what it got; a wrong count or
 * sum prints the difference and exits with status 1. `*items_done` is the
 * count actually moved. */
double scenario_run(const scenario *s, const bench_adapter *a, size_t items, size_t *items_done);

#endif
