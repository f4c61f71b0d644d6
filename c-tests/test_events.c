/*
 * Waiting beside other work: tq_get_fd and tq_put_fd checked with poll(2)
 * (readable exactly while a get / a put would not block, in every order,
 * bounded and unbounded, through shutdowns), and tq_get_any (which queue,
 * each queue's order, no starvation, shutdowns, timeouts, wake-ups, bad
 * input).
 */
#include "check.h"

#include <fcntl.h>
#include <poll.h>

/* Whether `fd` polls readable within `timeout_ms` (0: right now). */
static bool readable_within(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n;
    while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    CHECK(n >= 0);
    CHECK((p.revents & (POLLERR | POLLNVAL)) == 0);
    return n == 1 && (p.revents & POLLIN);
}

/* Whether `fd` polls readable right now. */
static bool readable(int fd) { return readable_within(fd, 0); }

/* q's get and put descriptors. */
typedef struct fds {
    int get, put;
} fds;

static fds fds_of(tq_queue *q) {
    fds f = {-1, -1};
    CHECK_STATUS(tq_get_fd(q, &f.get), TQ_OK);
    CHECK_STATUS(tq_put_fd(q, &f.put), TQ_OK);
    CHECK(f.get >= 0 && f.put >= 0 && f.get != f.put);
    return f;
}

/* Checks that both descriptors say what a get and a put would do now. */
static void check_fds_match(tq_queue *q, fds f) {
    bool get_ok = !tq_empty(q) || tq_is_shutdown(q);
    bool put_ok = !tq_full(q) || tq_is_shutdown(q);
    CHECK(readable(f.get) == get_ok);
    CHECK(readable(f.put) == put_ok);
}

/* Puts item(n) (priority -n on a priority queue, so every order differs). */
static void put_n(tq_queue *q, tq_order order, uintptr_t n) {
    if (order == TQ_PRIORITY) {
        CHECK_STATUS(tq_put_priority(q, item(n), -(int64_t)n, TQ_NOWAIT), TQ_OK);
    } else {
        CHECK_STATUS(tq_put(q, item(n), TQ_NOWAIT), TQ_OK);
    }
}

/* Fills and drains a queue of `order` and `maxsize`, checking the descriptors at every step. */
static void check_fds_follow_the_queue(tq_order order, size_t maxsize) {
    tq_queue *q = new_queue(order, maxsize, NULL);
    fds f = fds_of(q);
    size_t fill = maxsize ? maxsize : 5;
    CHECK(!readable(f.get) && readable(f.put));
    for (uintptr_t n = 1; n <= fill; n++) {
        put_n(q, order, n);
        check_fds_match(q, f);
    }
    CHECK(readable(f.get));
    CHECK(readable(f.put) == (maxsize == 0));
    for (size_t k = 0; k < fill; k++) {
        void *x = NULL;
        CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_OK);
        check_fds_match(q, f);
    }
    /* After the get that emptied it, a poll with a timeout waits. */
    int64_t t0 = now_ms();
    CHECK(!readable_within(f.get, 50));
    CHECK(now_ms() - t0 >= 40);
    tq_free(q);
}

static void fds_follow_every_order_bounded_and_unbounded(void) {
    const tq_order orders[] = {TQ_FIFO, TQ_LIFO, TQ_PRIORITY};
    const size_t bounds[] = {0, 1, 3};
    for (size_t o = 0; o < 3; o++) {
        for (size_t b = 0; b < 3; b++) check_fds_follow_the_queue(orders[o], bounds[b]);
    }
}

static void same_descriptor_on_every_call(void) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    fds f = fds_of(q);
    for (int i = 0; i < 3; i++) {
        fds again = fds_of(q);
        CHECK(again.get == f.get && again.put == f.put);
    }
    tq_queue *other = tq_new(1);
    CHECK(other != NULL);
    fds g = fds_of(other);
    CHECK(g.get != f.get && g.get != f.put && g.put != f.get && g.put != f.put);
    tq_free(other);
    tq_free(q);
}

static void descriptor_made_late_tells_the_state_at_once(void) {
    tq_queue *q = tq_new(2);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    fds f = fds_of(q); /* made on a full queue */
    CHECK(readable(f.get) && !readable(f.put));
    tq_free(q);

    q = tq_new(1);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_shutdown(q, true), TQ_OK);
    f = fds_of(q); /* made after a shutdown */
    CHECK(readable(f.get) && readable(f.put));
    tq_free(q);
}

