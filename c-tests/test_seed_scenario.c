/*
 * The demo's producer/consumer scenario (examples/producer_consumer.c) as a
 * test: a producer thread puts 1..5, a consumer thread gets, "processes" and
 * marks each done, the main thread joins the producer and then tq_joins the
 * queue.
 */
#include "check.h"

#define N_ITEMS 5

/* What the consumer saw; written by the consumer, read by main after joins. */
typedef struct scenario {
    tq_queue *q;
    size_t maxsize;
    uintptr_t got[N_ITEMS + 1]; /* one spare slot catches a sixth item */
    size_t n_got;
    atomic_int done;            /* tasks processed, counted before task_done */
    bool bound_exceeded;
    tq_status end_status;       /* how the consumer's last get ended */
} scenario;

static void *producer(void *arg) {
    scenario *s = arg;
    for (uintptr_t i = 1; i <= N_ITEMS; i++) {
        sleep_ms(1);
        CHECK_STATUS(tq_put(s->q, item(i), TQ_FOREVER), TQ_OK);
    }
    return NULL;
}

static void *consumer(void *arg) {
    scenario *s = arg;
    for (;;) {
        void *x = NULL;
        tq_status st = tq_get(s->q, &x, TQ_FOREVER);
        if (st != TQ_OK) {
            s->end_status = st;
            return NULL;
        }
        if (s->maxsize > 0 && tq_qsize(s->q) > s->maxsize) s->bound_exceeded = true;
        if (s->n_got <= N_ITEMS) s->got[s->n_got] = item_n(x);
        s->n_got++;
        sleep_ms(3); /* processing: slower than the producer, so the bound matters */
        atomic_fetch_add(&s->done, 1);
        CHECK_STATUS(tq_task_done(s->q), TQ_OK);
    }
}

static void run_scenario(size_t maxsize) {
    scenario s = {.q = tq_new(maxsize), .maxsize = maxsize};
    CHECK(s.q != NULL);
    atomic_init(&s.done, 0);
    pthread_t c = spawn(consumer, &s);
    pthread_t p = spawn(producer, &s);
    join_thread(p);
    CHECK_STATUS(tq_join(s.q, TQ_FOREVER), TQ_OK);
    /* join returned only after the fifth task_done */
    CHECK(atomic_load(&s.done) == N_ITEMS);
    CHECK(tq_unfinished(s.q) == 0);
    CHECK(tq_empty(s.q));

    CHECK_STATUS(tq_shutdown(s.q, false), TQ_OK);
    join_thread(c);
    CHECK_STATUS(s.end_status, TQ_SHUTDOWN);
    CHECK(s.n_got == N_ITEMS);
    for (uintptr_t i = 0; i < N_ITEMS; i++) CHECK(s.got[i] == i + 1);
    CHECK(!s.bound_exceeded);
    tq_free(s.q);
}

static void bounded_queue_of_two(void) { run_scenario(2); }

static void unbounded_queue(void) { run_scenario(0); }

int main(void) {
    watchdog(20);
    RUN_CASE(bounded_queue_of_two);
    RUN_CASE(unbounded_queue);
    return 0;
}
