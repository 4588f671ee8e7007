/* Primitives the kernel holds: a System V semaphore set, eventfds, a
 * realtime signal and pipes. Each hand-off has one object per direction;
 * side s waits on its own and posts the peer's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "sync/sync.h"
#include "transports/ledger.h"

/* --- sysv-sem: a hand-off is a set of 2 ([s] is side s's token); a lock is
 * a set of 1 at 1, taken with SEM_UNDO so a side that dies gives it back --- */

static int ssem_create(struct ipcb_chan *c)
{
    int rc = ipcb_sync_new(c);
    if (rc < 0)
        return rc;
    struct ipcb_sync_chan *s = c->priv;
    const int lock = (c->use & IPCB_SYNC_LOCK) != 0;
    s->semid = semget(IPC_PRIVATE, lock ? 1 : 2, IPC_CREAT | 0600);
    if (s->semid < 0) {
        rc = ipcb_chan_errno(c, "semget");
        return rc == -ENOSYS ? -EOPNOTSUPP : rc;
    }
    ipcb_ledger_sysv("sem", s->semid);
    unsigned short values[2] = {lock ? 1 : 0, 0};
    if (semctl(s->semid, 0, SETALL, values) != 0)
        return ipcb_chan_errno(c, "semctl SETALL");
    return 0;
}

static void ssem_destroy(struct ipcb_chan *c)
{
    struct ipcb_sync_chan *s = c->priv;
    if (s && s->semid >= 0)
        semctl(s->semid, 0, IPC_RMID);
    ipcb_sync_free(c);
}

static ssize_t ssem_op(struct ipcb_chan *c, unsigned short num, short op, size_t len)
{
    const struct ipcb_sync_chan *s = c->priv;
    struct sembuf b = {.sem_num = num, .sem_op = op,
                       .sem_flg = (c->use & IPCB_SYNC_LOCK) ? SEM_UNDO : 0};
    while (semop(s->semid, &b, 1) != 0)
        if (errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t ssem_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    return ssem_op(c, (c->use & IPCB_SYNC_LOCK) ? 0 : (unsigned short)(1 - c->side), 1, len);
}

IPCB_HOT static ssize_t ssem_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    return ssem_op(c, (c->use & IPCB_SYNC_LOCK) ? 0 : (unsigned short)c->side, -1, len);
}

const struct ipcb_transport ipcb_sync_sysv_sem = {
    .name = "sysv-sem",
    .summary = "System V semaphore set (semop); a lock takes it with SEM_UNDO",
    .flags = IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
    .create = ssem_create, .open = ipcb_sync_open_nothing, .send = ssem_send,
    .recv = ssem_recv, .close = ipcb_sync_close_nothing, .destroy = ssem_destroy,
};

/* --- eventfd: fd[s] counts side s's tokens --- */

static int efd_create(struct ipcb_chan *c)
{
    int rc = ipcb_sync_new(c);
    if (rc < 0)
        return rc;
    struct ipcb_sync_chan *s = c->priv;
    for (int i = 0; i < 2; i++)
        if ((s->fd[i] = eventfd(0, EFD_CLOEXEC)) < 0)
            return ipcb_chan_errno(c, "eventfd");
    return 0;
}

IPCB_HOT static ssize_t efd_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    const struct ipcb_sync_chan *s = c->priv;
    uint64_t one = 1;
    while (write(s->fd[1 - c->side], &one, sizeof one) != (ssize_t)sizeof one)
        if (errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t efd_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    const struct ipcb_sync_chan *s = c->priv;
    uint64_t v;
    while (read(s->fd[c->side], &v, sizeof v) != (ssize_t)sizeof v)
        if (errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

const struct ipcb_transport ipcb_sync_eventfd = {
    .name = "eventfd",
    .summary = "two eventfds, one per direction (write 1, read)",
    .flags = IPCB_SYNC_HANDOFF,
    .create = efd_create, .open = ipcb_sync_open_nothing, .send = efd_send,
    .recv = efd_recv, .close = ipcb_sync_close_nothing, .destroy = ipcb_sync_free,
};

/* --- rt-signal: sigqueue to the peer's pid (each side writes its own in
 * the shared area at open, before the start barrier), sigwaitinfo on the
 * signal, blocked so it queues instead of being delivered --- */

static sigset_t rt_set;     /* this side's: the one signal */

static int rts_open(struct ipcb_chan *c, enum ipcb_side side)
{
    c->side = side;
    sigemptyset(&rt_set);
    sigaddset(&rt_set, SIGRTMIN);
    if (sigprocmask(SIG_BLOCK, &rt_set, NULL) != 0)
        return ipcb_chan_errno(c, "sigprocmask");
    atomic_store(&ipcb_sync_area(c)->pid[side], (int)getpid());
    return 0;
}

IPCB_HOT static ssize_t rts_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    pid_t peer = atomic_load_explicit(&ipcb_sync_area(c)->pid[1 - c->side],
                                      memory_order_relaxed);
    if (sigqueue(peer, SIGRTMIN, (union sigval){.sival_int = 0}) != 0)
        return -errno;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t rts_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)c;
    (void)buf;
    siginfo_t info;
    while (sigwaitinfo(&rt_set, &info) < 0)
        if (errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

const struct ipcb_transport ipcb_sync_rt_signal = {
    .name = "rt-signal",
    .summary = "a realtime signal (sigqueue, sigwaitinfo) to the peer's pid",
    .flags = IPCB_SYNC_HANDOFF,
    .create = ipcb_sync_new, .open = rts_open, .send = rts_send,
    .recv = rts_recv, .close = ipcb_sync_close_nothing, .destroy = ipcb_sync_free,
};

/* --- pipe: side s reads a byte from fd[2s] (its pipe's read end), and
 * writes one to fd[2(1-s)+1] (the peer's pipe's write end) --- */

static int pipe_create(struct ipcb_chan *c)
{
    int rc = ipcb_sync_new(c);
    if (rc < 0)
        return rc;
    struct ipcb_sync_chan *s = c->priv;
    if (pipe(&s->fd[0]) != 0 || pipe(&s->fd[2]) != 0)
        return ipcb_chan_errno(c, "pipe");
    return 0;
}

IPCB_HOT static ssize_t pipe_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    const struct ipcb_sync_chan *s = c->priv;
    char b = 't';
    while (write(s->fd[2 * (1 - c->side) + 1], &b, 1) != 1)
        if (errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t pipe_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    const struct ipcb_sync_chan *s = c->priv;
    char b;
    for (;;) {
        ssize_t n = read(s->fd[2 * c->side], &b, 1);
        if (n == 1)
            return (ssize_t)len;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

const struct ipcb_transport ipcb_sync_pipe = {
    .name = "pipe",
    .summary = "one byte through one of two pipes",
    .flags = IPCB_SYNC_HANDOFF,
    .create = pipe_create, .open = ipcb_sync_open_nothing, .send = pipe_send,
    .recv = pipe_recv, .close = ipcb_sync_close_nothing, .destroy = ipcb_sync_free,
};