static void batch_calls_and_set_maxsize_flip_the_descriptors(void) {
    tq_queue *q = tq_new(3);
    CHECK(q != NULL);
    fds f = fds_of(q);
    void *in[3] = {item(1), item(2), item(3)}, *out[3];
    size_t n = 0;
    CHECK_STATUS(tq_put_many(q, in, 3, &n, TQ_NOWAIT), TQ_OK);
    CHECK(n == 3);
    check_fds_match(q, f);
    CHECK(!readable(f.put));
    CHECK_STATUS(tq_set_maxsize(q, 4), TQ_OK); /* room again */
    CHECK(readable(f.put));
    CHECK_STATUS(tq_set_maxsize(q, 2), TQ_OK); /* shrunk below the 3 queued */
    CHECK(!readable(f.put));
    CHECK_STATUS(tq_set_maxsize(q, 0), TQ_OK); /* unbounded */
    CHECK(readable(f.put));
    CHECK_STATUS(tq_set_maxsize(q, 3), TQ_OK);
    CHECK_STATUS(tq_get_many(q, out, 3, &n, TQ_NOWAIT), TQ_OK);
    CHECK(n == 3);
    CHECK(!readable(f.get) && readable(f.put));
    tq_free(q);
}

/* Shuts a full queue down (`immediate` or not): both descriptors are then
 * readable for good, through the drain and after it. */
static void check_shutdown_makes_both_readable(bool immediate) {
    tq_queue *q = tq_new(2);
    CHECK(q != NULL);
    fds f = fds_of(q);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    CHECK(!readable(f.put));
    CHECK_STATUS(tq_shutdown(q, immediate), TQ_OK);
    CHECK(readable(f.get) && readable(f.put));
    void *x = NULL;
    if (!immediate) {
        CHECK_GET(q, 1);
        CHECK_GET(q, 2);
    }
    CHECK(readable(f.get) && readable(f.put));
    CHECK_STATUS(tq_get(q, &x, TQ_NOWAIT), TQ_SHUTDOWN);
    CHECK_STATUS(tq_put(q, item(3), TQ_NOWAIT), TQ_SHUTDOWN);
    CHECK(readable(f.get) && readable(f.put));
    tq_free(q);
}

static void shutdown_makes_both_readable(void) { check_shutdown_makes_both_readable(false); }

static void immediate_shutdown_makes_both_readable(void) { check_shutdown_makes_both_readable(true); }

static void shutdown_of_an_empty_queue_makes_get_fd_readable(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    fds f = fds_of(q);
    CHECK(!readable(f.get));
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK(readable(f.get));
    tq_free(q);
}

/* What a helper thread does to a queue after a pause, to wake a poll. */
typedef enum later_action { LATER_PUT, LATER_GET, LATER_SHUTDOWN } later_action;

typedef struct later {
    tq_queue *q;
    later_action what;
} later;

static void *later_main(void *arg) {
    later *l = arg;
    void *x = NULL;
    sleep_ms(50);
    switch (l->what) {
    case LATER_PUT: CHECK_STATUS(tq_put(l->q, item(9), TQ_NOWAIT), TQ_OK); break;
    case LATER_GET: CHECK_STATUS(tq_get(l->q, &x, TQ_NOWAIT), TQ_OK); break;
    case LATER_SHUTDOWN: CHECK_STATUS(tq_shutdown(l->q, false), TQ_OK); break;
    }
    return NULL;
}

/* A poll without a time limit on `fd` wakes when another thread does `what`. */
static void check_poll_wakes(tq_queue *q, int fd, later_action what) {
    CHECK(!readable(fd));
    later l = {.q = q, .what = what};
    pthread_t t = spawn(later_main, &l);
    int64_t t0 = now_ms();
    CHECK(readable_within(fd, -1));
    CHECK(now_ms() - t0 < 5000);
    join_thread(t);
}

static void a_blocked_poll_wakes_on_put_get_and_shutdown(void) {
    tq_queue *q = tq_new(1);
    CHECK(q != NULL);
    fds f = fds_of(q);
    check_poll_wakes(q, f.get, LATER_PUT);      /* the put makes the queue full */
    check_poll_wakes(q, f.put, LATER_GET);      /* the get makes it empty */
    check_poll_wakes(q, f.get, LATER_SHUTDOWN); /* nothing queued, but a get would not block */
    tq_free(q);
}

