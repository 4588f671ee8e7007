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

static int files_for(const struct ipcb_chan *c, const struct ipcb_sync_chan *s)
{
    return s->whole_files && !(c->use & IPCB_SYNC_LOCK) ? IPCB_SYNC_LOCKS : 1;
}

/* "<dir>/lock<i>" */
static int lock_path(const struct ipcb_sync_chan *s, int i, char *path, size_t len)
{
    char name[16];
    snprintf(name, sizeof name, "lock%d", i);
    return ipcb_dir_path(path, len, s->dir, name);
}

static int locks_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    int rc = ipcb_chan_private_dir(c, s->dir, sizeof s->dir);
    for (int i = 0; rc == 0 && i < files_for(c, s); i++) {
        char path[4200];
        if (lock_path(s, i, path, sizeof path) != 0)
            return -ENAMETOOLONG;
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return ipcb_chan_errno(c, "create of a lock file");
        close(fd);
    }
    return rc;
}

static int flock_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    s->whole_files = 1;
    return locks_init(c, s);
}
#define fcntl_init locks_init
#define flock_fini ipcb_sync_fini_nothing   /* ipcb_sync_free removes the files */
#define fcntl_fini ipcb_sync_fini_nothing

/* take (1) or give (0) lock i */
static int set_lock(struct ipcb_chan *c, int i, int take)
{
    const struct ipcb_sync_chan *s = c->priv;
    int rc;
    do {
        if (s->whole_files) {
            rc = flock(s->fd[i], take ? LOCK_EX : LOCK_UN);
        } else {
            struct flock l = {.l_type = take ? F_WRLCK : F_UNLCK, .l_whence = SEEK_SET,
                              .l_start = i, .l_len = 1};
            rc = fcntl(s->fd[0], F_SETLKW, &l);
        }
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : -errno;
}

static int locks_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_sync_chan *s = c->priv;
    c->side = side;
    for (int i = 0; i < files_for(c, s); i++) {
        char path[4200];
        if (lock_path(s, i, path, sizeof path) != 0)
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
        int rc = mine ? set_lock(c, i, 1) : 0;
        if (rc < 0) {
            ipcb_chan_error(c, "taking lock %d at the start: %s", i, strerror(-rc));
            return rc;
        }
    }
    return 0;
}

/* the next lock of the ring to take or give, or the one lock */
static int step(struct ipcb_chan *c, int take)
{
    struct ipcb_sync_chan *s = c->priv;
    int *next = take ? &s->lock_next_take : &s->lock_next_give;
    int rc = set_lock(c, (c->use & IPCB_SYNC_LOCK) ? 0 : *next, take);
    *next = (*next + 1) % IPCB_SYNC_LOCKS;
    return rc;
}

IPCB_HOT static int locks_give(struct ipcb_chan *c) { return step(c, 0); }
IPCB_HOT static int locks_take(struct ipcb_chan *c) { return step(c, 1); }
#define flock_give locks_give
#define flock_take locks_take
#define fcntl_give locks_give
#define fcntl_take locks_take

/* in the child: its own descriptors, and with them its locks */
static void locks_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_sync_chan *s = c->priv;
    (void)side;
    for (size_t i = 0; i < sizeof s->fd / sizeof s->fd[0]; i++)
        ipcb_close_fd(&s->fd[i]);
}

IPCB_SYNC_PRIMITIVE(flock, "flock", IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
                    "flock on files in a private directory (a hand-off: three, in a ring)",
                    locks_open, locks_close);
IPCB_SYNC_PRIMITIVE(fcntl, "fcntl", IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
                    "fcntl record locks on bytes of a file (a hand-off: three, in a ring)",
                    locks_open, locks_close);
