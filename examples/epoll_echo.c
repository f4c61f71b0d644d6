/*
 * epoll_echo.c: one thread serves TCP echo clients and a tq queue, all in
 * one epoll set.
 *
 * Worker threads never touch the sockets: they hand their messages (heap
 * strings) to the loop thread through a queue. The loop thread waits in
 * epoll_wait on the listening socket, the client sockets and the queue's
 * get descriptor (tq_get_fd), which polls readable while a get would not
 * block. When the queue is readable, the loop takes messages with TQ_NOWAIT
 * until TQ_EMPTY and prints each; when a client sends bytes, it echoes
 * them. The last worker to finish shuts the queue down: its descriptor then
 * stays readable and the get says TQ_SHUTDOWN, so the loop stops watching
 * it. The program ends once the queue is done and its last client has hung
 * up (so a run needs at least one client).
 *
 * Run:  ./build/epoll_echo [workers [messages per worker]]   (default 3 5)
 *       and in another terminal: nc 127.0.0.1 PORT  (the port it prints)
 *
 * Linux only (epoll). c-tests/check_epoll_echo.c runs it in ctest.
 */
#define _POSIX_C_SOURCE 200809L

#include "tq.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* At most this many messages wait in the queue; a worker then blocks. */
#define QUEUE_BOUND 16

/* At most this many workers. */
#define MAX_WORKERS 64

/* What the workers share. */
struct work {
    tq_queue *q;
    long messages;      /* per worker */
    atomic_int running; /* workers not finished yet */
};

/* One worker thread. */
struct worker {
    struct work *work;
    int id;
    pthread_t thread;
};

/* Prints what failed, with errno's text, and exits. */
static void die(const char *what) {
    perror(what);
    exit(EXIT_FAILURE);
}

/* Exits with a message unless STATUS is TQ_OK. */
static void check(tq_status status, const char *what) {
    if (status != TQ_OK) {
        fprintf(stderr, "%s failed: %s\n", what, tq_status_str(status));
        exit(EXIT_FAILURE);
    }
}

/* The queue's destructor: frees the messages still queued when it is freed. */
static void free_message(void *msg, void *ctx) {
    (void)ctx;
    free(msg);
}

/* A worker: puts its messages, then, if it is the last to finish, shuts
 * the queue down so that the loop knows no more will come. */
static void *worker_main(void *arg) {
    struct worker *w = arg;
    for (long k = 0; k < w->work->messages; k++) {
        char *msg = malloc(64);
        if (!msg) die("malloc");
        snprintf(msg, 64, "worker %d message %ld", w->id, k);
        check(tq_put(w->work->q, msg, TQ_FOREVER), "tq_put");
    }
    if (atomic_fetch_sub(&w->work->running, 1) == 1) check(tq_shutdown(w->work->q, false), "tq_shutdown");
    return NULL;
}

/* Takes and prints every message queued now. Returns false once the queue
 * is shut down and drained: nothing more will come. */
static bool drain(tq_queue *q, long *handled) {
    void *msg;
    tq_status s;
    while ((s = tq_get(q, &msg, TQ_NOWAIT)) == TQ_OK) {
        printf("%s\n", (char *)msg);
        free(msg);
        (*handled)++;
    }
    if (s == TQ_SHUTDOWN) return false;
    if (s != TQ_EMPTY) check(s, "tq_get");
    return true;
}

/* Echoes what client FD sent. Returns false when it has hung up. (The
 * writes may block: fine for clients that read their echoes.) */
static bool echo(int fd, long *echoed) {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) return false; /* 0: hung up; < 0: reset */
    for (ssize_t off = 0; off < n;) {
        ssize_t sent = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
        if (sent < 0 && errno != EINTR) return false;
        if (sent > 0) off += sent;
    }
    *echoed += n;
    return true;
}

/* A socket listening on 127.0.0.1 at a port the system picks; prints the port. */
static int listen_on_loopback(void) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof addr;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
    if (listen(fd, 16) != 0) die("listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0) die("getsockname");
    printf("listening on 127.0.0.1 port %d\n", ntohs(addr.sin_port));
    fflush(stdout);
    return fd;
}

/* Accepts a client on LISTENER; -1 if it gave up already. Echoes go out at
 * once (TCP_NODELAY), not held back by Nagle's algorithm. */
static int accept_client(int listener) {
    int fd = accept(listener, NULL, NULL);
    int one = 1;
    if (fd >= 0 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt");
    return fd;
}

/* Adds FD to the epoll set EP, watched for reading. */
static void watch(int ep, int fd) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
}

/* Argument I of ARGV, a whole number in [MIN, MAX], or DFLT when it is not given. */
static long count_arg(int argc, char **argv, int i, long dflt, long min, long max) {
    if (argc <= i) return dflt;
    char *end;
    long n = strtol(argv[i], &end, 10);
    if (*argv[i] == '\0' || *end != '\0' || n < min || n > max) {
        fprintf(stderr, "usage: epoll_echo [workers (1-%d) [messages per worker]]\n", MAX_WORKERS);
        exit(EXIT_FAILURE);
    }
    return n;
}

int main(int argc, char **argv) {
    int nworkers = (int)count_arg(argc, argv, 1, 3, 1, MAX_WORKERS);
    struct work work = {.messages = count_arg(argc, argv, 2, 5, 0, 1000000000L), .running = nworkers};
    struct worker workers[MAX_WORKERS];

    tq_options opts = {.struct_size = sizeof opts, .order = TQ_FIFO, .maxsize = QUEUE_BOUND, .destroy = free_message};
    check(tq_create(&opts, &work.q), "tq_create");
    int queue_fd;
    check(tq_get_fd(work.q, &queue_fd), "tq_get_fd"); /* the queue's to close, not ours */

    int listener = listen_on_loopback();
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    watch(ep, listener);
    watch(ep, queue_fd);

    for (int i = 0; i < nworkers; i++) {
        workers[i] = (struct worker){.work = &work, .id = i};
        int err = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
        if (err != 0) {
            fprintf(stderr, "pthread_create failed: %s\n", strerror(err));
            return EXIT_FAILURE;
        }
    }

    long handled = 0, echoed = 0;
    int clients = 0;
    bool queue_done = false, had_client = false;
    /* Serve until no more messages will come and the last client has left. */
    while (!queue_done || clients > 0 || !had_client) {
        struct epoll_event events[16];
        int n = epoll_wait(ep, events, 16, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == queue_fd) {
                if (!drain(work.q, &handled)) {
                    /* A shut-down queue's descriptor stays readable: stop watching it. */
                    if (epoll_ctl(ep, EPOLL_CTL_DEL, queue_fd, NULL) != 0) die("epoll_ctl");
                    queue_done = true;
                }
            } else if (fd == listener) {
                int client = accept_client(listener);
                if (client < 0) continue;
                watch(ep, client);
                clients++;
                had_client = true;
            } else if (!echo(fd, &echoed)) {
                if (epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) != 0) die("epoll_ctl");
                close(fd);
                clients--;
            }
        }
    }

    for (int i = 0; i < nworkers; i++) pthread_join(workers[i].thread, NULL);
    printf("handled %ld messages, echoed %ld bytes\n", handled, echoed);
    close(ep);
    close(listener);
    tq_free(work.q); /* also closes queue_fd */
    return EXIT_SUCCESS;
}
