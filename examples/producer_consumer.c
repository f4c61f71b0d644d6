/*
 * producer_consumer.c: Python's classic queue.Queue example, in C with tq.
 *
 * A producer thread puts items 1..5, a consumer thread gets and processes
 * them and marks each one done, and the main thread waits for the producer
 * and then for the queue (tq_join) before it reports that all items were
 * processed. The sleeps make the interleaving visible; `--fast` (or the
 * environment variable TQ_DEMO_FAST=1) shortens them a hundredfold.
 *
 * Build and run: cmake -S . -B build && cmake --build build &&
 *                ./build/producer_consumer [--fast]
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include "tq.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How many items the producer puts. */
#define ITEM_COUNT 5

/* Milliseconds the producer waits between items and the consumer spends on each. */
#define PRODUCER_PAUSE_MS 500
#define CONSUMER_WORK_MS 1000

/* In fast mode every sleep is this many times shorter. */
#define FAST_DIVISOR 100

/* True in fast mode. */
static int fast;

/* Exits with a message unless STATUS is TQ_OK. */
static void check(tq_status status, const char *what) {
    if (status != TQ_OK) {
        fprintf(stderr, "%s failed: %s\n", what, tq_status_str(status));
        exit(EXIT_FAILURE);
    }
}

/* Exits with a message unless a pthread call returned 0. */
static void check_pthread(int err, const char *what) {
    if (err != 0) {
        fprintf(stderr, "%s failed: %s\n", what, strerror(err));
        exit(EXIT_FAILURE);
    }
}

/* Sleeps MS milliseconds (a hundredth of that in fast mode). */
static void pause_ms(long ms) {
    struct timespec t;
    if (fast) {
        ms /= FAST_DIVISOR;
    }
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&t, &t) != 0) {
        /* interrupted by a signal: sleep the rest */
    }
}

/* Puts items 1..ITEM_COUNT, like Python's producer(). */
static void *producer(void *arg) {
    tq_queue *q = arg;
    for (intptr_t i = 1; i <= ITEM_COUNT; i++) {
        printf("Inserting item %ld into the queue\n", (long)i);
        fflush(stdout);
        check(tq_put(q, (void *)i, TQ_FOREVER), "tq_put");
        pause_ms(PRODUCER_PAUSE_MS);
    }
    return NULL;
}

/* Gets and processes items until the queue is shut down, like Python's consumer(). */
static void *consumer(void *arg) {
    tq_queue *q = arg;
    for (;;) {
        void *item;
        tq_status status = tq_get(q, &item, TQ_FOREVER);
        if (status == TQ_SHUTDOWN) {
            return NULL;
        }
        check(status, "tq_get");
        printf("Processing item %ld\n", (long)(intptr_t)item);
        fflush(stdout);
        pause_ms(CONSUMER_WORK_MS);
        check(tq_task_done(q), "tq_task_done");
    }
}

int main(int argc, char **argv) {
    const char *env = getenv("TQ_DEMO_FAST");
    pthread_t producer_thread, consumer_thread;
    tq_queue *q;

    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--fast") != 0)) {
        fprintf(stderr, "usage: %s [--fast]\n", argv[0]);
        return EXIT_FAILURE;
    }
    fast = argc == 2 || (env != NULL && strcmp(env, "1") == 0);

    q = tq_new(0); /* unbounded, like queue.Queue() */
    if (q == NULL) {
        fprintf(stderr, "tq_new failed: out of memory\n");
        return EXIT_FAILURE;
    }
    check_pthread(pthread_create(&consumer_thread, NULL, consumer, q), "pthread_create(consumer)");
    check_pthread(pthread_create(&producer_thread, NULL, producer, q), "pthread_create(producer)");

    check_pthread(pthread_join(producer_thread, NULL), "pthread_join(producer)");
    check(tq_join(q, TQ_FOREVER), "tq_join");
    printf("All items processed\n");
    fflush(stdout);

    /* Python's consumer is a daemon thread; here a shutdown ends its loop. */
    check(tq_shutdown(q, false), "tq_shutdown");
    check_pthread(pthread_join(consumer_thread, NULL), "pthread_join(consumer)");
    tq_free(q);
    return EXIT_SUCCESS;
}
