/*
 * test_idle_cpu: a thread blocked in tq_get, tq_put or tq_join parks instead
 * of spinning. Three threads block (a getter on an empty queue, a putter on
 * a full one, a joiner on unfinished tasks) while the main thread sleeps for
 * a second; the whole process may use at most 10 ms of CPU in that second.
 */
#include "check.h"

#include <sys/resource.h>

/* User + system CPU time this process has used, in microseconds. */
static int64_t process_cpu_us(void) {
    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
}

static void blocked_calls_use_no_cpu(void) {
    tq_queue *empty = tq_new(1);
    tq_queue *full = tq_new(1);
    CHECK(empty && full);
    CHECK_STATUS(tq_put(full, item(1), TQ_NOWAIT), TQ_OK);

    bg_call get = {.q = empty, .timeout_ms = TQ_FOREVER};
    bg_call put = {.q = full, .timeout_ms = TQ_FOREVER, .item = item(2)};
    bg_call join = {.q = full, .timeout_ms = TQ_FOREVER};
    bg_start(&get, bg_get);
    bg_start(&put, bg_put);
    bg_start(&join, bg_join);
    CHECK(bg_blocked(&get) && bg_blocked(&put) && bg_blocked(&join));

    int64_t before = process_cpu_us();
    sleep_ms(1000);
    int64_t used = process_cpu_us() - before;
    printf("  CPU used by three blocked threads in 1 s: %lld us\n", (long long)used);
    CHECK(used < 10000);
    CHECK(!atomic_load(&get.done) && !atomic_load(&put.done) && !atomic_load(&join.done));

    CHECK_STATUS(tq_shutdown(empty, false), TQ_OK);
    CHECK_STATUS(tq_shutdown(full, true), TQ_OK);
    CHECK_STATUS(bg_finish(&get), TQ_SHUTDOWN);
    CHECK_STATUS(bg_finish(&put), TQ_SHUTDOWN);
    CHECK_STATUS(bg_finish(&join), TQ_OK);
    tq_free(empty);
    tq_free(full);
}

int main(void) {
    watchdog(30);
    RUN_CASE(blocked_calls_use_no_cpu);
    return 0;
}
