/*
 * test_libuv: a libuv loop serves a queue beside a timer. A uv_poll_t
 * watches the queue's get descriptor (tq_get_fd) while producer threads put
 * items; each readable callback takes items with TQ_NOWAIT until TQ_EMPTY.
 * The callback that gets TQ_SHUTDOWN (the last producer shut the queue down)
 * closes the poll and the timer, and uv_run returns. loop_feed.h has the
 * producers and the checks (each item exactly once and in order, the
 * checksum, no spinning); here also: the timer ticked meanwhile and the loop
 * closes with no handle left. Built only when pkg-config finds libuv.
 */
#include "check.h"
#include "loop_feed.h"

#include <uv.h>

/* The loop's state: the feed and the other work beside it. */
typedef struct served {
    feed f;
    uv_poll_t poll;
    uv_timer_t timer;
    unsigned long ticks;
} served;

static void on_tick(uv_timer_t *timer) { ((served *)timer->data)->ticks++; }

static void on_readable(uv_poll_t *poll, int status, int events) {
    served *s = poll->data;
    CHECK(status == 0 && (events & UV_READABLE));
    if (!feed_drain(&s->f)) {
        /* Shut down and drained: the descriptor stays readable, so stop watching. */
        uv_close((uv_handle_t *)&s->poll, NULL);
        uv_close((uv_handle_t *)&s->timer, NULL);
    }
}

static void uv_poll_serves_the_queue_until_shutdown(void) {
    static served s;
    uv_loop_t loop;
    CHECK(uv_loop_init(&loop) == 0);
    feed_start(&s.f);
    CHECK(uv_poll_init(&loop, &s.poll, s.f.fd) == 0);
    CHECK(uv_timer_init(&loop, &s.timer) == 0);
    s.poll.data = s.timer.data = &s;
    CHECK(uv_poll_start(&s.poll, UV_READABLE, on_readable) == 0);
    CHECK(uv_timer_start(&s.timer, on_tick, 1, 1) == 0);
    CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0); /* returns once no handle is left */
    CHECK(uv_loop_close(&loop) == 0);
    printf("  the 1 ms timer ticked %lu times meanwhile\n", s.ticks);
    CHECK(s.ticks > 0);
    feed_finish(&s.f);
}

int main(void) {
    watchdog(60);
    RUN_CASE(uv_poll_serves_the_queue_until_shutdown);
    return 0;
}
