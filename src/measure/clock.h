#ifndef IPCB_CLOCK_H
#define IPCB_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define IPCB_HAVE_TSC 1
#endif

/* ns per TSC tick once the TSC is calibrated, 0 for CLOCK_MONOTONIC; and
 * the same as a 32.32 fixed-point multiplier, which is what the reads use:
 * ipcb_tsc_ns_per_tick is ipcb_tsc_mult / 2^32 exactly. Both set in the
 * driver before fork, so both sides read the same clock. */
extern double ipcb_tsc_ns_per_tick;
extern uint64_t ipcb_tsc_mult;
/* the cost of one read of the clock in use, ns, as the driver measured it
 * for meta.json before fork (ipcb_collect_meta); 0 until measured */
extern double ipcb_clock_cost_ns;

/* CLOCK_MONOTONIC through the vDSO, or the calibrated invariant TSC: one
 * clock for both processes either way. The TSC's ticks become ns in integer
 * arithmetic, a 64x64->128 multiply and a shift: the conversion through a
 * double costs a sign branch and two range-checked conversions, which in a
 * stream of 15 ns messages is a visible part of each. */
static inline uint64_t ipcb_now_ns(void)
{
#ifdef IPCB_HAVE_TSC
    if (ipcb_tsc_mult != 0) {
        __extension__ typedef unsigned __int128 u128;
        return (uint64_t)(((u128)__rdtsc() * ipcb_tsc_mult) >> 32);
    }
#endif
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* median cost of one read of the clock in use, in ns, over a short loop */
double ipcb_clock_read_cost_ns(void);

/* The least the clock in use moves by, in its own units (TSC ticks, or ns)
 * and in ns: over 4096 reads at uneven spacing, the largest divisor of the
 * median move that nine moves in ten are a multiple of. A VM's TSC may move
 * in steps of many ticks (one seen here moved by 26 ticks, 10 ns, at a
 * time), so that every time it gives is a multiple of the step and a p50
 * near it moves in steps. 0 and NAN when the clock did not move over the
 * reads (a coarse clock). */
uint64_t ipcb_clock_step_raw(void);
/* the same for any clock: read gives its readings (for the tests) */
uint64_t ipcb_clock_step_of(uint64_t (*read)(void));
double ipcb_clock_step_ns(void);
/* one read of the clock in use in those units */
uint64_t ipcb_clock_raw(void);
/* the same for CLOCK_MONOTONIC whatever clock is in use: the machine's
 * floor, which does not depend on --clock */
double ipcb_monotonic_read_cost_ns(void);

/* switch to the TSC: checks it is invariant, calibrates it against
 * CLOCK_MONOTONIC (about 60 ms); 0, or -ENOTSUP with the reason in err */
int ipcb_clock_use_tsc(char *err, size_t errlen);

/* whether --clock auto may take the TSC: it is invariant and the kernel
 * times with it itself, which it does only once it has found the TSCs of
 * all CPUs in step (on a VM it often has not, and takes kvm-clock) */
int ipcb_clock_tsc_trusted(void);

#endif
