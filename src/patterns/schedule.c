/* The rate producer's wait for each send time. A sleep on a busy VM wakes
 * 20-80 us after it was asked to even with a timer slack of 1 ns (and
 * milliseconds late when the CPU is taken away), so a fixed margin either
 * spins most of the time or is late often. The margin follows the wake-ups
 * instead, as a running quantile: a wake-up later than the margin widens it
 * by a quarter, any other narrows it by 1/512, so it settles where about
 * one wake-up in 129 is later than the margin (one outlier moves it by a
 * quarter, not to the outlier), and that send is late by what the margin
 * was short: the lateness columns show how much. The margin never passes
 * half the period, so the loop sleeps at least half of each gap it can
 * sleep in: a loop that spins all the time is, to the scheduler, a CPU hog,
 * and on a busy CPU a hog waits behind the others for milliseconds, where
 * a task that sleeps is run as soon as it wakes. */
#include <errno.h>
#include <sys/prctl.h>
#include <time.h>

#include "common/cpu_relax.h"
#include "measure/clock.h"
#include "patterns/schedule.h"

#define MARGIN_START_NS 100000u
#define MARGIN_MIN_NS 10000u
#define MARGIN_MAX_NS 250000u   /* past this the CPU was taken away; spinning would not help */
#define SLEEP_MIN_NS 20000u     /* a gap past the margin shorter than this is spun */

void ipcb_schedule_init(struct ipcb_schedule *s, uint64_t period_ns)
{
    s->margin_max_ns = period_ns / 2 < MARGIN_MAX_NS ? period_ns / 2 : MARGIN_MAX_NS;
    if (s->margin_max_ns < MARGIN_MIN_NS)
        s->margin_max_ns = MARGIN_MIN_NS;
    s->margin_ns = MARGIN_START_NS < s->margin_max_ns ? MARGIN_START_NS : s->margin_max_ns;
    s->timer_slack_ns = 0;
    if (prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) == 0)
        s->timer_slack_ns = (uint64_t)prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL);
}

/* sleep ns from now, on CLOCK_MONOTONIC whichever clock ipcb_now_ns reads */
static void sleep_ns(uint64_t ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t wake = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + ns;
    ts.tv_sec = (time_t)(wake / 1000000000ull);
    ts.tv_nsec = (long)(wake % 1000000000ull);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static void follow(struct ipcb_schedule *s, uint64_t overslept)
{
    if (overslept >= s->margin_ns)
        s->margin_ns += s->margin_ns / 4;
    else
        s->margin_ns -= s->margin_ns / 512;
    if (s->margin_ns < MARGIN_MIN_NS)
        s->margin_ns = MARGIN_MIN_NS;
    if (s->margin_ns > s->margin_max_ns)
        s->margin_ns = s->margin_max_ns;
}

void ipcb_schedule_wait_until(struct ipcb_schedule *s, uint64_t when)
{
    uint64_t now = ipcb_now_ns();
    if (now >= when)
        return;
    if (when - now > s->margin_ns + SLEEP_MIN_NS) {
        uint64_t wake = when - s->margin_ns;
        sleep_ns(wake - now);
        uint64_t woke = ipcb_now_ns();
        follow(s, woke > wake ? woke - wake : 0);
    }
    while (ipcb_now_ns() < when)
        ipcb_cpu_relax();
}
