/*
 * test_glib: a GLib main loop serves a queue beside a timeout source.
 * g_unix_fd_add watches the queue's get descriptor (tq_get_fd) while
 * producer threads put items; each readable callback takes items with
 * TQ_NOWAIT until TQ_EMPTY. The callback that gets TQ_SHUTDOWN (the last
 * producer shut the queue down) removes its source and the timeout and quits
 * the loop. loop_feed.h has the producers and the checks (each item exactly
 * once and in order, the checksum, no spinning); here also: the timeout
 * fired meanwhile and no source is left. Built only when pkg-config finds
 * glib-2.0.
 */
#include "check.h"
#include "loop_feed.h"

#include <glib-unix.h>
#include <glib.h>

/* The loop's state: the feed and the other work beside it. */
typedef struct served {
    feed f;
    GMainLoop *loop;
    guint timeout;
    unsigned long ticks;
} served;

static gboolean on_tick(gpointer data) {
    ((served *)data)->ticks++;
    return G_SOURCE_CONTINUE;
}

static gboolean on_readable(gint fd, GIOCondition condition, gpointer data) {
    served *s = data;
    CHECK(fd == s->f.fd && (condition & G_IO_IN));
    if (feed_drain(&s->f)) return G_SOURCE_CONTINUE;
    /* Shut down and drained: the descriptor stays readable, so stop watching. */
    g_source_remove(s->timeout);
    g_main_loop_quit(s->loop);
    return G_SOURCE_REMOVE;
}

static void unix_fd_source_serves_the_queue_until_shutdown(void) {
    static served s;
    s.loop = g_main_loop_new(NULL, FALSE);
    feed_start(&s.f);
    g_unix_fd_add(s.f.fd, G_IO_IN, on_readable, &s);
    s.timeout = g_timeout_add(1, on_tick, &s);
    g_main_loop_run(s.loop);
    CHECK(!g_main_context_iteration(NULL, FALSE)); /* no source left to dispatch */
    printf("  the 1 ms timeout fired %lu times meanwhile\n", s.ticks);
    CHECK(s.ticks > 0);
    g_main_loop_unref(s.loop);
    feed_finish(&s.f);
}

int main(void) {
    watchdog(60);
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING); /* a GLib complaint fails */
    RUN_CASE(unix_fd_source_serves_the_queue_until_shutdown);
    return 0;
}
