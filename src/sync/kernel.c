/* Primitives the kernel holds: a System V semaphore set, eventfds, a
 * realtime signal and pipes. Each hand-off has one object per direction;
 * side s waits on its own and posts the peer's. */
#include <errno.h>
#include <fcntl.h>
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

static int ssem_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    const int lock = (c->use & IPCB_SYNC_LOCK) != 0;
    s->semid = semget(IPC_PRIVATE, lock ? 1 : 2, IPC_CREAT | 0600);
    if (s->semid < 0) {
        int rc = ipcb_chan_errno(c, "semget");
        return rc == -ENOSYS ? -EOPNOTSUPP : rc;
    }
    ipcb_ledger_sysv("sem", s->semid);
    unsigned short values[2] = {lock ? 1 : 0, 0};
    return semctl(s->semid, 0, SETALL, values) == 0 ? 0 : ipcb_chan_errno(c, "semctl SETALL");
}

static void ssem_fini(struct ipcb_sync_chan *s)
{
    if (s->semid >= 0)
        semctl(s->semid, 0, IPC_RMID);
    s->semid = -1;
}

/* one semop on semaphore num, or on the lock's when the channel is one */
static int ssem_op(struct ipcb_chan *c, int num, short op)
{
    const struct ipcb_sync_chan *s = c->priv;
    const int lock = (c->use & IPCB_SYNC_LOCK) != 0;
    struct sembuf b = {.sem_num = (unsigned short)(lock ? 0 : num), .sem_op = op,
                       .sem_flg = lock ? SEM_UNDO : 0};
    while (semop(s->semid, &b, 1) != 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

IPCB_HOT static int ssem_give(struct ipcb_chan *c) { return ssem_op(c, 1 - (int)c->side, 1); }
IPCB_HOT static int ssem_take(struct ipcb_chan *c) { return ssem_op(c, (int)c->side, -1); }

IPCB_SYNC_PRIMITIVE(ssem, "sysv-sem", IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
                    "System V semaphore set (semop); a lock takes it with SEM_UNDO",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);

/* --- descriptors: for eventfd fd[s] counts side s's tokens; for pipe,
 * side s reads a byte from fd[2s] (its pipe's read end) and writes one to
 * fd[2(1-s)+1] (the peer's pipe's write end) --- */

static int efd_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    for (int i = 0; i < 2; i++)
        if ((s->fd[i] = eventfd(0, EFD_CLOEXEC)) < 0)
            return ipcb_chan_errno(c, "eventfd");
    return 0;
}

static int pipe_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    if (pipe2(&s->fd[0], O_CLOEXEC) != 0 || pipe2(&s->fd[2], O_CLOEXEC) != 0)
        return ipcb_chan_errno(c, "pipe");
    return 0;
}

#define efd_fini ipcb_sync_fini_nothing     /* ipcb_sync_free closes the fds */
#define pipe_fini ipcb_sync_fini_nothing

/* all of len bytes to or from fd; 0 or -errno (-EPIPE at end of file) */
static int fd_io(int fd, void *buf, size_t len, int writing)
{
    for (;;) {
        ssize_t n = writing ? write(fd, buf, len) : read(fd, buf, len);
        if (n == (ssize_t)len)
            return 0;
        if (n >= 0)
            return -EPIPE;
        if (errno != EINTR)
            return -errno;
    }
}

IPCB_HOT static int efd_give(struct ipcb_chan *c)
{
    uint64_t one = 1;
    return fd_io(((struct ipcb_sync_chan *)c->priv)->fd[1 - c->side], &one, sizeof one, 1);
}

IPCB_HOT static int efd_take(struct ipcb_chan *c)
{
    uint64_t v;
    return fd_io(((struct ipcb_sync_chan *)c->priv)->fd[c->side], &v, sizeof v, 0);
}

IPCB_HOT static int pipe_give(struct ipcb_chan *c)
{
    char b = 't';
    return fd_io(((struct ipcb_sync_chan *)c->priv)->fd[2 * (1 - c->side) + 1], &b, 1, 1);
}

IPCB_HOT static int pipe_take(struct ipcb_chan *c)
{
    char b;
    return fd_io(((struct ipcb_sync_chan *)c->priv)->fd[2 * c->side], &b, 1, 0);
}

IPCB_SYNC_PRIMITIVE(efd, "eventfd", IPCB_SYNC_HANDOFF,
                    "two eventfds, one per direction (write 1, read)",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);
IPCB_SYNC_PRIMITIVE(pipe, "pipe", IPCB_SYNC_HANDOFF, "one byte through one of two pipes",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);

/* --- rt-signal: sigqueue to the peer's pid (each side writes its own in
 * the shared area at open, before the start barrier), sigwaitinfo on the
 * signal, blocked so it queues instead of being delivered --- */

#define rts_init ipcb_sync_init_nothing
#define rts_fini ipcb_sync_fini_nothing
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

IPCB_HOT static int rts_give(struct ipcb_chan *c)
{
    pid_t peer = atomic_load_explicit(&ipcb_sync_area(c)->pid[1 - c->side],
                                      memory_order_relaxed);
    return sigqueue(peer, SIGRTMIN, (union sigval){.sival_int = 0}) == 0 ? 0 : -errno;
}

IPCB_HOT static int rts_take(struct ipcb_chan *c)
{
    (void)c;
    siginfo_t info;
    while (sigwaitinfo(&rt_set, &info) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

IPCB_SYNC_PRIMITIVE(rts, "rt-signal", IPCB_SYNC_HANDOFF | IPCB_PROCESSES_ONLY,
                    "a realtime signal (sigqueue, sigwaitinfo) to the peer's pid",
                    rts_open, ipcb_sync_close_nothing);
