/*
 * tq_events: what tq_get_fd / tq_put_fd cost. Moves items 1..ITEMS through
 * one FIFO queue in one cell and prints one line on stdout:
 *
 *   events,CELL,MODE,ITEMS,SECONDS,CPU_SECONDS,WRITES,READS,LIBRARY
 *   na,CELL,MODE,LIBRARY          the library has no tq_get_fd/tq_put_fd
 *
 * CELL:  spsc_unbounded | spsc_bounded_1024 | mpmc_2x2_bounded_1024
 * MODE:  none   no descriptor
 *        getfd  tq_get_fd made; consumers still block in tq_get
 *        both   tq_get_fd and tq_put_fd made; blocking puts and gets
 *        loop   (SPSC) tq_get_fd made; the consumer poll(2)s it and gets
 *               with TQ_NOWAIT until TQ_EMPTY, as an event loop does
 * --pin  pins thread i (producers first, then consumers, alternating) to
 *        the i-th allowed CPU, round robin.
 *
 * WRITES and READS are the write(2)/read(2) calls the process made during
 * the timed run (syscw/syscr of /proc/self/io, less what reading that file
 * costs): the benchmark itself makes none, so they are the library's
 * descriptor writes and reads. SECONDS goes from the first thread's start
 * to the last thread's end, after one untimed warm-up run of ITEMS/10;
 * CPU_SECONDS is the user and system time all threads used meanwhile.
 *
 * tq_get_fd and tq_put_fd are looked up at run time (dlsym), so the same
 * binary runs against a library from before they existed (LD_LIBRARY_PATH
 * picks the library). The last producer shuts the queue down; consumers
 * stop at TQ_SHUTDOWN. A wrong checksum exits with status 1, a queue error
 * or bad usage with status 2.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <tq.h>

/* tq_get_fd / tq_put_fd's type. */
typedef tq_status (*fd_fn)(tq_queue *q, int *fd_out);

/* One row of the matrix: threads and bound. */
typedef struct cell {
    const char *name;
    int producers, consumers;
    size_t bound; /* 0 = unbounded */
} cell;

static const cell cells[] = {
    {"spsc_unbounded", 1, 1, 0},
    {"spsc_bounded_1024", 1, 1, 1024},
    {"mpmc_2x2_bounded_1024", 2, 2, 1024},
};

enum mode { MODE_NONE, MODE_GETFD, MODE_BOTH, MODE_LOOP };
static const char *const mode_names[] = {"none", "getfd", "both", "loop"};

