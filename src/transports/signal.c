/* Realtime signals: each message is one signal, sent with sigqueue to the
 * other side's pid and taken with sigtimedwait from a blocked set. The
 * signal's value (si_value) carries the payload, 8 bytes at most, and which
 * signal it is carries the length: SIGRTMIN+1+len, len 0..8. Realtime
 * signals queue (up to RLIMIT_SIGPENDING) and one number arrives in the
 * order it was sent; ipcbench sends one size per run, so every message of
 * a run travels on the same number and stays in order.
 *
 * The sides learn each other's pid through one anonymous shared page, made
 * in the parent before fork: each writes its own there in open, after it
 * has blocked the signals, so nothing can arrive unblocked (a realtime
 * signal's default action would end the process). Signals go to a pid, so
 * no other run's reach this one; what comes from any pid but the other
 * side's is counted and dropped. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ipcbench/transport.h"

#define SIG_PAYLOAD 8u          /* bytes in a union sigval */
#define SIG_FIRST 1             /* the length-0 message is SIGRTMIN + SIG_FIRST */
#define SIG_TICK_NS 100000000L  /* a receive looks whether the other side lives this often */

_Static_assert(sizeof(union sigval) >= SIG_PAYLOAD, "si_value carries 8 bytes");

struct sig_pids {
    _Atomic pid_t pid[2];       /* [IPCB_PRODUCER], [IPCB_CONSUMER]; 0 until open */
};

struct sig_chan {
    struct sig_pids *shared;    /* the anonymous shared page */
    pid_t peer;                 /* the other side, once it has opened */
    sigset_t set;               /* the signals that carry messages */
    unsigned long strays;       /* signals from another pid, dropped */
};

static void sig_limit(struct ipcb_limit *lim)
{
    lim->max_message = SIG_PAYLOAD;
    lim->fixed = "a signal's si_value carries 8 bytes";
}

static void sig_destroy(struct ipcb_chan *c)
{
    struct sig_chan *p = c->priv;
    if (!p)
        return;
    if (p->shared)
        munmap(p->shared, sizeof *p->shared);
    free(p);
    c->priv = NULL;
}

static int sig_create(struct ipcb_chan *c)
{
    if (c->msg_max > SIG_PAYLOAD) {
        ipcb_chan_error(c, "a %zu-byte message does not fit a signal's 8-byte si_value",
                        c->msg_max);
        return -EMSGSIZE;
    }
    struct sig_chan *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    c->priv = p;
    void *page = mmap(NULL, sizeof *p->shared, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        int rc = ipcb_chan_errno(c, "mmap of the pid page");
        sig_destroy(c);
        return rc;
    }
    p->shared = page;
    sigemptyset(&p->set);
    for (int len = 0; len <= (int)SIG_PAYLOAD; len++)
        sigaddset(&p->set, SIGRTMIN + SIG_FIRST + len);
    return 0;
}

/* block first, then say who we are: the other side sends only to a pid it
 * has read here */
static int sig_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct sig_chan *p = c->priv;
    c->side = side;
    int rc = sigprocmask(SIG_BLOCK, &p->set, NULL);
    if (rc != 0)
        return ipcb_chan_errno(c, "sigprocmask");
    atomic_store_explicit(&p->shared->pid[side], getpid(), memory_order_release);
    return 0;
}

/* the other side's pid; both have opened before the start barrier, so
 * only a call before it could wait here */
static pid_t sig_peer(struct sig_chan *p, enum ipcb_side side)
{
    if (p->peer == 0) {
        _Atomic pid_t *other = &p->shared->pid[side == IPCB_PRODUCER ? IPCB_CONSUMER
                                                                     : IPCB_PRODUCER];
        while ((p->peer = atomic_load_explicit(other, memory_order_acquire)) == 0)
            sched_yield();
    }
    return p->peer;
}

/* a full queue of pending signals (EAGAIN) empties as the other side
 * takes them: yield and send again */
static IPCB_HOT ssize_t sig_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct sig_chan *p = c->priv;
    if (len > SIG_PAYLOAD) {
        ipcb_chan_error(c, "a %zu-byte message does not fit a signal's 8-byte si_value", len);
        return -EMSGSIZE;
    }
    union sigval v;
    memset(&v, 0, sizeof v);
    memcpy(&v, buf, len);
    pid_t peer = sig_peer(p, c->side);
    while (sigqueue(peer, SIGRTMIN + SIG_FIRST + (int)len, v) != 0) {
        if (errno != EAGAIN)
            return ipcb_chan_errno(c, "sigqueue");
        sched_yield();
    }
    return (ssize_t)len;
}

/* the next signal from the other side; -EPIPE when it is gone */
static IPCB_HOT ssize_t sig_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    struct sig_chan *p = c->priv;
    pid_t peer = sig_peer(p, c->side);
    const struct timespec tick = {.tv_sec = 0, .tv_nsec = SIG_TICK_NS};
    siginfo_t info;
    for (;;) {
        int sig = sigtimedwait(&p->set, &info, &tick);
        if (sig < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                return ipcb_chan_errno(c, "sigtimedwait");
            if (kill(peer, 0) != 0 && errno == ESRCH) {
                ipcb_chan_error(c, "the other side (pid %ld) is gone", (long)peer);
                return -EPIPE;
            }
            continue;
        }
        if (info.si_pid != peer || info.si_code != SI_QUEUE) {
            p->strays++;
            continue;
        }
        size_t got = (size_t)(sig - SIGRTMIN - SIG_FIRST);
        memcpy(buf, &info.si_value, got < len ? got : len);
        return (ssize_t)got;
    }
}

/* the signals stay blocked: whatever is still pending goes with the process */
static void sig_close(struct ipcb_chan *c, enum ipcb_side side)
{
    (void)c;
    (void)side;
}

const struct ipcb_transport ipcb_signal = {
    .name = "signal",
    .summary = "realtime signals (sigqueue), 8 bytes in si_value, sigtimedwait",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_PROCESSES_ONLY, .wait_default = "block",
    .limit = sig_limit,
    .create = sig_create, .open = sig_open, .send = sig_send, .recv = sig_recv,
    .close = sig_close, .destroy = sig_destroy,
};
