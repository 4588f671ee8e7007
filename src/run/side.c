/* Bookkeeping the patterns share; none of it runs between two clock reads. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "run/side.h"

int ipcb_side_fail(struct ipcb_side_args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->res->error, sizeof a->res->error, fmt, ap);
    va_end(ap);
    a->res->failed = 1;
    return -1;
}

int ipcb_side_io_error(struct ipcb_side_args *a, const char *what, uint64_t seq, ssize_t rc)
{
    if (a->chan->err[0])
        return ipcb_side_fail(a, "%s of message %llu: %s", what,
                              (unsigned long long)seq, a->chan->err);
    if (rc == 0)
        return ipcb_side_fail(a, "%s of message %llu: the other side closed the channel",
                              what, (unsigned long long)seq);
    if (rc < 0)
        return ipcb_side_fail(a, "%s of message %llu: %s", what, (unsigned long long)seq,
                              strerror((int)-rc));
    return ipcb_side_fail(a, "%s of message %llu: %zd of %llu bytes", what,
                          (unsigned long long)seq, rc, (unsigned long long)a->size);
}

/* The CPU a side spends over its timed span: getrusage splits it into user
 * and kernel time, but the kernel may account that in ticks; the process
 * CPU clock is exact to the nanosecond, so cpu_ns_per_msg comes from it.
 * A side that is a thread (--sides threads) reads its thread's own. */
static _Thread_local struct rusage usage_at_start;
static _Thread_local struct timespec cpu_at_start;

static int usage_who(const struct ipcb_side_args *a)
{
    return a->as_thread ? RUSAGE_THREAD : RUSAGE_SELF;
}

static clockid_t cpu_clock(const struct ipcb_side_args *a)
{
    return a->as_thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID;
}

static uint64_t ts_ns(struct timespec ts)
{
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ipcb_side_usage_begin(struct ipcb_side_args *a)
{
    getrusage(usage_who(a), &usage_at_start);
    clock_gettime(cpu_clock(a), &cpu_at_start);
}

static double tv_seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void ipcb_side_usage_end(struct ipcb_side_args *a)
{
    struct timespec cpu_now;
    clock_gettime(cpu_clock(a), &cpu_now);
    struct rusage now;
    getrusage(usage_who(a), &now);
    a->res->cpu_ns = ts_ns(cpu_now) - ts_ns(cpu_at_start);
    a->res->cpu_user_s = tv_seconds(now.ru_utime) - tv_seconds(usage_at_start.ru_utime);
    a->res->cpu_sys_s = tv_seconds(now.ru_stime) - tv_seconds(usage_at_start.ru_stime);
    a->res->max_rss_kib = now.ru_maxrss;
    a->res->ctx_switches = (uint64_t)((now.ru_nvcsw - usage_at_start.ru_nvcsw) +
                                      (now.ru_nivcsw - usage_at_start.ru_nivcsw));
    a->res->voluntary_switches = (uint64_t)(now.ru_nvcsw - usage_at_start.ru_nvcsw);
}

void ipcb_side_inject(struct ipcb_side_args *a, unsigned char *buf)
{
    if (a->inject_payload && a->size > 16)
        buf[a->size / 2 + 8] ^= 0x5a;
    else
        buf[0] ^= 0x01;
}