static void die(const char *what, const char *detail) {
    fprintf(stderr, "tq_events: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static void check(tq_status s, const char *call) {
    if (s != TQ_OK) die(call, tq_status_str(s));
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* /proc/self/io, opened once and re-read with pread. */
static int proc_io = -1;

/* The process's read(2) and write(2) calls so far (all threads, live or joined). */
static void syscalls(uint64_t *reads, uint64_t *writes) {
    char buf[512];
    ssize_t n = pread(proc_io, buf, sizeof buf - 1, 0);
    if (n <= 0) die("cannot read /proc/self/io", NULL);
    buf[n] = '\0';
    const char *r = strstr(buf, "syscr:"), *w = strstr(buf, "syscw:");
    if (!r || !w) die("/proc/self/io has no syscr/syscw", NULL);
    *reads = strtoull(r + 6, NULL, 10);
    *writes = strtoull(w + 6, NULL, 10);
}

/* User plus system seconds the process (every thread) has used so far. */
static double cpu_seconds(void) {
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0) die("getrusage", NULL);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/* What the consumers saw: count, sum and sum of squares (mod 2^64). */
typedef struct checksum {
    uint64_t count, sum, sumsq;
} checksum;

static void checksum_add(checksum *c, uintptr_t item) {
    c->count++;
    c->sum += item;
    c->sumsq += (uint64_t)item * item;
}

/* State shared by the threads of one run. */
typedef struct run {
    tq_queue *q;
    enum mode mode;
    int get_fd;             /* polled by a MODE_LOOP consumer */
    size_t per_producer;
    atomic_int producers_left;
    pthread_barrier_t start;
} run;

/* One thread of a run; it reads the clock itself at its start and end. */
typedef struct worker {
    run *r;
    size_t first;  /* a producer puts first .. first + per_producer - 1 */
    int cpu;       /* pinned to it, or -1 */
    checksum got;  /* what a consumer got */
    double start, end;
} worker;

static void worker_go(worker *w) {
    if (w->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(w->cpu, &set);
        if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) die("pthread_setaffinity_np", NULL);
    }
    pthread_barrier_wait(&w->r->start);
    w->start = now_seconds();
}

static void *producer(void *p) {
    worker *w = p;
    run *r = w->r;
    worker_go(w);
    for (size_t i = 0; i < r->per_producer; i++) check(tq_put(r->q, (void *)(w->first + i), TQ_FOREVER), "tq_put");
    if (atomic_fetch_sub(&r->producers_left, 1) == 1) check(tq_shutdown(r->q, false), "tq_shutdown");
    w->end = now_seconds();
    return NULL;
}

/* Gets until TQ_SHUTDOWN: blocking, or as an event loop (MODE_LOOP). */
static void *consumer(void *p) {
    worker *w = p;
    run *r = w->r;
    checksum got = {0}; /* local: no false sharing with the other consumer */
    worker_go(w);
    void *item;
    if (r->mode == MODE_LOOP) {
        for (;;) {
            struct pollfd pfd = {.fd = r->get_fd, .events = POLLIN};
            if (poll(&pfd, 1, -1) < 0) die("poll", NULL);
            tq_status s;
            while ((s = tq_get(r->q, &item, TQ_NOWAIT)) == TQ_OK) checksum_add(&got, (uintptr_t)item);
            if (s == TQ_SHUTDOWN) break;
            if (s != TQ_EMPTY) check(s, "tq_get");
        }
    } else {
        tq_status s;
        while ((s = tq_get(r->q, &item, TQ_FOREVER)) == TQ_OK) checksum_add(&got, (uintptr_t)item);
        if (s != TQ_SHUTDOWN) check(s, "tq_get");
    }
    w->end = now_seconds();
    w->got = got;
    return NULL;
}

/* The CPUs this process may run on. */
static int allowed_cpus(int *cpus, int max) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) die("sched_getaffinity", NULL);
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < max; c++)
        if (CPU_ISSET(c, &set)) cpus[n++] = c;
    return n;
}

/* What one run measured (see the top of the file). */
typedef struct result {
    double seconds, cpu_seconds;
    uint64_t writes, reads;
} result;

/* One run of n items through a fresh queue; the CPU time, reads and writes
 * count from the first thread's spawn to the last one's join. Exits on a
 * wrong checksum. */
