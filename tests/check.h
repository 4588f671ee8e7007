/* A few lines of test scaffolding: count checks, report failures, exit status. */
#ifndef IPCB_TEST_CHECK_H
#define IPCB_TEST_CHECK_H

#include <stdio.h>

static int checks_run, checks_failed;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        checks_run++;                                                      \
        if (!(cond)) {                                                     \
            checks_failed++;                                               \
            fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);         \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

static inline int checks_done(void)
{
    printf("%d checks, %d failed\n", checks_run, checks_failed);
    return checks_failed ? 1 : 0;
}

#endif
