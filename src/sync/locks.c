/* File locks as primitives: flock on whole files, fcntl record locks on
 * bytes of one file, all in a private directory that create makes.
 *
 * A lock only excludes, it does not signal, so a hand-off between two
 * processes takes three locks (files lock0..2 for flock, bytes 0..2 for
 * fcntl) passed round in a ring. At rest the producer holds 0 and 1, the
 * consumer 2 (taken in open, before the start barrier). Passing the token
 * is releasing the lock one took longest ago; waiting for it is taking the
 * next lock of the ring, which the peer still holds:
 *
 *   producer: give 0, take 2, give 1, take 0, give 2, take 1, ...
 *   consumer: take 0, give 2, take 1, give 0, take 2, give 1, ...
 *
 * Each take blocks until the peer's matching give, and a side never takes
 * back the lock it just gave (it takes the other side's one), so the two
 * strictly alternate: a true hand-off, each wait ended by the peer's
 * release. Neither waits for a lock while the other waits for one of its,
 * so the kernel's deadlock detection (fcntl's EDEADLK) never sees a cycle.
 * A lock (contention) is lock0 or byte 0 alone.
 *
 * Each side opens the files itself: flock locks belong to an open file
 * description, which a descriptor inherited over fork would share. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "sync/sync.h"
#include "transports/private_dir.h"

static int files_for(const struct ipcb_chan *c, int whole_files)
{
    return whole_files && !(c->use & IPCB_SYNC_LOCK) ? IPCB_SYNC_LOCKS : 1;
}

static int locks_create(struct ipcb_chan *c, int whole_files)
{
    int rc = ipcb_sync_new(c);
    if (rc < 0)
        return rc;
    struct ipcb_sync_chan *s = c->priv;
    if ((rc = ipcb_chan_private_dir(c, s->dir, sizeof s->dir)) < 0)
        return rc;
    for (int i = 0; i < files_for(c, whole_files); i++) {
        char name[16], path[4200];
        snprintf(name, sizeof name, "lock%d", i);
        if (ipcb_dir_path(path, sizeof path, s->dir, name) != 0)
            return -ENAMETOOLONG;
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return ipcb_chan_errno(c, "create of a lock file");
        close(fd);
    }
    return 0;
}

static int flock_create(struct ipcb_chan *c) { return locks_create(c, 1); }
static int fcntl_create(struct ipcb_chan *c) { return locks_create(c, 0); }

/* take (1) or give (0) lock i */
static int set_lock(struct ipcb_chan *c, int whole_files, int i, int take)
{
    const struct ipcb_sync_chan *s = c->priv;
    int rc;
    do {
        if (whole_files) {
            rc = flock(s->fd[i], take ? LOCK_EX : LOCK_UN);
        } else {
            struct flock l = {.l_type = take ? F_WRLCK : F_UNLCK, .l_whence = SEEK_SET,
                              .l_start = i, .l_len = 1};
            rc = fcntl(s->fd[0], F_SETLKW, &l);
        }
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : -errno;
}

static int locks_open(struct ipcb_chan *c, enum ipcb_side side, int whole_files)
{
    struct ipcb_sync_chan *s = c->priv;
    c->side = side;
    for (int i = 0; i < files_for(c, whole_files); i++) {
        char name[16], path[4200];
        snprintf(name, sizeof name, "lock%d", i);
        if (ipcb_dir_path(path, sizeof path, s->dir, name) != 0)
            return -ENAMETOOLONG;
        if ((s->fd[i] = open(path, O_RDWR | O_CLOEXEC)) < 0)
            return ipcb_chan_errno(c, "open of a lock file");
    }
    if (c->use & IPCB_SYNC_LOCK)
        return 0;
    /* the ring's starting point (above) */
    s->lock_next_give = side == IPCB_PRODUCER ? 0 : 2;
    s->lock_next_take = side == IPCB_PRODUCER ? 2 : 0;
    for (int i = 0; i < IPCB_SYNC_LOCKS; i++) {
        int mine = side == IPCB_PRODUCER ? i < 2 : i == 2;
        int rc = mine ? set_lock(c, whole_files, i, 1) : 0;
        if (rc < 0) {
            ipcb_chan_error(c, "taking lock %d at the start: %s", i, strerror(-rc));
            return rc;
        }
    }
    return 0;
}

static int flock_open(struct ipcb_chan *c, enum ipcb_side side) { return locks_open(c, side, 1); }
static int fcntl_open(struct ipcb_chan *c, enum ipcb_side side) { return locks_open(c, side, 0); }

static ssize_t step(struct ipcb_chan *c, int whole_files, int take, size_t len)
{
    struct ipcb_sync_chan *s = c->priv;
    int *next = take ? &s->lock_next_take : &s->lock_next_give;
    int i = (c->use & IPCB_SYNC_LOCK) ? 0 : *next;
    int rc = set_lock(c, whole_files, i, take);
    if (rc < 0)
        return rc;
    *next = (*next + 1) % IPCB_SYNC_LOCKS;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t flock_send(struct ipcb_chan *c, const void *b, size_t len)
{
    (void)b;
    return step(c, 1, 0, len);
}
IPCB_HOT static ssize_t flock_recv(struct ipcb_chan *c, void *b, size_t len)
{
    (void)b;
    return step(c, 1, 1, len);
}
IPCB_HOT static ssize_t fcntl_send(struct ipcb_chan *c, const void *b, size_t len)
{
    (void)b;
    return step(c, 0, 0, len);
}
IPCB_HOT static ssize_t fcntl_recv(struct ipcb_chan *c, void *b, size_t len)
{
    (void)b;
    return step(c, 0, 1, len);
}

/* in the child: its own descriptors, and with them its locks */
static void locks_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_sync_chan *s = c->priv;
    (void)side;
    for (size_t i = 0; i < sizeof s->fd / sizeof s->fd[0]; i++)
        ipcb_close_fd(&s->fd[i]);
}

const struct ipcb_transport ipcb_sync_flock = {
    .name = "flock",
    .summary = "flock on files in a private directory (a hand-off: three, in a ring)",
    .flags = IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
    .create = flock_create, .open = flock_open, .send = flock_send, .recv = flock_recv,
    .close = locks_close, .destroy = ipcb_sync_free,
};

const struct ipcb_transport ipcb_sync_fcntl = {
    .name = "fcntl",
    .summary = "fcntl record locks on bytes of a file (a hand-off: three, in a ring)",
    .flags = IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
    .create = fcntl_create, .open = fcntl_open, .send = fcntl_send, .recv = fcntl_recv,
    .close = locks_close, .destroy = ipcb_sync_free,
};