static void tq_free_closes_the_descriptors(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    fds f = fds_of(q);
    CHECK(fcntl(f.get, F_GETFD) != -1 && fcntl(f.put, F_GETFD) != -1);
    tq_free(q);
    /* Nothing else in this process opens descriptors meanwhile. */
    CHECK(fcntl(f.get, F_GETFD) == -1 && errno == EBADF);
    CHECK(fcntl(f.put, F_GETFD) == -1 && errno == EBADF);
}

static void fd_calls_reject_null(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    int fd = -7;
    CHECK_STATUS(tq_get_fd(NULL, &fd), TQ_INVALID);
    CHECK_STATUS(tq_put_fd(NULL, &fd), TQ_INVALID);
    CHECK(fd == -7);
    CHECK_STATUS(tq_get_fd(q, NULL), TQ_INVALID);
    CHECK_STATUS(tq_put_fd(q, NULL), TQ_INVALID);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK(tq_qsize(q) == 1 && tq_unfinished(q) == 1);
    tq_free(q);
}

/* --- tq_get_any ------------------------------------------------------------ */

/* A sentinel the out-pointers keep when a call fails. */
static int untouched;

/* tq_get_any without waiting; checks the item and index it gives. */
#define CHECK_GET_ANY(qs, n, want_item, want_index)                                    \
    do {                                                                               \
        void *any_item_ = NULL;                                                        \
        size_t any_index_ = 99;                                                        \
        CHECK_STATUS(tq_get_any((qs), (n), &any_item_, &any_index_, TQ_NOWAIT), TQ_OK); \
        CHECK(item_n(any_item_) == (uintptr_t)(want_item));                            \
        CHECK(any_index_ == (size_t)(want_index));                                     \
    } while (0)

/* Checks a failing tq_get_any returns `want` and writes neither out-pointer. */
static void check_get_any_fails(tq_queue *const *qs, size_t n, int64_t timeout_ms, tq_status want) {
    void *x = &untouched;
    size_t index = 99;
    CHECK_STATUS(tq_get_any(qs, n, &x, &index, timeout_ms), want);
    CHECK(x == &untouched && index == 99);
}

/* `n` new unbounded FIFO queues into qs. */
static void new_queues(tq_queue **qs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        qs[i] = tq_new(0);
        CHECK(qs[i] != NULL);
    }
}

static void free_queues(tq_queue **qs, size_t n) {
    for (size_t i = 0; i < n; i++) tq_free(qs[i]);
}

static void get_any_takes_from_whichever_has_an_item(void) {
    tq_queue *qs[3];
    new_queues(qs, 3);
    check_get_any_fails(qs, 3, TQ_NOWAIT, TQ_EMPTY);
    CHECK_STATUS(tq_put(qs[2], item(7), TQ_NOWAIT), TQ_OK);
    CHECK_GET_ANY(qs, 3, 7, 2);
    CHECK_STATUS(tq_put(qs[0], item(8), TQ_NOWAIT), TQ_OK);
    CHECK_GET_ANY(qs, 3, 8, 0);
    CHECK_STATUS(tq_put(qs[1], item(9), TQ_NOWAIT), TQ_OK);
    CHECK_GET_ANY(qs, 3, 9, 1);
    check_get_any_fails(qs, 3, TQ_NOWAIT, TQ_EMPTY);
    /* Each item's task belongs to the queue it came from. */
    for (size_t i = 0; i < 3; i++) {
        CHECK(tq_unfinished(qs[i]) == 1);
        CHECK_STATUS(tq_task_done(qs[i]), TQ_OK);
        CHECK_STATUS(tq_join(qs[i], TQ_NOWAIT), TQ_OK);
    }
    free_queues(qs, 3);
}

