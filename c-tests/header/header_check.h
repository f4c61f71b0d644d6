/*
 * The checks shared by header_check.c and header_check.cpp: include/tq.h
 * builds in strict C and C++ (the build compiles these files with -Wall
 * -Wextra -Werror -pedantic per language standard), its contract values are
 * the documented ones, and the header, the library and Cargo.toml agree on
 * the version. Each check failure prints a line; header_failures() counts them.
 */
#ifndef TQ_HEADER_CHECK_H
#define TQ_HEADER_CHECK_H

#include "tq.h"

#include <stdio.h>
#include <string.h>

#define TQ_STR2(x) #x
#define TQ_STR(x) TQ_STR2(x)

/* Prints WHAT when COND is false; evaluates to 1 on failure, else 0. */
#define HEADER_CHECK(cond, what) ((cond) ? 0 : (printf("FAIL: %s\n", what), 1))

/* Runs every check; returns how many failed. */
static int header_failures(void) {
    int failed = 0;
    const char *version = tq_version();
    tq_options opts;

    failed += HEADER_CHECK(strcmp(TQ_VERSION, TQ_EXPECTED_VERSION) == 0, "TQ_VERSION equals Cargo.toml's version");
    failed += HEADER_CHECK(version != NULL && strcmp(version, TQ_VERSION) == 0, "tq_version() equals TQ_VERSION");
    failed += HEADER_CHECK(strcmp(TQ_STR(TQ_VERSION_MAJOR) "." TQ_STR(TQ_VERSION_MINOR) "." TQ_STR(TQ_VERSION_PATCH),
                                  TQ_VERSION) == 0,
                           "TQ_VERSION_MAJOR/MINOR/PATCH spell TQ_VERSION");
    failed += HEADER_CHECK(TQ_OK == 0 && TQ_FULL == 1 && TQ_EMPTY == 2 && TQ_SHUTDOWN == 3 && TQ_TIMEOUT == 4 &&
                               TQ_INVALID == 5 && TQ_TOO_MANY_DONE == 6 && TQ_NOMEM == 7 && TQ_INTERNAL == 8 &&
                               TQ_SYSTEM == 9,
                           "tq_status values are the contract's");
    failed += HEADER_CHECK(TQ_FIFO == 0 && TQ_LIFO == 1 && TQ_PRIORITY == 2, "tq_order values are the contract's");
    failed += HEADER_CHECK(TQ_NOWAIT == 0 && TQ_FOREVER == -1 && -TQ_FOREVER == 1, "TQ_NOWAIT is 0, TQ_FOREVER (-1)");

    memset(&opts, 0, sizeof opts);
    opts.struct_size = (uint32_t)sizeof opts;
    opts.order = TQ_LIFO;
    opts.maxsize = 1;
    {
        tq_queue *q = tq_new_with(&opts);
        void *out = NULL;
        failed += HEADER_CHECK(q != NULL, "tq_new_with accepts options built from the header");
        failed += HEADER_CHECK(tq_maxsize(q) == 1, "the options reach the library (maxsize)");
        failed += HEADER_CHECK(tq_put(q, &opts, TQ_NOWAIT) == TQ_OK && tq_put(q, &opts, TQ_NOWAIT) == TQ_FULL,
                               "put fills a queue of maxsize 1");
        failed += HEADER_CHECK(tq_get(q, &out, TQ_NOWAIT) == TQ_OK && out == (void *)&opts, "get returns the item");
        tq_free(q);
    }
    return failed;
}

#endif /* TQ_HEADER_CHECK_H */
