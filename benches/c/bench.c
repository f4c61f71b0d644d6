/*
 * tq_bench: runs every scenario on every queue adapter compiled in and
 * prints one CSV-like line per result on stdout (progress goes to stderr):
 *
 *   run,SCENARIO,QUEUE,REPEAT,ITEMS,SECONDS     one timed run
 *   na,SCENARIO,QUEUE                           the queue cannot do it
 *   overshoot,QUEUE,TIMEOUT_MS,SAMPLES,MIN_US,P50_US,P99_US
 *
 * Repeats are interleaved (repeat 1 of every queue, then repeat 2, ...) in
 * a rotating order, after one untimed warm-up run per queue, so that a
 * burst of machine noise does not land on one queue only. A wrong checksum
 * exits with status 1; a queue error with status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "overshoot.h"
#include "scenarios.h"

static const bench_adapter *const adapters[] = {
    &bench_ring,
    &bench_tq,
#ifdef TQ_BENCH_HAVE_GLIB
    &bench_glib,
#endif
#ifdef TQ_BENCH_HAVE_MOODYCAMEL
    &bench_moodycamel,
#endif
#ifdef TQ_BENCH_HAVE_MOODYCAMEL_RWCB
    &bench_moodycamel_rwcb,
#endif
#ifdef TQ_BENCH_HAVE_TBB
    &bench_tbb,
#endif
#ifdef TQ_BENCH_HAVE_RUST_PEERS
    &bench_crossbeam,
    &bench_flume,
    &bench_kanal,
    &bench_std_mpsc,
#endif
};
static const size_t adapter_count = sizeof adapters / sizeof adapters[0];

/* The command line. */
typedef struct options {
    int repeats;
    double scale;              /* multiplies every item and sample count */
    const char *queues;        /* comma-separated filter, NULL = all */
    const char *scenarios;     /* comma-separated filter, NULL = all */
} options;

void bench_fail(const char *name, const char *what) {
    fprintf(stderr, "adapter %s: %s\n", name, what);
    exit(2);
}

static void usage(FILE *to) {
    fprintf(to,
            "usage: tq_bench [--repeats N] [--scale X] [--quick] [--queues A,B] [--scenarios A,B]\n"
            "  --repeats N     timed runs per scenario and queue (default 5)\n"
            "  --scale X       multiply every item and overshoot sample count by X (default 1)\n"
            "  --quick         smoke run: --repeats 1 --scale 0.05\n"
            "  --queues L      only these queues (compiled in:");
    for (size_t i = 0; i < adapter_count; i++) fprintf(to, " %s", adapters[i]->name);
    fprintf(to, ")\n  --scenarios L   only these scenarios (");
    for (size_t i = 0; i < scenario_count; i++) fprintf(to, "%s ", scenarios[i].name);
    fprintf(to, "overshoot)\n");
}

/* Whether `name` is an entry of the comma-separated `list` (NULL: all). */
static int selected(const char *list, const char *name) {
    if (!list) return 1;
    size_t len = strlen(name);
    for (const char *p = list; p; p = strchr(p, ',')) {
        if (*p == ',') p++;
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0')) return 1;
    }
    return 0;
}

static options parse(int argc, char **argv) {
    options o = {5, 1.0, NULL, NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--quick") == 0) {
            o.repeats = 1;
            o.scale = 0.05;
            continue;
        }
        if (strcmp(arg, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (!value) {
            usage(stderr);
            exit(2);
        }
        i++;
        if (strcmp(arg, "--repeats") == 0) o.repeats = atoi(value);
        else if (strcmp(arg, "--scale") == 0) o.scale = atof(value);
        else if (strcmp(arg, "--queues") == 0) o.queues = value;
        else if (strcmp(arg, "--scenarios") == 0) o.scenarios = value;
        else {
            usage(stderr);
            exit(2);
        }
    }
    if (o.repeats < 1 || o.scale <= 0) {
        usage(stderr);
        exit(2);
    }
    return o;
}

static void bench_scenario(const scenario *s, const options *o) {
    const bench_adapter *able[sizeof adapters / sizeof adapters[0]];
    size_t n = 0;
    for (size_t i = 0; i < adapter_count; i++) {
        const bench_adapter *a = adapters[i];
        if (!selected(o->queues, a->name)) continue;
        if ((a->caps & scenario_needs(s)) == scenario_needs(s)) able[n++] = a;
        else printf("na,%s,%s\n", s->name, a->name);
    }
    size_t items = (size_t)((double)s->items * o->scale);
    size_t done;
    for (size_t i = 0; i < n; i++) scenario_run(s, able[i], items / 10, &done);
    for (int r = 0; r < o->repeats; r++) {
        for (size_t k = 0; k < n; k++) {
            const bench_adapter *a = able[(k + (size_t)r) % n];
            double secs = scenario_run(s, a, items, &done);
            printf("run,%s,%s,%d,%zu,%.9f\n", s->name, a->name, r, done, secs);
            fprintf(stderr, "%-22s %-16s repeat %d: %10.0f ops/s\n", s->name, a->name, r, (double)done / secs);
            fflush(stdout);
        }
    }
}

static void bench_overshoot(const options *o) {
    /* About 0.3 s and 1 s of waiting per queue in a full run. */
    static const struct {
        int64_t timeout_ms;
        size_t samples;
    } points[] = {{1, 300}, {10, 100}};
    for (size_t i = 0; i < adapter_count; i++) {
        const bench_adapter *a = adapters[i];
        if (!selected(o->queues, a->name) || !(a->caps & BENCH_TIMED_GET)) continue;
        for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
            int64_t ms = points[p].timeout_ms;
            size_t samples = (size_t)((double)points[p].samples * o->scale);
            if (samples < 5) samples = 5;
            overshoot_stats st = overshoot_measure(a, ms, samples);
            printf("overshoot,%s,%lld,%zu,%.1f,%.1f,%.1f\n", a->name, (long long)ms, samples, st.min_us,
                   st.p50_us, st.p99_us);
            fprintf(stderr, "overshoot %-16s %3lld ms: p50 %.1f us, p99 %.1f us\n", a->name, (long long)ms,
                    st.p50_us, st.p99_us);
            fflush(stdout);
        }
    }
}

int main(int argc, char **argv) {
    options o = parse(argc, argv);
    printf("# tq C bench: repeats=%d scale=%g queues:", o.repeats, o.scale);
    for (size_t i = 0; i < adapter_count; i++) printf(" %s", adapters[i]->name);
    printf("\n");
    for (size_t i = 0; i < scenario_count; i++) {
        if (!selected(o.scenarios, scenarios[i].name)) continue;
        if (scenario_possible(&scenarios[i])) bench_scenario(&scenarios[i], &o);
        else fprintf(stderr, "%s: skipped (needs two usable CPUs)\n", scenarios[i].name);
    }
    if (selected(o.scenarios, "overshoot")) bench_overshoot(&o);
    return 0;
}
