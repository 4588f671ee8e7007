/* bench/rate_loop: the rate pattern's open loop with no transport at all,
 * to show the loop's own lateness against its schedule. The same waits as
 * the rate producer (src/patterns/schedule.c) and the same clock as a run
 * with --clock auto; each "send" is the clock read the producer stamps
 * into its message, and its lateness is that read minus the intended time.
 *
 *   rate_loop RATE SECONDS [CPU]
 *
 * prints one line: rate=... messages=... p50_ns=... p99_ns=... p999_ns=...
 * max_ns=... late_over_1us=... cpu_share=... (CPU time over wall time) */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipcbench/histogram.h"
#include "measure/clock.h"
#include "patterns/schedule.h"

static struct ipcb_hist late;

static uint64_t cpu_time_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: rate_loop RATE SECONDS [CPU]\n");
        return 2;
    }
    double rate = strtod(argv[1], NULL), seconds = strtod(argv[2], NULL);
    if (!(rate >= 1 && rate <= 1e8) || !(seconds > 0 && seconds <= 600)) {
        fprintf(stderr, "rate_loop: RATE 1..1e8 per second, SECONDS up to 600\n");
        return 2;
    }
    if (argc == 4) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(atoi(argv[3]), &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            perror("rate_loop: sched_setaffinity");
            return 1;
        }
    }
    char err[256];
    if (ipcb_clock_tsc_trusted() && ipcb_clock_use_tsc(err, sizeof err) != 0)
        fprintf(stderr, "rate_loop: %s; CLOCK_MONOTONIC then\n", err);
    ipcb_hist_init(&late);
    struct ipcb_schedule sched;
    ipcb_schedule_init(&sched, (uint64_t)(1e9 / rate));
    uint64_t total = (uint64_t)(rate * seconds), over_1us = 0;
    uint64_t cpu0 = cpu_time_ns(), t0 = ipcb_now_ns();
    for (uint64_t i = 0; i < total; i++) {
        uint64_t intended = t0 + (uint64_t)((double)i * 1e9 / rate);
        ipcb_schedule_wait_until(&sched, intended);
        uint64_t ns = ipcb_now_ns() - intended;
        ipcb_hist_record(&late, ns);
        over_1us += ns > 1000;
    }
    double wall = (double)(ipcb_now_ns() - t0), cpu = (double)(cpu_time_ns() - cpu0);
    printf("rate=%.0f messages=%llu p50_ns=%llu p99_ns=%llu p999_ns=%llu max_ns=%llu "
           "late_over_1us=%llu cpu_share=%.3f clock=%s timer_slack_ns=%llu\n", rate,
           (unsigned long long)total, (unsigned long long)ipcb_hist_percentile(&late, 50),
           (unsigned long long)ipcb_hist_percentile(&late, 99),
           (unsigned long long)ipcb_hist_percentile(&late, 99.9),
           (unsigned long long)late.max, (unsigned long long)over_1us, cpu / wall,
           ipcb_tsc_mult ? "tsc" : "monotonic", (unsigned long long)sched.timer_slack_ns);
    return 0;
}
