/* How late a timed get on an empty queue returns. */
#ifndef TQ_BENCH_OVERSHOOT_H
#define TQ_BENCH_OVERSHOOT_H

#include <stddef.h>
#include <stdint.h>

#include "adapter.h"

/* Overshoot statistics in microseconds (elapsed minus the timeout). A
 * negative min means a wait returned before its timeout. */
typedef struct overshoot_stats {
    double min_us, p50_us, p99_us;
} overshoot_stats;

/* Times `samples` calls of a->get_timed(timeout_ms) on an empty queue. */
overshoot_stats overshoot_measure(const bench_adapter *a, int64_t timeout_ms, size_t samples);

#endif