static void get_any_index_names_the_queue_whose_task_it_is(void) {
    tq_queue *qs[2];
    new_queues(qs, 2);
    CHECK_STATUS(tq_put(qs[0], item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(qs[1], item(2), TQ_NOWAIT), TQ_OK);
    void *x = NULL;
    size_t i = 99;
    CHECK_STATUS(tq_get_any(qs, 2, &x, &i, TQ_NOWAIT), TQ_OK);
    CHECK(i < 2 && item_n(x) == i + 1);
    CHECK(tq_qsize(qs[i]) == 0 && tq_qsize(qs[1 - i]) == 1);
    CHECK_STATUS(tq_task_done(qs[i]), TQ_OK);
    CHECK(tq_unfinished(qs[i]) == 0 && tq_unfinished(qs[1 - i]) == 1);
    free_queues(qs, 2);
}

static void get_any_keeps_each_queues_order(void) {
    tq_queue *qs[3] = {new_queue(TQ_FIFO, 0, NULL), new_queue(TQ_LIFO, 0, NULL),
                       new_queue(TQ_PRIORITY, 0, NULL)};
    for (uintptr_t k = 1; k <= 4; k++) {
        put_n(qs[0], TQ_FIFO, 10 + k);
        put_n(qs[1], TQ_LIFO, 20 + k);
        put_n(qs[2], TQ_PRIORITY, 30 + k); /* priority -(30 + k): the last put first */
    }
    const uintptr_t want[3][4] = {{11, 12, 13, 14}, {24, 23, 22, 21}, {34, 33, 32, 31}};
    size_t taken[3] = {0, 0, 0};
    for (int k = 0; k < 12; k++) {
        void *x = NULL;
        size_t i = 99;
        CHECK_STATUS(tq_get_any(qs, 3, &x, &i, TQ_NOWAIT), TQ_OK);
        CHECK(i < 3 && taken[i] < 4);
        CHECK(item_n(x) == want[i][taken[i]]);
        taken[i]++;
    }
    check_get_any_fails(qs, 3, TQ_NOWAIT, TQ_EMPTY);
    free_queues(qs, 3);
}

static void get_any_starves_no_queue(void) {
    enum { CALLS = 1000 };
    tq_queue *qs[2] = {tq_new(4), tq_new(4)};
    CHECK(qs[0] && qs[1]);
    for (uintptr_t k = 0; k < 4; k++) {
        CHECK_STATUS(tq_put(qs[0], item(1), TQ_NOWAIT), TQ_OK);
        CHECK_STATUS(tq_put(qs[1], item(2), TQ_NOWAIT), TQ_OK);
    }
    size_t served[2] = {0, 0};
    for (int k = 0; k < CALLS; k++) {
        void *x = NULL;
        size_t i = 99;
        CHECK_STATUS(tq_get_any(qs, 2, &x, &i, TQ_NOWAIT), TQ_OK);
        CHECK(i < 2 && item_n(x) == i + 1);
        served[i]++;
        CHECK_STATUS(tq_put(qs[i], x, TQ_NOWAIT), TQ_OK); /* both stay full */
    }
    printf("  two full queues over %d calls: served %zu and %zu times\n", CALLS, served[0], served[1]);
    CHECK(served[0] >= CALLS / 4 && served[1] >= CALLS / 4);
    free_queues(qs, 2);
}

static void get_any_passes_over_shut_down_and_drained_queues(void) {
    tq_queue *qs[2];
    new_queues(qs, 2);
    CHECK_STATUS(tq_put(qs[0], item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_shutdown(qs[0], false), TQ_OK);
    CHECK_GET_ANY(qs, 2, 1, 0); /* shut down but not drained: still gives its item */
    check_get_any_fails(qs, 2, TQ_NOWAIT, TQ_EMPTY); /* qs[1] is open */
    CHECK_STATUS(tq_put(qs[1], item(2), TQ_NOWAIT), TQ_OK);
    CHECK_GET_ANY(qs, 2, 2, 1);
    int64_t t0 = now_ms();
    check_get_any_fails(qs, 2, 50, TQ_EMPTY);
    CHECK(now_ms() - t0 >= 50);
    CHECK_STATUS(tq_shutdown(qs[1], false), TQ_OK);
    check_get_any_fails(qs, 2, TQ_NOWAIT, TQ_SHUTDOWN);
    t0 = now_ms();
    check_get_any_fails(qs, 2, TQ_FOREVER, TQ_SHUTDOWN);
    check_get_any_fails(qs, 2, 5000, TQ_SHUTDOWN);
    CHECK(now_ms() - t0 < 2000);
    free_queues(qs, 2);
}

static void get_any_is_empty_at_the_timeout(void) {
    tq_queue *qs[2];
    new_queues(qs, 2);
    int64_t t0 = now_ms();
    check_get_any_fails(qs, 2, 100, TQ_EMPTY);
    int64_t elapsed = now_ms() - t0;
    CHECK(elapsed >= 100);
    CHECK(elapsed < 5000);
    free_queues(qs, 2);
}

/* One tq_get_any on its own thread (bg_call runs it: `bg` comes first). */
typedef struct any_call {
    bg_call bg; /* bg.item: the item got; bg.timeout_ms: the timeout */
    tq_queue *const *queues;
    size_t n;
    size_t index;
} any_call;

static tq_status bg_get_any(bg_call *c) {
    any_call *a = (any_call *)c;
    return tq_get_any(a->queues, a->n, &c->item, &a->index, c->timeout_ms);
}

static void blocked_get_any_wakes_on_a_put_to_any_queue(void) {
    tq_queue *qs[3];
    new_queues(qs, 3);
    for (size_t i = 0; i < 3; i++) {
        any_call a = {.bg = {.timeout_ms = TQ_FOREVER}, .queues = qs, .n = 3, .index = 99};
        bg_start(&a.bg, bg_get_any);
        CHECK(bg_blocked(&a.bg));
        CHECK_STATUS(tq_put(qs[i], item(i + 1), TQ_NOWAIT), TQ_OK);
        CHECK_STATUS(bg_finish(&a.bg), TQ_OK);
        CHECK(a.index == i && item_n(a.bg.item) == i + 1);
        CHECK(a.bg.elapsed_ms < 5000);
    }
    free_queues(qs, 3);
}

static void blocked_get_any_wakes_on_shutdown_of_the_last_open_queue(void) {
    tq_queue *qs[2];
    new_queues(qs, 2);
    any_call a = {.bg = {.timeout_ms = TQ_FOREVER}, .queues = qs, .n = 2, .index = 99};
    bg_start(&a.bg, bg_get_any);
    CHECK(bg_blocked(&a.bg));
    CHECK_STATUS(tq_shutdown(qs[0], false), TQ_OK);
    CHECK(bg_blocked(&a.bg)); /* qs[1] can still produce */
    CHECK_STATUS(tq_shutdown(qs[1], false), TQ_OK);
    CHECK_STATUS(bg_finish(&a.bg), TQ_SHUTDOWN);
    CHECK(a.index == 99);
    free_queues(qs, 2);
}

/* Whether the call is done within `ms` milliseconds. */
static bool bg_done_within(bg_call *c, int64_t ms) {
    for (int64_t t0 = now_ms(); now_ms() - t0 < ms; sleep_ms(1)) {
        if (atomic_load(&c->done)) return true;
    }
    return atomic_load(&c->done);
}

/* A get_any woken by puts to both its queues takes one item; the wake-up
 * it did not use goes on to the next waiter on the other queue (another
 * get_any: a thread blocked in tq_get is woken on its own anyway). Whether
 * the second put reaches the first get_any or the next waiter is a race, so
 * the case runs several times. */
static void a_wake_up_get_any_did_not_use_goes_to_the_next_waiter(void) {
    for (int round = 0; round < 10; round++) {
        tq_queue *qs[2];
        new_queues(qs, 2);
        any_call a = {.bg = {.timeout_ms = TQ_FOREVER}, .queues = qs, .n = 2, .index = 99};
        bg_start(&a.bg, bg_get_any);
        CHECK(bg_blocked_after(&a.bg, 20));
        any_call b = {.bg = {.timeout_ms = TQ_FOREVER}, .queues = &qs[1], .n = 1, .index = 99};
        bg_start(&b.bg, bg_get_any); /* waits on qs[1] behind a */
        CHECK(bg_blocked_after(&b.bg, 20));
        CHECK_STATUS(tq_put(qs[0], item(1), TQ_NOWAIT), TQ_OK);
        CHECK_STATUS(tq_put(qs[1], item(2), TQ_NOWAIT), TQ_OK); /* may wake a again, not b */
        CHECK_STATUS(bg_finish(&a.bg), TQ_OK);
        CHECK(a.index < 2 && item_n(a.bg.item) == a.index + 1);
        if (a.index == 1) { /* a took b's item: b waits on an empty queue, rightly */
            CHECK(bg_blocked(&b.bg));
            CHECK_STATUS(tq_put(qs[1], item(2), TQ_NOWAIT), TQ_OK);
        }
        CHECK(bg_done_within(&b.bg, 5000));
        CHECK_STATUS(bg_finish(&b.bg), TQ_OK);
        CHECK(b.index == 0 && item_n(b.bg.item) == 2);
        free_queues(qs, 2);
    }
}

static void get_any_accepts_the_same_queue_twice(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    tq_queue *qs[2] = {q, q};
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(tq_put(q, item(2), TQ_NOWAIT), TQ_OK);
    for (uintptr_t want = 1; want <= 2; want++) {
        void *x = NULL;
        size_t i = 99;
        CHECK_STATUS(tq_get_any(qs, 2, &x, &i, TQ_NOWAIT), TQ_OK);
        CHECK(i < 2 && item_n(x) == want);
    }
    check_get_any_fails(qs, 2, TQ_NOWAIT, TQ_EMPTY);

    any_call a = {.bg = {.timeout_ms = TQ_FOREVER}, .queues = qs, .n = 2, .index = 99};
    bg_start(&a.bg, bg_get_any);
    CHECK(bg_blocked(&a.bg));
    CHECK_STATUS(tq_put(q, item(3), TQ_NOWAIT), TQ_OK);
    CHECK_STATUS(bg_finish(&a.bg), TQ_OK);
    CHECK(a.index < 2 && item_n(a.bg.item) == 3);

    bg_start(&a.bg, bg_get_any);
    CHECK(bg_blocked(&a.bg));
    CHECK_STATUS(tq_shutdown(q, false), TQ_OK);
    CHECK_STATUS(bg_finish(&a.bg), TQ_SHUTDOWN);
    CHECK(tq_unfinished(q) == 3);
    tq_free(q);
}

static void get_any_rejects_bad_input_and_takes_nothing(void) {
    tq_queue *q = tq_new(0);
    CHECK(q != NULL);
    CHECK_STATUS(tq_put(q, item(1), TQ_NOWAIT), TQ_OK);
    tq_queue *one[1] = {q};
    tq_queue *with_null[2] = {q, NULL};
    tq_queue *null_first[2] = {NULL, q};
    void *x = &untouched;
    size_t index = 99;
    int64_t t0 = now_ms();
    check_get_any_fails(NULL, 1, TQ_FOREVER, TQ_INVALID);
    check_get_any_fails(one, 0, TQ_FOREVER, TQ_INVALID);
    check_get_any_fails(with_null, 2, TQ_FOREVER, TQ_INVALID);
    CHECK(tq_qsize(q) == 1);
    check_get_any_fails(null_first, 2, TQ_FOREVER, TQ_INVALID);
    CHECK(tq_qsize(q) == 1);
    CHECK_STATUS(tq_get_any(one, 1, NULL, &index, TQ_FOREVER), TQ_INVALID);
    CHECK(index == 99 && tq_qsize(q) == 1);
    CHECK_STATUS(tq_get_any(one, 1, &x, NULL, TQ_FOREVER), TQ_INVALID);
    CHECK(x == &untouched && tq_qsize(q) == 1);
    CHECK(now_ms() - t0 < 2000); /* none of them waited */
    CHECK(tq_unfinished(q) == 1);
    CHECK_GET(q, 1);
    tq_free(q);
}

int main(void) {
    watchdog(60);
    RUN_CASE(fds_follow_every_order_bounded_and_unbounded);
    RUN_CASE(same_descriptor_on_every_call);
    RUN_CASE(descriptor_made_late_tells_the_state_at_once);
    RUN_CASE(batch_calls_and_set_maxsize_flip_the_descriptors);
    RUN_CASE(shutdown_makes_both_readable);
    RUN_CASE(immediate_shutdown_makes_both_readable);
    RUN_CASE(shutdown_of_an_empty_queue_makes_get_fd_readable);
    RUN_CASE(a_blocked_poll_wakes_on_put_get_and_shutdown);
    RUN_CASE(tq_free_closes_the_descriptors);
    RUN_CASE(fd_calls_reject_null);
    RUN_CASE(get_any_takes_from_whichever_has_an_item);
    RUN_CASE(get_any_index_names_the_queue_whose_task_it_is);
    RUN_CASE(get_any_keeps_each_queues_order);
    RUN_CASE(get_any_starves_no_queue);
    RUN_CASE(get_any_passes_over_shut_down_and_drained_queues);
    RUN_CASE(get_any_is_empty_at_the_timeout);
    RUN_CASE(blocked_get_any_wakes_on_a_put_to_any_queue);
    RUN_CASE(blocked_get_any_wakes_on_shutdown_of_the_last_open_queue);
    RUN_CASE(a_wake_up_get_any_did_not_use_goes_to_the_next_waiter);
    RUN_CASE(get_any_accepts_the_same_queue_twice);
    RUN_CASE(get_any_rejects_bad_input_and_takes_nothing);
    return 0;
}
