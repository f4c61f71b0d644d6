#include "overshoot.h"

#include <stdlib.h>
#include <time.h>

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The value at quantile q (0..1) of sorted v[0..n), nearest rank. */
static double quantile(const double *v, size_t n, double q) {
    size_t rank = (size_t)(q * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return v[rank - 1];
}

overshoot_stats overshoot_measure(const bench_adapter *a, int64_t timeout_ms, size_t samples) {
    void *q = a->create((a->caps & BENCH_UNBOUNDED) ? 0 : 1);
    double *late = malloc(samples * sizeof *late);
    if (!late) bench_fail(a->name, "out of memory");
    for (size_t i = 0; i < samples; i++) {
        uintptr_t item;
        int64_t t0 = now_ns();
        if (a->get_timed(q, &item, timeout_ms)) bench_fail(a->name, "got an item from an empty queue");
        late[i] = (double)(now_ns() - t0 - timeout_ms * 1000000) / 1000.0;
    }
    a->destroy(q);
    qsort(late, samples, sizeof *late, cmp_double);
    overshoot_stats s = {late[0], quantile(late, samples, 0.50), quantile(late, samples, 0.99)};
    free(late);
    return s;
}
