/*
 * Task accounting: tq_task_done, tq_task_done_n, tq_task_done_all and
 * tq_join (with and without a timeout, one joiner or several).
 */
#include "check.h"

/* A FIFO queue holding `n` unfinished tasks (items put, none got). */
static tq_queue *queue_with_tasks(uintptr_t n) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    for (uintptr_t i = 1; i <= n; i++) CHECK_STATUS(tq_put(q, item(i), TQ_NOWAIT), TQ_OK);
    CHECK(tq_unfinished(q) == n);
    return q;
}

static void task_done_once_too_often_is_too_many_done(void) {
    tq_queue *q = queue_with_tasks(0);
    CHECK_STATUS(tq_task_done(q), TQ_TOO_MANY_DONE);
    CHECK(tq_unfinished(q) == 0);
    tq_free(q);

    q = queue_with_tasks(2);
    CHECK_GET(q, 1);
    CHECK_GET(q, 2);
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK(tq_unfinished(q) == 1);
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK(tq_unfinished(q) == 0);
    CHECK_STATUS(tq_task_done(q), TQ_TOO_MANY_DONE);
    CHECK(tq_unfinished(q) == 0);
    /* the failed call changed nothing: the next put is counted from zero */
    CHECK_STATUS(tq_put(q, item(3), TQ_NOWAIT), TQ_OK);
    CHECK(tq_unfinished(q) == 1);
    tq_free(q);
}

static void task_done_n_is_all_or_nothing(void) {
    tq_queue *q = queue_with_tasks(3);
    CHECK_STATUS(tq_task_done_n(q, 4), TQ_TOO_MANY_DONE);
    CHECK(tq_unfinished(q) == 3);
    CHECK_STATUS(tq_task_done_n(q, SIZE_MAX), TQ_TOO_MANY_DONE);
    CHECK(tq_unfinished(q) == 3);
    CHECK_STATUS(tq_task_done_n(q, 2), TQ_OK);
    CHECK(tq_unfinished(q) == 1);
    CHECK_STATUS(tq_task_done_n(q, 2), TQ_TOO_MANY_DONE);
    CHECK(tq_unfinished(q) == 1);
    CHECK_STATUS(tq_task_done_n(q, 1), TQ_OK);
    CHECK(tq_unfinished(q) == 0);
    CHECK(tq_qsize(q) == 3); /* task accounting never touches the items */
    tq_free(q);
}

static void task_done_n_zero_is_a_no_op(void) {
    tq_queue *q = queue_with_tasks(2);
    CHECK_STATUS(tq_task_done_n(q, 0), TQ_OK);
    CHECK(tq_unfinished(q) == 2);
    CHECK_STATUS(tq_task_done_n(q, 2), TQ_OK);
    CHECK_STATUS(tq_task_done_n(q, 0), TQ_OK); /* also when nothing is unfinished */
    CHECK(tq_unfinished(q) == 0);
    tq_free(q);
}

