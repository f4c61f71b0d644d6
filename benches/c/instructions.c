/*
 * tq_instructions PATH ROUNDS: one thread does ROUNDS uncontended rounds of
 * PATH through tq's C ABI, for scripts/instructions.sh, which runs it under
 * callgrind at two values of ROUNDS and divides the difference in
 * instructions by the difference in rounds (start-up cancels out). A round
 * is a tq_put and a tq_get (plus a tq_task_done on task_done):
 *
 *   bounded    FIFO bounded 1024, empty: the lock-free ring
 *   backlog    FIFO unbounded holding 4096 items (past the ring)
 *   lifo       LIFO bounded 1024, empty
 *   priority   priority bounded 1024, empty (tq_put_priority)
 *   task_done  bounded, and a tq_task_done per round
 *
 * benches/instructions.rs does the same through the Rust API.
 * Each get is checked against the item it must return; a wrong one, or a
 * status other than TQ_OK, exits with status 1. Exit status 2: bad usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tq.h>

/* The items a backlog path holds before its rounds start. */
#define BACKLOG 4096

static void check(tq_status s, const char *what) {
    if (s == TQ_OK) return;
    fprintf(stderr, "tq_instructions: %s: %s\n", what, tq_status_str(s));
    exit(1);
}

static tq_queue *create(tq_order order, size_t maxsize) {
    tq_options opts = {.struct_size = sizeof opts, .order = order, .maxsize = maxsize};
    tq_queue *q = NULL;
    check(tq_create(&opts, &q), "tq_create");
    return q;
}

static void expect(uintptr_t got, uintptr_t want) {
    if (got == want) return;
    fprintf(stderr, "tq_instructions: got item %ju, want %ju\n", (uintmax_t)got, (uintmax_t)want);
    exit(1);
}

int main(int argc, char **argv) {
    char *end = NULL;
    unsigned long long rounds = argc == 3 ? strtoull(argv[2], &end, 10) : 0;
    if (argc != 3 || *end != '\0' || rounds == 0) {
        fprintf(stderr, "usage: tq_instructions bounded|backlog|lifo|priority|task_done ROUNDS\n");
        return 2;
    }
    const char *path = argv[1];
    int backlog = strcmp(path, "backlog") == 0;
    int task_done = strcmp(path, "task_done") == 0;
    int priority = strcmp(path, "priority") == 0;
    tq_order order = TQ_FIFO;
    if (strcmp(path, "lifo") == 0) order = TQ_LIFO;
    else if (priority) order = TQ_PRIORITY;
    else if (!backlog && !task_done && strcmp(path, "bounded") != 0) {
        fprintf(stderr, "tq_instructions: unknown path %s\n", path);
        return 2;
    }

    tq_queue *q = create(order, backlog ? 0 : 1024);
    uintptr_t next = 1; /* the next item to put; items are never NULL */
    if (backlog)
        for (; next <= BACKLOG; next++) check(tq_put(q, (void *)next, TQ_FOREVER), "tq_put (backlog)");
    for (unsigned long long r = 0; r < rounds; r++, next++) {
        if (priority) check(tq_put_priority(q, (void *)next, 1, TQ_FOREVER), "tq_put_priority");
        else check(tq_put(q, (void *)next, TQ_FOREVER), "tq_put");
        void *got;
        check(tq_get(q, &got, TQ_FOREVER), "tq_get");
        expect((uintptr_t)got, backlog ? next - BACKLOG : next);
        if (task_done) check(tq_task_done(q), "tq_task_done");
    }
    tq_free(q);
    return 0;
}
