#include "measure/clock.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

uint64_t ipcb_clock_raw(void)
{
#ifdef IPCB_HAVE_TSC
    if (ipcb_tsc_mult != 0)
        return __rdtsc();
#endif
    return monotonic_ns();
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t ipcb_clock_step_of(uint64_t (*read)(void))
{
    enum { READS = 4096 };
    static uint64_t moves[READS]; /* off the stack; the driver measures once, before fork */
    uint64_t prev = read();
    unsigned n = 0;
    for (unsigned i = 0; i < READS; i++) {
        /* a spacing that varies from read to read, so that no period the
         * loop and the clock share can pass for a step */
        for (volatile unsigned k = 0; k < (i * 7u) % 31u; k++)
            ;
        const uint64_t now = read();
        if (now != prev)
            moves[n++] = now - prev;
        prev = now;
    }
    if (n == 0)
        return 0;
    /* The largest step that nine moves in ten are a multiple of, among the
     * divisors of the median move (largest first, so a slow read of a fine
     * clock costs no more than a fast one). Not every move: a VM's TSC that
     * moves in steps shifts its grid by a tick now and then (a move of 1
     * tick, then one of a step less one: 2 % of the moves here), which the
     * least move or a greatest common divisor would take for a step of 1.
     * On a clock that moves by 1, about one move in s is a multiple of s by
     * chance. */
    qsort(moves, n, sizeof moves[0], cmp_u64);
    const uint64_t median = moves[n / 2];
    uint64_t best = 1;
    for (uint64_t d = 1; d <= median / d; d++) {
        if (median % d != 0)
            continue;
        const uint64_t pair[2] = {median / d, d}; /* the larger first */
        for (int j = 0; j < 2; j++) {
            if (pair[j] <= best)
                continue;
            unsigned on = 0;
            for (unsigned i = 0; i < n; i++)
                on += moves[i] % pair[j] == 0;
            if (on >= n - n / 10)
                best = pair[j];
        }
    }
    return best;
}

uint64_t ipcb_clock_step_raw(void) { return ipcb_clock_step_of(ipcb_clock_raw); }

double ipcb_clock_step_ns(void)
{
    const uint64_t step = ipcb_clock_step_raw();
    if (step == 0)
        return NAN;
    return ipcb_tsc_mult != 0 ? (double)step * ipcb_tsc_ns_per_tick : (double)step;
}

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