static void join_times_out_while_tasks_remain(void) {
    tq_queue *q = queue_with_tasks(1);
    int64_t t0 = now_ms();
    CHECK_STATUS(tq_join(q, 60), TQ_TIMEOUT);
    int64_t elapsed = now_ms() - t0;
    CHECK(elapsed >= 60);
    CHECK(elapsed < 2000);
    CHECK_STATUS(tq_join(q, TQ_NOWAIT), TQ_TIMEOUT);
    CHECK(tq_unfinished(q) == 1);
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(tq_join(q, 60), TQ_OK);
    CHECK_STATUS(tq_join(q, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_join(q, TQ_FOREVER), TQ_OK);
    tq_free(q);
}

static void join_on_a_fresh_queue_returns_at_once(void) {
    tq_queue *q = queue_with_tasks(0);
    CHECK_STATUS(tq_join(q, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_join(q, TQ_FOREVER), TQ_OK);
    tq_free(q);
}

static void blocked_joiner_wakes_on_the_last_task_done(void) {
    tq_queue *q = queue_with_tasks(2);
    bg_call join = {.q = q, .timeout_ms = TQ_FOREVER};
    bg_start(&join, bg_join);
    CHECK(bg_blocked(&join));
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK(bg_blocked(&join)); /* one task left */
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(bg_finish(&join), TQ_OK);
    tq_free(q);
}

static void timed_joiner_wakes_before_its_timeout(void) {
    tq_queue *q = queue_with_tasks(1);
    bg_call join = {.q = q, .timeout_ms = 10000};
    bg_start(&join, bg_join);
    CHECK(bg_blocked(&join));
    CHECK_STATUS(tq_task_done(q), TQ_OK);
    CHECK_STATUS(bg_finish(&join), TQ_OK);
    CHECK(join.elapsed_ms < 5000);
    tq_free(q);
}

#define N_JOINERS 4
#define N_TASKS 3

static void *finish_all_tasks(void *arg) {
    CHECK_STATUS(tq_task_done_n(arg, N_TASKS), TQ_OK);
    return NULL;
}

/* Starts N_JOINERS joins on q, half untimed, half with a long timeout, and
 * checks they block. */
static void start_blocked_joiners(tq_queue *q, bg_call joins[N_JOINERS]) {
    for (int i = 0; i < N_JOINERS; i++) {
        joins[i] = (bg_call){.q = q, .timeout_ms = i % 2 ? TQ_FOREVER : 10000};
        bg_start(&joins[i], bg_join);
    }
    for (int i = 0; i < N_JOINERS; i++) CHECK(bg_blocked(&joins[i]));
}

static void several_joiners_all_wake(void) {
    tq_queue *q = queue_with_tasks(N_TASKS);
    bg_call joins[N_JOINERS];
    start_blocked_joiners(q, joins);
    join_thread(spawn(finish_all_tasks, q));
    for (int i = 0; i < N_JOINERS; i++) CHECK_STATUS(bg_finish(&joins[i]), TQ_OK);
    tq_free(q);
}

static void task_done_all_finishes_queued_and_taken_tasks(void) {
    tq_queue *q = queue_with_tasks(3);
    CHECK_GET(q, 1); /* taken, not done */
    size_t n = 99;
    CHECK_STATUS(tq_task_done_all(q, NULL), TQ_INVALID);
    CHECK(tq_unfinished(q) == 3); /* the refused call changed nothing */
    CHECK_STATUS(tq_task_done_all(NULL, &n), TQ_INVALID);
    CHECK(n == 99);
    CHECK_STATUS(tq_task_done_all(q, &n), TQ_OK);
    CHECK(n == 3);
    CHECK(tq_unfinished(q) == 0);
    CHECK(tq_qsize(q) == 2); /* the items stay queued */
    CHECK_STATUS(tq_task_done(q), TQ_TOO_MANY_DONE);
    CHECK_STATUS(tq_task_done_all(q, &n), TQ_OK);
    CHECK(n == 0);
    CHECK_STATUS(tq_put(q, item(4), TQ_NOWAIT), TQ_OK);
    CHECK(tq_unfinished(q) == 1); /* later puts count again */
    tq_free(q);
}

static void task_done_all_wakes_every_joiner(void) {
    tq_queue *q = queue_with_tasks(N_TASKS);
    bg_call joins[N_JOINERS];
    start_blocked_joiners(q, joins);
    /* what a binding's close does: discard the items, then end the joins */
    CHECK_STATUS(tq_get(q, &(void *){NULL}, TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    for (int i = 0; i < N_JOINERS; i++) CHECK(bg_blocked(&joins[i])); /* the taken task */
    size_t n = 0;
    CHECK_STATUS(tq_task_done_all(q, &n), TQ_OK);
    CHECK(n == 1);
    for (int i = 0; i < N_JOINERS; i++) CHECK_STATUS(bg_finish(&joins[i]), TQ_OK);
    tq_free(q);
}

int main(void) {
    watchdog(20);
    RUN_CASE(task_done_once_too_often_is_too_many_done);
    RUN_CASE(task_done_n_is_all_or_nothing);
    RUN_CASE(task_done_n_zero_is_a_no_op);
    RUN_CASE(join_times_out_while_tasks_remain);
    RUN_CASE(join_on_a_fresh_queue_returns_at_once);
    RUN_CASE(blocked_joiner_wakes_on_the_last_task_done);
    RUN_CASE(timed_joiner_wakes_before_its_timeout);
    RUN_CASE(several_joiners_all_wake);
    RUN_CASE(task_done_all_finishes_queued_and_taken_tasks);
    RUN_CASE(task_done_all_wakes_every_joiner);
    return 0;
}
