/* Primitives that live in the shared area itself: POSIX semaphores, futex
 * words, a mutex with its condition variable, a spin lock, and none. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cpu_relax.h"
#include "sync/sync.h"

enum { INIT_SEMS = 1, INIT_MUTEX = 2, INIT_COND = 4 };

/* --- posix-sem: sem[s] holds side s's token; sem[2] is the lock --- */

static int psem_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    for (int i = 0; i < 3; i++)
        if (sem_init(&s->area->sem[i], 1, i == 2 ? 1 : 0) != 0)
            return ipcb_chan_errno(c, "sem_init");
    s->inited |= INIT_SEMS;
    return 0;
}

static void psem_fini(struct ipcb_sync_chan *s)
{
    for (int i = 0; (s->inited & INIT_SEMS) && i < 3; i++)
        sem_destroy(&s->area->sem[i]);
}

IPCB_HOT static int psem_give(struct ipcb_chan *c)
{
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    return sem_post((c->use & IPCB_SYNC_LOCK) ? &a->sem[2] : &a->sem[1 - c->side]) == 0
               ? 0 : -errno;
}

IPCB_HOT static int psem_take(struct ipcb_chan *c)
{
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    sem_t *sem = (c->use & IPCB_SYNC_LOCK) ? &a->sem[2] : &a->sem[c->side];
    while (sem_wait(sem) != 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

IPCB_SYNC_PRIMITIVE(psem, "posix-sem", IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
                    "process-shared POSIX semaphores (sem_post, sem_wait)",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);

/* --- futex: side s sleeps on word[s] until the peer sets it to 1 --- */

#define futex_init ipcb_sync_init_nothing
#define futex_fini ipcb_sync_fini_nothing

static long futex(_Atomic uint32_t *word, int op, uint32_t val)
{
    /* shared (not FUTEX_PRIVATE_FLAG): the word is in a MAP_SHARED page */
    return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

IPCB_HOT static int futex_give(struct ipcb_chan *c)
{
    _Atomic uint32_t *w = &ipcb_sync_area(c)->word[1 - c->side];
    atomic_store_explicit(w, 1, memory_order_release);
    return futex(w, FUTEX_WAKE, 1) < 0 ? -errno : 0;
}

IPCB_HOT static int futex_take(struct ipcb_chan *c)
{
    _Atomic uint32_t *w = &ipcb_sync_area(c)->word[c->side];
    while (atomic_exchange_explicit(w, 0, memory_order_acquire) == 0)
        if (futex(w, FUTEX_WAIT, 0) < 0 && errno != EAGAIN && errno != EINTR)
            return -errno;
    return 0;
}

IPCB_SYNC_PRIMITIVE(futex, "futex", IPCB_SYNC_HANDOFF,
                    "FUTEX_WAIT and FUTEX_WAKE on two words in shared memory",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);

/* --- mutex: process-shared; a hand-off adds a condition variable and the
 * turn it guards --- */

static int mutex_init(struct ipcb_chan *c, struct ipcb_sync_chan *s)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    int rc = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    if (rc == 0 && (rc = pthread_mutex_init(&s->area->mutex, &ma)) == 0)
        s->inited |= INIT_MUTEX;
    pthread_mutexattr_destroy(&ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    if (rc == 0 && (rc = pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED)) == 0 &&
        (rc = pthread_cond_init(&s->area->cond, &ca)) == 0)
        s->inited |= INIT_COND;
    pthread_condattr_destroy(&ca);
    if (rc == 0)
        return 0;
    ipcb_chan_error(c, "process-shared mutex or condition variable: %s", strerror(rc));
    return rc == ENOTSUP ? -EOPNOTSUPP : -rc;
}

static void mutex_fini(struct ipcb_sync_chan *s)
{
    if (s->inited & INIT_COND)
        pthread_cond_destroy(&s->area->cond);
    if (s->inited & INIT_MUTEX)
        pthread_mutex_destroy(&s->area->mutex);
}

IPCB_HOT static int mutex_give(struct ipcb_chan *c)
{
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    if (c->use & IPCB_SYNC_LOCK)
        return -pthread_mutex_unlock(&a->mutex);
    pthread_mutex_lock(&a->mutex);
    a->turn = 1 - (int)c->side;
    int rc = pthread_cond_signal(&a->cond);
    pthread_mutex_unlock(&a->mutex);
    return -rc;
}

IPCB_HOT static int mutex_take(struct ipcb_chan *c)
{
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    int rc = pthread_mutex_lock(&a->mutex);
    if (rc != 0 || (c->use & IPCB_SYNC_LOCK))
        return -rc;
    while (a->turn != (int)c->side && rc == 0)
        rc = pthread_cond_wait(&a->cond, &a->mutex);
    pthread_mutex_unlock(&a->mutex);
    return -rc;
}

IPCB_SYNC_PRIMITIVE(mutex, "mutex", IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
                    "process-shared pthread mutex (a hand-off: with a condition variable)",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);

/* --- spin: test-and-test-and-set, pausing while it looks taken, and after
 * a bounded number of looks giving the CPU away --- */

#define SPIN_TRIES 1000
#define spin_init ipcb_sync_init_nothing
#define spin_fini ipcb_sync_fini_nothing

IPCB_HOT static int spin_take(struct ipcb_chan *c)
{
    _Atomic int *l = &ipcb_sync_area(c)->spin;
    while (atomic_exchange_explicit(l, 1, memory_order_acquire))
        for (int i = 0; atomic_load_explicit(l, memory_order_relaxed); i++) {
            if (i < SPIN_TRIES) {
                ipcb_cpu_relax();
            } else {
                sched_yield();
                i = 0;
            }
        }
    return 0;
}

IPCB_HOT static int spin_give(struct ipcb_chan *c)
{
    atomic_store_explicit(&ipcb_sync_area(c)->spin, 0, memory_order_release);
    return 0;
}

IPCB_SYNC_PRIMITIVE(spin, "spin", IPCB_SYNC_LOCK,
                    "spin lock: C11 atomics, test-and-test-and-set, pause, then sched_yield",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);

/* --- none: no lock at all, to show what the others prevent --- */

#define none_init ipcb_sync_init_nothing
#define none_fini ipcb_sync_fini_nothing

IPCB_HOT static int none_op(struct ipcb_chan *c)
{
    (void)c;
    return 0;
}
#define none_give none_op
#define none_take none_op

IPCB_SYNC_PRIMITIVE(none, "none", IPCB_SYNC_LOCK | IPCB_SYNC_NOLOCK,
                    "no lock: the critical section unguarded; lost updates are its result",
                    ipcb_sync_open_nothing, ipcb_sync_close_nothing);
