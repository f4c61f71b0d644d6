/*
 * check_epoll_echo: runs examples/epoll_echo (its path is argv[1]) with
 * 4 workers x 200 messages and talks to it with two clients at once, then
 * with one. Checks: each client gets back every byte it sent, in order;
 * every worker message is printed exactly once; the summary line counts
 * them and the echoed bytes; the server exits with status 0.
 */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

/* The example's stdout is a pipe this reads only at the end: the messages
 * (~20 KB) must fit in it. */
enum { WORKERS = 4, MESSAGES = 200, ROUNDS = 100, MAX_CHUNK = 8192 };

/* The server's process id, for the timeout handler. */
static pid_t server = -1;

/* At exit (a failed CHECK too): kills and reaps the server if it still runs. */
static void kill_server(void) {
    if (server > 0) {
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
    }
}

/* SIGALRM: kills the server and fails. */
static void timed_out(int sig) {
    (void)sig;
    static const char msg[] = "FAIL check_epoll_echo: timed out\n";
    kill_server();
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(1);
}

/* Starts the example; returns its stdout. */
static FILE *start_server(const char *path) {
    int out[2];
    CHECK(pipe(out) == 0);
    server = fork();
    CHECK(server >= 0);
    if (server == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        char workers[16], messages[16];
        snprintf(workers, sizeof workers, "%d", WORKERS);
        snprintf(messages, sizeof messages, "%d", MESSAGES);
        execl(path, path, workers, messages, (char *)NULL);
        perror(path);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    CHECK(f != NULL);
    return f;
}

/* A client connected to 127.0.0.1 at `port`; a read waits at most 10 s. */
static int connect_to(int port) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    CHECK(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0);
    struct timeval limit = {.tv_sec = 10};
    CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) == 0);
    return fd;
}

/* One client's bytes in flight: sent, echo not read yet. */
typedef struct chunk {
    unsigned char bytes[MAX_CHUNK];
    size_t len;
} chunk;

/* Sends a chunk of 1..MAX_CHUNK pseudo-random bytes (any value, newlines too). */
static void send_chunk(int fd, chunk *c, uint32_t *rng) {
    *rng = *rng * 1664525u + 1013904223u;
    c->len = 1 + (*rng >> 8) % MAX_CHUNK;
    for (size_t i = 0; i < c->len; i++) {
        *rng = *rng * 1664525u + 1013904223u;
        c->bytes[i] = (unsigned char)(*rng >> 24);
    }
    for (size_t off = 0; off < c->len;) {
        ssize_t n = send(fd, c->bytes + off, c->len - off, MSG_NOSIGNAL);
        CHECK(n > 0);
        off += (size_t)n;
    }
}

/* Reads the echo of `c` and checks it byte for byte. */
static void check_echo(int fd, const chunk *c) {
    unsigned char got[MAX_CHUNK];
    for (size_t off = 0; off < c->len;) {
        ssize_t n = recv(fd, got + off, c->len - off, 0);
        CHECK(n > 0);
        off += (size_t)n;
    }
    CHECK(memcmp(got, c->bytes, c->len) == 0);
}

/* Echo rounds with clients a and b (b < 0: a alone); returns the bytes sent. */
static long echo_rounds(int a, int b, uint32_t *rng) {
    static chunk ca, cb;
    long sent = 0;
    for (int r = 0; r < ROUNDS; r++) {
        send_chunk(a, &ca, rng);
        if (b >= 0) send_chunk(b, &cb, rng);
        if (b >= 0) check_echo(b, &cb);
        check_echo(a, &ca);
        sent += (long)ca.len + (b >= 0 ? (long)cb.len : 0);
    }
    return sent;
}

static void serves_clients_and_every_message_once(const char *path) {
    FILE *out = start_server(path);
    int port = 0;
    char line[256];
    CHECK(fgets(line, sizeof line, out) != NULL);
    CHECK(sscanf(line, "listening on 127.0.0.1 port %d", &port) == 1 && port > 0);

    uint32_t rng = 1;
    int a = connect_to(port), b = connect_to(port);
    long sent = echo_rounds(a, b, &rng);
    close(b);
    sent += echo_rounds(a, -1, &rng); /* the server still serves the one left */
    close(a);

    static bool seen[WORKERS][MESSAGES];
    long handled = -1, echoed = -1, messages = 0;
    while (fgets(line, sizeof line, out)) {
        int w, k;
        if (sscanf(line, "worker %d message %d", &w, &k) == 2) {
            CHECK(w >= 0 && w < WORKERS && k >= 0 && k < MESSAGES);
            CHECK(!seen[w][k]);
            seen[w][k] = true;
            messages++;
        } else {
            CHECK(sscanf(line, "handled %ld messages, echoed %ld bytes", &handled, &echoed) == 2);
        }
    }
    fclose(out);
    printf("  %ld messages printed once each, %ld bytes echoed to 2 clients\n", messages, sent);
    CHECK(messages == (long)WORKERS * MESSAGES);
    CHECK(handled == messages);
    CHECK(echoed == sent);

    int status = 0;
    CHECK(waitpid(server, &status, 0) == server);
    server = -1;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: check_epoll_echo PATH-TO-epoll_echo\n");
        return 2;
    }
    atexit(kill_server);
    signal(SIGALRM, timed_out);
    alarm(60);
    check_case = "serves_clients_and_every_message_once";
    serves_clients_and_every_message_once(argv[1]);
    printf("ok   %s\n", check_case);
    return 0;
}
