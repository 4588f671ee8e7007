/* An open loop's schedule: waiting for an intended send time without
 * adding lateness of its own. The rate producer uses it, and so does
 * bench/rate_loop.c, which runs the same waits with no transport at all. */
#ifndef IPCB_SCHEDULE_H
#define IPCB_SCHEDULE_H

#include <stdint.h>

struct ipcb_schedule {
    /* a sleep ends this long before the send time and the rest is spun:
     * it follows the wake-ups' own lateness (schedule.c) */
    uint64_t margin_ns;
    uint64_t margin_max_ns;     /* half the period between sends, at most */
    uint64_t timer_slack_ns;    /* the process's timer slack once set, 0 if it could not be */
};

/* sets the calling process's timer slack to 1 ns (prctl PR_SET_TIMERSLACK;
 * the default 50 us makes every sleep end up to 50 us late) and the
 * margin to its starting value, for sends period_ns apart */
void ipcb_schedule_init(struct ipcb_schedule *s, uint64_t period_ns);

/* returns once ipcb_now_ns() reads `when` or later: sleeps the long gaps
 * (CLOCK_MONOTONIC, absolute), spins the last margin_ns */
void ipcb_schedule_wait_until(struct ipcb_schedule *s, uint64_t when);

#endif
