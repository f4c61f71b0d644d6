/*
 * The C program of the outside-project tests (scripts/test-outside.sh),
 * built against tq in every way the README shows: a producer thread puts items
 * through a bounded queue, the main thread gets them, marks them done and
 * joins. Exits non-zero on any mismatch, so a broken route fails its test.
 */
#include <tq.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* How many items go through the queue; more than its bound, so puts block. */
#define ITEMS 100

/* How many checks failed. */
static int failures;

/* Counts and reports a failed check. */
static void expect(int ok, const char *what) {
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

/* Puts 1..ITEMS, each waiting for room. */
static void *produce(void *arg) {
    tq_queue *q = arg;
    for (intptr_t i = 1; i <= ITEMS; i++) {
        expect(tq_put(q, (void *)i, TQ_FOREVER) == TQ_OK, "put");
    }
    return NULL;
}

int main(void) {
    tq_queue *q = tq_new(4);
    pthread_t producer;

    expect(strcmp(tq_version(), TQ_VERSION) == 0, "tq_version() equals TQ_VERSION");
    expect(q != NULL, "tq_new");
    if (q == NULL || pthread_create(&producer, NULL, produce, q) != 0) {
        return 1;
    }
    for (intptr_t i = 1; i <= ITEMS; i++) {
        void *item = NULL;
        expect(tq_get(q, &item, 5000) == TQ_OK && (intptr_t)item == i, "get returns the items in FIFO order");
        expect(tq_task_done(q) == TQ_OK, "task_done");
    }
    pthread_join(producer, NULL);
    expect(tq_join(q, TQ_NOWAIT) == TQ_OK, "join returns once every item is done");
    expect(tq_task_done(q) == TQ_TOO_MANY_DONE, "one task_done too many");
    expect(tq_shutdown(q, false) == TQ_OK && tq_put(q, NULL, TQ_NOWAIT) == TQ_SHUTDOWN, "put after shutdown");
    tq_free(q);
    printf("outside project: tq %s, %d failed\n", tq_version(), failures);
    return failures == 0 ? 0 : 1;
}
