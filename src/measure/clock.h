#ifndef IPCB_CLOCK_H
#define IPCB_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define IPCB_HAVE_TSC 1
#endif

/* ns per TSC tick once --clock tsc calibrated it, 0 for CLOCK_MONOTONIC.
 * Set in the driver before fork, so both sides read the same clock. */
extern double ipcb_tsc_ns_per_tick;

/* CLOCK_MONOTONIC through the vDSO, or the calibrated invariant TSC: one
 * clock for both processes either way */
static inline uint64_t ipcb_now_ns(void)
{
#ifdef IPCB_HAVE_TSC
    if (ipcb_tsc_ns_per_tick != 0.0)
        return (uint64_t)((double)__rdtsc() * ipcb_tsc_ns_per_tick);
#endif
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* median cost of one read of the clock in use, in ns, over a short loop */
double ipcb_clock_read_cost_ns(void);
/* the same for CLOCK_MONOTONIC whatever clock is in use: the machine's
 * floor, which does not depend on --clock */
double ipcb_monotonic_read_cost_ns(void);

/* switch to the TSC: checks it is invariant, calibrates it against
 * CLOCK_MONOTONIC (about 60 ms); 0, or -ENOTSUP with the reason in err */
int ipcb_clock_use_tsc(char *err, size_t errlen);

#endif
