/*
 * test_stress: the short MPMC stress matrix ctest runs (a few seconds):
 * producers x consumers including oversubscribed 8x8, capacities 1, 2, 1024
 * and unbounded, each shutdown mode, and each order, ~2.1M items in all.
 * See stress.h for what every run checks; c-tests/stress.c runs one
 * configuration at any size (the long variant).
 */
#include "stress.h"

int main(void)
{
    static const struct { unsigned p, c; size_t cap; uint64_t items; enum stress_shutdown sd; tq_order order; } runs[] = {
        {1, 1, 1, 100000, STRESS_NONE, TQ_FIFO},
        {2, 2, 1, 100000, STRESS_NONE, TQ_FIFO},
        {4, 1, 2, 100000, STRESS_NONE, TQ_FIFO},
        {1, 4, 2, 100000, STRESS_DRAIN, TQ_FIFO},
        {8, 8, 1, 100000, STRESS_IMMEDIATE, TQ_FIFO},
        {4, 2, 2, 100000, STRESS_NONE, TQ_LIFO},
        {4, 4, 16, 100000, STRESS_IMMEDIATE, TQ_PRIORITY},
        {4, 4, 1024, 300000, STRESS_NONE, TQ_FIFO},
        {8, 8, 1024, 300000, STRESS_DRAIN, TQ_FIFO},
        {6, 2, 1024, 300000, STRESS_IMMEDIATE, TQ_FIFO},
        {8, 8, 0, 300000, STRESS_NONE, TQ_FIFO},
        {3, 5, 0, 200000, STRESS_IMMEDIATE, TQ_FIFO},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct stress_config cfg = {
            .producers = runs[i].p,
            .consumers = runs[i].c,
            .capacity = runs[i].cap,
            .items = runs[i].items,
            .shutdown = runs[i].sd,
            .order = runs[i].order,
            .watchdog = 60,
            .seed = i + 1,
        };
        failed |= stress_run(&cfg);
    }
    puts(failed ? "test_stress: FAIL" : "test_stress: all runs passed");
    return failed;
}
