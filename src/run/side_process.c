/* One side of a measurement, in the child the driver forked (or a thread
 * of it, side_thread.c): pin it, take its scheduling and memory settings,
 * open its channel ends, wait at the start barrier, run the pattern's loop,
 * close, and exit with the result in the shared area. */
#include "run/side_process.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "measure/clock.h"
#include "measure/message.h"

/* what to do about an error that a resource limit caused */
const char *ipcb_limit_hint(int err)
{
    switch (err) {
    case EMFILE: return " (the per-process open-file limit: raise it with ulimit -n)";
    case ENFILE: return " (the system's open-file table is full: sysctl fs.file-max)";
    case EAGAIN: return " (a process or locked-memory limit: see ulimit -u and ulimit -l)";
    case ENOSPC: return " (a system-wide count of such objects is used up: see ipcs -l "
                        "and the fs.mqueue and kernel.msgmni sysctls)";
    default: return "";
    }
}

/* size bytes, 64-byte aligned, with the IPCB_MSG_HEADROOM the transports
 * may use in front (transport.h); lives as long as the child */
static unsigned char *message_buffer(uint64_t size)
{
    _Static_assert(IPCB_MSG_HEADROOM % 64 == 0, "the payload stays 64-byte aligned");
    size_t bytes = ((size_t)size + 63) & ~(size_t)63;
    unsigned char *b = aligned_alloc(64, IPCB_MSG_HEADROOM + (bytes ? bytes : 64));
    if (!b)
        return NULL;
    b += IPCB_MSG_HEADROOM;
    ipcb_msg_fill(b, (size_t)size);
    return b;
}

/* the side could not get ready: the reason into its result, for the driver
 * to report, and out */
__attribute__((noreturn, format(printf, 2, 3)))
static void side_fails(struct ipcb_side_result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error, sizeof res->error, fmt, ap);
    va_end(ap);
    res->failed = 1;
    _exit(1);
}

/* the side on its CPU (-1: anywhere) and, with --rt-prio, under SCHED_FIFO */
static void place_side(const struct ipcb_plan *p, int cpu, struct ipcb_side_result *res)
{
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0)
            side_fails(res, "cannot pin to CPU %d: %s", cpu, strerror(errno));
    }
    if (p->rt_prio) {
        struct sched_param sp = {.sched_priority = p->rt_prio};
        if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
            side_fails(res, "cannot run under SCHED_FIFO priority %d: %s (needs root, "
                       "CAP_SYS_NICE or ulimit -r %d)", p->rt_prio, strerror(errno),
                       p->rt_prio);
    }
}

void ipcb_side_child(pid_t parent)
{
    /* die with the driver, and let a signal from the terminal stop us too */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
}

int ipcb_side_run(const struct ipcb_plan *p, struct ipcb_measurement *m, size_t proc,
                  uint64_t size, struct ipcb_chan *group_chans, int ready_fd, int go_fd)
{
    const struct ipcb_layout *lay = &m->lay;
    const unsigned index = (unsigned)(proc % lay->n_sides);
    const struct ipcb_side_decl *decl = &lay->sides[index];
    struct ipcb_side_result *res = ipcb_proc_result(m, proc);
    const int cpu = p->cpu[index == 0 ? 0 : 1];

    place_side(p, cpu, res);
    struct ipcb_side_args a = {
        .chan = &group_chans[decl->ends[0].channel], .side_index = index, .pattern = m->pat,
        .sh = ipcb_group_shared(m, proc / lay->n_sides), .res = res, .size = size,
        .warmup = p->warmup, .duration_ns = p->duration_ns, .cap_ns = p->cap_ns, .verify_full = p->verify_full,
        .as_thread = p->sides_threads,
        .buf = message_buffer(size), .rbuf = message_buffer(size),
        .expect = message_buffer(size), .inject_seq = UINT64_MAX,
    };
    /* test hook: IPCBENCH_INJECT=seq:N or payload:N spoils message N, sent
     * by the pattern's first side */
    const char *inject = getenv("IPCBENCH_INJECT");
    if (inject && index == 0) {
        unsigned long long n;
        if (sscanf(inject, "seq:%llu", &n) == 1)
            a.inject_seq = n;
        else if (sscanf(inject, "payload:%llu", &n) == 1)
            a.inject_seq = n, a.inject_payload = 1;
    }
    if (!a.buf || !a.rbuf || !a.expect)
        side_fails(res, "out of memory for %llu-byte buffers", (unsigned long long)size);
    for (unsigned e = 0; e < decl->n_ends; e++) {
        struct ipcb_chan *chan = a.chans[e] = &group_chans[decl->ends[e].channel];
        int rc = chan->t->open(chan, decl->ends[e].end);
        if (rc < 0)
            side_fails(res, "open: %.300s%s", chan->err[0] ? chan->err : strerror(-rc),
                       ipcb_limit_hint(-rc));
    }
    /* locked after the buffers and the channel exist, so the timed loop
     * never takes a page fault on them */
    if (p->mlock && mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
        side_fails(res, "mlockall: %s (raise the locked-memory limit with ulimit -l, or run "
                   "as root)", strerror(errno));
    /* the start barrier: say we are ready, then wait for the driver to close go */
    char byte = 'r', sink;
    if (write(ready_fd, &byte, 1) != 1)
        _exit(1);
    close(ready_fd);
    while (read(go_fd, &sink, 1) < 0 && errno == EINTR)
        ;
    close(go_fd);

    int rc = decl->run(&a);
    if (rc != 0) {
        res->failed_ns = ipcb_now_ns();
        /* a thread's peers may wait on it for ever: the process ends now
         * and the driver reports this side's reason */
        if (a.as_thread)
            _exit(1);
    }
    for (unsigned e = 0; e < decl->n_ends; e++)
        a.chans[e]->t->close(a.chans[e], decl->ends[e].end);
    cpu_set_t mine;
    res->cpu = sched_getaffinity(0, sizeof mine, &mine) == 0 && CPU_COUNT(&mine) == 1
                   ? sched_getcpu() : -1;
    return rc;
}

void ipcb_side_process(const struct ipcb_plan *p, struct ipcb_measurement *m, size_t proc,
                       uint64_t size, pid_t parent, int ready_fd, int go_fd)
{
    ipcb_side_child(parent);
    struct ipcb_chan *group_chans = &m->chan[proc / m->lay.n_sides * m->lay.n_channels];
    _exit(ipcb_side_run(p, m, proc, size, group_chans, ready_fd, go_fd) == 0 ? 0 : 1);
}

