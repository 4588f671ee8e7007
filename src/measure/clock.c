#include "measure/clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "measure/confidence.h"
#include "measure/environment.h"
#ifdef IPCB_HAVE_TSC
#include <cpuid.h>
#endif

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* median ns per call of read, over 15 rounds of 20000 calls */
static double read_cost(uint64_t (*read)(void))
{
    enum { ROUNDS = 15, READS = 20000 };
    double per_read[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = read();
        volatile uint64_t sink = 0; /* keeps the reads */
        for (int i = 0; i < READS; i++)
            sink += read();
        uint64_t t1 = read();
        per_read[r] = (double)(t1 - t0) / READS;
    }
    return ipcb_median(per_read, ROUNDS);
}

static uint64_t active_clock_ns(void) { return ipcb_now_ns(); }

double ipcb_clock_read_cost_ns(void) { return read_cost(active_clock_ns); }

double ipcb_monotonic_read_cost_ns(void) { return read_cost(monotonic_ns); }

double ipcb_tsc_ns_per_tick;
double ipcb_clock_cost_ns;
uint64_t ipcb_tsc_mult;

#ifdef IPCB_HAVE_TSC
/* invariant TSC: CPUID 0x80000007, EDX bit 8 -- same rate in every
 * P-state and C-state, so ticks convert to time */
static int tsc_invariant(void)
{
    unsigned eax, ebx, ecx, edx;
    return __get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) && (edx & (1u << 8));
}
#endif

int ipcb_clock_tsc_trusted(void)
{
#ifdef IPCB_HAVE_TSC
    char source[64];
    return tsc_invariant() &&
           ipcb_read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                          source, sizeof source) == 0 &&
           strcmp(source, "tsc") == 0;
#else
    return 0;
#endif
}

int ipcb_clock_use_tsc(char *err, size_t errlen)
{
#ifdef IPCB_HAVE_TSC
    if (!tsc_invariant()) {
        snprintf(err, errlen, "--clock tsc: this CPU's TSC is not invariant "
                              "(CPUID 0x80000007 EDX bit 8 is clear); use --clock monotonic");
        return -ENOTSUP;
    }
    enum { ROUNDS = 3 };
    double ratio[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        struct timespec t0, t1, pause = {0, 20000000};
        clock_gettime(CLOCK_MONOTONIC, &t0);
        uint64_t c0 = __rdtsc();
        nanosleep(&pause, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        uint64_t c1 = __rdtsc();
        double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
        ratio[r] = c1 > c0 ? ns / (double)(c1 - c0) : 0.0;
    }
    const double ns_per_tick = ipcb_median(ratio, ROUNDS);
    if (ns_per_tick <= 0.0) {
        snprintf(err, errlen, "--clock tsc: the TSC did not advance during calibration");
        return -ENOTSUP;
    }
    /* ns per tick in 32.32 fixed point: 2^-32 ns of resolution per tick
     * is a part in 10^9 at a few GHz, far below the calibration's error */
    ipcb_tsc_mult = (uint64_t)(ns_per_tick * 4294967296.0 + 0.5);
    ipcb_tsc_ns_per_tick = (double)ipcb_tsc_mult / 4294967296.0;
    return 0;
#else
    snprintf(err, errlen, "--clock tsc: no TSC on this architecture; use --clock monotonic");
    return -ENOTSUP;
#endif
}
