#ifndef IPCB_CLOCK_H
#define IPCB_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC through the vDSO: one clock for both processes */
static inline uint64_t ipcb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* median cost of one clock read, in ns, measured over a short loop */
double ipcb_clock_read_cost_ns(void);

#endif
