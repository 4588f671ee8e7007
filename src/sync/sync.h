/* What every synchronization primitive (src/sync/) shares: one anonymous
 * shared mapping made by create() before fork, holding the patterns' counter
 * and section and whatever process-shared objects the primitive uses, and
 * the state each side keeps in its own copy of c->priv. A primitive is a
 * struct ipcb_transport: the driver creates, opens and destroys it like a
 * channel; send and recv mean what its flags say (IPCB_SYNC_HANDOFF: pass
 * the token, wait for it; IPCB_SYNC_LOCK: release, take). */
#ifndef IPCB_SYNC_H
#define IPCB_SYNC_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>

#include "ipcbench/transport.h"

#define IPCB_SYNC_LOCKS 3     /* lock files or byte ranges of a hand-off by locks */

struct ipcb_sync_area {
    /* the contention pattern's: the counter every critical section adds one
     * to (plainly: only the lock keeps it whole), the iterations each side
     * reports when done, how many are done; the section follows the area */
    _Alignas(64) volatile uint64_t counter;
    _Alignas(64) _Atomic uint64_t iterations;
    _Atomic unsigned finished;
    _Atomic int stop;                      /* set by the first side done */
    /* the hand-off's one-way times: [0] when the producer passed the token,
     * [1] when the consumer had it (and passed it back), on the run's clock;
     * written before the pass, read after the wait, which orders them */
    _Alignas(64) _Atomic uint64_t passed_ns[2];
    /* the primitives' shared objects */
    _Alignas(64) _Atomic int pid[2];       /* rt-signal: each side's */
    _Alignas(64) _Atomic uint32_t word[2]; /* futex: side s waits on word[s] */
    _Alignas(64) _Atomic int spin;         /* spin: 0 free, 1 held */
    _Alignas(64) sem_t sem[3];             /* posix-sem: [s] hand-off, [2] lock */
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int turn;                              /* mutex: whose the token is */
    _Alignas(64) unsigned char section[];  /* c->msg_max bytes */
};

/* c->priv of every primitive */
struct ipcb_sync_chan {
    struct ipcb_sync_area *area;
    size_t area_bytes;
    unsigned inited;            /* what create set up, for destroy */
    int semid;                  /* sysv-sem, -1 */
    int fd[4];                  /* eventfds, pipes' ends, lock files; -1 */
    int whole_files;            /* flock's files, not fcntl's bytes of one */
    int lock_next_take, lock_next_give; /* a hand-off by locks: the rotation */
    char dir[4096];             /* private directory of lock files, "" */
};

static inline struct ipcb_sync_area *ipcb_sync_area(const struct ipcb_chan *c)
{
    return ((const struct ipcb_sync_chan *)c->priv)->area;
}

/* sync/sync_area.c: c->priv with its shared area (section of c->msg_max bytes),
 * every fd -1; 0 or -errno with c->err */
int ipcb_sync_new(struct ipcb_chan *c);
/* munmap, close, remove the directory, free; idempotent */
void ipcb_sync_free(struct ipcb_chan *c);
/* the parts of a primitive that have nothing to do */
int ipcb_sync_init_nothing(struct ipcb_chan *c, struct ipcb_sync_chan *s);
void ipcb_sync_fini_nothing(struct ipcb_sync_chan *s);
int ipcb_sync_open_nothing(struct ipcb_chan *c, enum ipcb_side side);
void ipcb_sync_close_nothing(struct ipcb_chan *c, enum ipcb_side side);

/* One primitive's table, ipcb_sync_<p>, from its parts, each 0 or -errno:
 * p_init(c, s) sets up its objects after the common ones (parent, before
 * fork), p_fini(s) releases them (parent, every path), p_give(c) passes the
 * token or releases the lock, p_take(c) waits for the token or takes the
 * lock. The driver's create, destroy, send and recv are made here. */
#define IPCB_SYNC_PRIMITIVE(p, nm, fl, sum, open_fn, close_fn)                      \
    static int p##_create(struct ipcb_chan *c)                                     \
    {                                                                              \
        int rc = ipcb_sync_new(c);                                                 \
        return rc < 0 ? rc : p##_init(c, c->priv);                                 \
    }                                                                              \
    static void p##_destroy(struct ipcb_chan *c)                                   \
    {                                                                              \
        if (c->priv)                                                               \
            p##_fini(c->priv);                                                     \
        ipcb_sync_free(c);                                                         \
    }                                                                              \
    IPCB_HOT static ssize_t p##_send(struct ipcb_chan *c, const void *b, size_t n) \
    {                                                                              \
        (void)b;                                                                   \
        int rc = p##_give(c);                                                      \
        return rc < 0 ? rc : (ssize_t)n;                                           \
    }                                                                              \
    IPCB_HOT static ssize_t p##_recv(struct ipcb_chan *c, void *b, size_t n)       \
    {                                                                              \
        (void)b;                                                                   \
        int rc = p##_take(c);                                                      \
        return rc < 0 ? rc : (ssize_t)n;                                           \
    }                                                                              \
    const struct ipcb_transport ipcb_sync_##p = {                                  \
        .name = nm, .summary = sum, .flags = fl, .create = p##_create,             \
        .open = open_fn, .send = p##_send, .recv = p##_recv, .close = close_fn,    \
        .destroy = p##_destroy,                                                    \
    }

/* sync/primitive_registry.c */
const struct ipcb_transport *const *ipcb_primitives(size_t *count);
/* "posix-sem, sysv-sem, ..., none": every primitive's name in the registry's
 * order, comma-separated into buf (for --primitive's help and errors); 0,
 * or -ENOSPC when buf is too short (the text is cut there) */
int ipcb_primitive_names(char *buf, size_t len);

#endif
