/*
 * stress: a configurable MPMC stress run of the C ABI (see stress.h for what
 * it does and checks). Exits 0 when every check passed, 1 on a lost,
 * duplicated or foreign item or an unexpected status, 2 when the watchdog
 * caught a hang.
 *
 *   stress [-p producers] [-c consumers] [-q capacity, 0 = unbounded]
 *          [-n items] [-t seconds] [-s none|drain|immediate]
 *          [-o fifo|lifo|priority] [-w watchdog seconds] [-r seed]
 *
 * The long variant: stress -p 4 -c 4 -q 1024 -n 100000000 -w 3600
 */
#include "stress.h"

static void usage(void)
{
    fprintf(stderr, "usage: stress [-p producers] [-c consumers] [-q capacity (0 = unbounded)] [-n items]\n"
                    "              [-t seconds] [-s none|drain|immediate] [-o fifo|lifo|priority]\n"
                    "              [-w watchdog seconds] [-r seed]\n");
    exit(64);
}

/* Parses a whole non-negative number or exits with the usage. */
static unsigned long long number(const char *s)
{
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end != '\0')
        usage();
    return n;
}

/* The index of `s` in `names`, or exits with the usage. */
static int choice(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    usage();
    return -1;
}

int main(int argc, char **argv)
{
    static const char *const shutdowns[] = {"none", "drain", "immediate"};
    static const char *const orders[] = {"fifo", "lifo", "priority"};
    struct stress_config cfg = {
        .producers = 4,
        .consumers = 4,
        .capacity = 16,
        .items = 1000000,
        .shutdown = STRESS_NONE,
        .order = TQ_FIFO,
        .watchdog = 120,
        .seed = 1,
    };
    int opt;
    while ((opt = getopt(argc, argv, "p:c:q:n:t:s:o:w:r:")) != -1) {
        switch (opt) {
        case 'p': cfg.producers = (unsigned)number(optarg); break;
        case 'c': cfg.consumers = (unsigned)number(optarg); break;
        case 'q': cfg.capacity = (size_t)number(optarg); break;
        case 'n': cfg.items = number(optarg); break;
        case 't': cfg.seconds = strtod(optarg, NULL); break;
        case 's': cfg.shutdown = (enum stress_shutdown)choice(optarg, shutdowns, 3); break;
        case 'o': cfg.order = (tq_order)choice(optarg, orders, 3); break;
        case 'w': cfg.watchdog = (unsigned)number(optarg); break;
        case 'r': cfg.seed = number(optarg); break;
        default: usage();
        }
    }
    if (optind != argc || cfg.producers == 0 || cfg.consumers == 0 || cfg.watchdog == 0)
        usage();
    return stress_run(&cfg);
}