static result run_cell(const cell *c, enum mode mode, size_t n, bool pin, fd_fn get_fd, fd_fn put_fd) {
    int np = c->producers, nt = c->producers + c->consumers;
    run r = {.q = tq_new(c->bound), .mode = mode, .get_fd = -1, .per_producer = n / (size_t)np};
    if (!r.q) die("tq_new returned NULL", NULL);
    if (mode != MODE_NONE) check(get_fd(r.q, &r.get_fd), "tq_get_fd");
    if (mode == MODE_BOTH) {
        int unused;
        check(put_fd(r.q, &unused), "tq_put_fd");
    }
    atomic_init(&r.producers_left, np);
    pthread_barrier_init(&r.start, NULL, (unsigned)nt);
    int cpus[CPU_SETSIZE], ncpu = allowed_cpus(cpus, CPU_SETSIZE);
    pthread_t threads[nt];
    worker w[nt];
    uint64_t r0, w0, r1, w1, r2, w2;
    syscalls(&r0, &w0);
    syscalls(&r1, &w1); /* r1 - r0: what one look at /proc/self/io costs */
    double cpu0 = cpu_seconds();
    for (int i = 0; i < nt; i++) {
        /* Producers are 0..np-1, consumers np..: alternate them over the CPUs. */
        int slot = i < np ? 2 * i : 2 * (i - np) + 1;
        w[i] = (worker){.r = &r, .first = 1 + (size_t)i * r.per_producer, .cpu = pin ? cpus[slot % ncpu] : -1};
        if (pthread_create(&threads[i], NULL, i < np ? producer : consumer, &w[i]) != 0) die("pthread_create", NULL);
    }
    checksum all = {0};
    for (int i = 0; i < nt; i++) {
        pthread_join(threads[i], NULL);
        all.count += w[i].got.count;
        all.sum += w[i].got.sum;
        all.sumsq += w[i].got.sumsq;
    }
    result res = {.cpu_seconds = cpu_seconds() - cpu0};
    syscalls(&r2, &w2);
    res.reads = (r2 - r1) - (r1 - r0);
    res.writes = (w2 - w1) - (w1 - w0);
    pthread_barrier_destroy(&r.start);
    tq_free(r.q);

    checksum want = {0};
    for (size_t i = 1; i <= n; i++) checksum_add(&want, i);
    if (all.count != want.count || all.sum != want.sum || all.sumsq != want.sumsq) {
        fprintf(stderr, "CHECKSUM MISMATCH in %s/%s: got count=%llu sum=%llu sumsq=%llu, want count=%llu\n",
                c->name, mode_names[mode], (unsigned long long)all.count, (unsigned long long)all.sum,
                (unsigned long long)all.sumsq, (unsigned long long)want.count);
        exit(1);
    }
    double start = w[0].start, end = w[0].end;
    for (int i = 1; i < nt; i++) {
        if (w[i].start < start) start = w[i].start;
        if (w[i].end > end) end = w[i].end;
    }
    res.seconds = end - start;
    return res;
}

static void usage(void) {
    fprintf(stderr, "usage: tq_events spsc_unbounded|spsc_bounded_1024|mpmc_2x2_bounded_1024 "
                    "none|getfd|both|loop ITEMS [--pin]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "--pin") != 0)) usage();
    const cell *c = NULL;
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        if (strcmp(argv[1], cells[i].name) == 0) c = &cells[i];
    int mode = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(argv[2], mode_names[i]) == 0) mode = i;
    char *end;
    unsigned long long items = strtoull(argv[3], &end, 10);
    if (!c || mode < 0 || *end != '\0' || items == 0) usage();
    if (mode == MODE_LOOP && (c->producers != 1 || c->consumers != 1)) die("loop is for the SPSC cells", NULL);
    size_t n = (size_t)items / (size_t)c->producers * (size_t)c->producers;
    if (n == 0) usage();

    Dl_info lib;
    const char *lib_name = dladdr((void *)tq_new, &lib) && lib.dli_fname ? lib.dli_fname : "?";
    fd_fn get_fd = (fd_fn)dlsym(RTLD_DEFAULT, "tq_get_fd");
    fd_fn put_fd = (fd_fn)dlsym(RTLD_DEFAULT, "tq_put_fd");
    if (mode != MODE_NONE && (!get_fd || !put_fd)) {
        printf("na,%s,%s,%s\n", c->name, mode_names[mode], lib_name);
        return 0;
    }
    proc_io = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
    if (proc_io < 0) die("cannot open /proc/self/io", NULL);

    size_t warm = n / 10 / (size_t)c->producers * (size_t)c->producers;
    if (warm > 0) run_cell(c, mode, warm, argc == 5, get_fd, put_fd);
    result res = run_cell(c, mode, n, argc == 5, get_fd, put_fd);
    printf("events,%s,%s,%zu,%.6f,%.6f,%llu,%llu,%s\n", c->name, mode_names[mode], n, res.seconds, res.cpu_seconds,
           (unsigned long long)res.writes, (unsigned long long)res.reads, lib_name);
    return 0;
}
