/* Primitives that live in the shared area itself: POSIX semaphores, futex
 * words, a mutex with its condition variable, a spin lock, and none. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sync/sync.h"

#if defined(__x86_64__) || defined(__i386__)
#define cpu_pause() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_pause() __asm__ __volatile__("yield")
#else
#define cpu_pause() ((void)0)
#endif

enum { INIT_SEMS = 1, INIT_MUTEX = 2, INIT_COND = 4 };

/* --- posix-sem: sem[s] holds side s's token; sem[2] is the lock --- */

static int psem_create(struct ipcb_chan *c)
{
    int rc = ipcb_sync_new(c);
    if (rc < 0)
        return rc;
    struct ipcb_sync_chan *s = c->priv;
    for (int i = 0; i < 3; i++)
        if (sem_init(&s->area->sem[i], 1, i == 2 ? 1 : 0) != 0)
            return ipcb_chan_errno(c, "sem_init");
    s->inited |= INIT_SEMS;
    return 0;
}

static void psem_destroy(struct ipcb_chan *c)
{
    struct ipcb_sync_chan *s = c->priv;
    if (s && (s->inited & INIT_SEMS))
        for (int i = 0; i < 3; i++)
            sem_destroy(&s->area->sem[i]);
    ipcb_sync_free(c);
}

static ssize_t sem_wait_one(struct ipcb_chan *c, sem_t *sem, size_t len)
{
    while (sem_wait(sem) != 0)
        if (errno != EINTR)
            return -errno;
    (void)c;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t psem_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    sem_t *sem = (c->use & IPCB_SYNC_LOCK) ? &a->sem[2] : &a->sem[1 - c->side];
    return sem_post(sem) == 0 ? (ssize_t)len : -errno;
}

IPCB_HOT static ssize_t psem_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    return sem_wait_one(c, (c->use & IPCB_SYNC_LOCK) ? &a->sem[2] : &a->sem[c->side], len);
}

const struct ipcb_transport ipcb_sync_posix_sem = {
    .name = "posix-sem",
    .summary = "process-shared POSIX semaphores (sem_post, sem_wait)",
    .flags = IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
    .create = psem_create, .open = ipcb_sync_open_nothing, .send = psem_send,
    .recv = psem_recv, .close = ipcb_sync_close_nothing, .destroy = psem_destroy,
};

/* --- futex: side s sleeps on word[s] until the peer sets it to 1 --- */

static int futex_create(struct ipcb_chan *c)
{
    return ipcb_sync_new(c);
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val)
{
    /* shared (not FUTEX_PRIVATE_FLAG): the word is in a MAP_SHARED page */
    return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

IPCB_HOT static ssize_t futex_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    _Atomic uint32_t *w = &ipcb_sync_area(c)->word[1 - c->side];
    atomic_store_explicit(w, 1, memory_order_release);
    if (futex(w, FUTEX_WAKE, 1) < 0)
        return -errno;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t futex_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    _Atomic uint32_t *w = &ipcb_sync_area(c)->word[c->side];
    while (atomic_exchange_explicit(w, 0, memory_order_acquire) == 0)
        if (futex(w, FUTEX_WAIT, 0) < 0 && errno != EAGAIN && errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

const struct ipcb_transport ipcb_sync_futex = {
    .name = "futex",
    .summary = "FUTEX_WAIT and FUTEX_WAKE on two words in shared memory",
    .flags = IPCB_SYNC_HANDOFF,
    .create = futex_create, .open = ipcb_sync_open_nothing, .send = futex_send,
    .recv = futex_recv, .close = ipcb_sync_close_nothing, .destroy = ipcb_sync_free,
};

/* --- mutex: process-shared; a hand-off adds a condition variable and the
 * turn it guards --- */

static int mutex_create(struct ipcb_chan *c)
{
    int rc = ipcb_sync_new(c);
    if (rc < 0)
        return rc;
    struct ipcb_sync_chan *s = c->priv;
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    pthread_mutexattr_init(&ma);
    rc = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutex_init(&s->area->mutex, &ma);
    pthread_mutexattr_destroy(&ma);
    if (rc != 0) {
        ipcb_chan_error(c, "process-shared mutex: %s", strerror(rc));
        return rc == ENOTSUP ? -EOPNOTSUPP : -rc;
    }
    s->inited |= INIT_MUTEX;
    pthread_condattr_init(&ca);
    rc = pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_cond_init(&s->area->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        ipcb_chan_error(c, "process-shared condition variable: %s", strerror(rc));
        return rc == ENOTSUP ? -EOPNOTSUPP : -rc;
    }
    s->inited |= INIT_COND;
    return 0;
}

static void mutex_destroy(struct ipcb_chan *c)
{
    struct ipcb_sync_chan *s = c->priv;
    if (s && (s->inited & INIT_COND))
        pthread_cond_destroy(&s->area->cond);
    if (s && (s->inited & INIT_MUTEX))
        pthread_mutex_destroy(&s->area->mutex);
    ipcb_sync_free(c);
}

IPCB_HOT static ssize_t mutex_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    int rc;
    if (c->use & IPCB_SYNC_LOCK) {
        rc = pthread_mutex_unlock(&a->mutex);
    } else {
        pthread_mutex_lock(&a->mutex);
        a->turn = 1 - (int)c->side;
        rc = pthread_cond_signal(&a->cond);
        pthread_mutex_unlock(&a->mutex);
    }
    return rc == 0 ? (ssize_t)len : -rc;
}

IPCB_HOT static ssize_t mutex_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    struct ipcb_sync_area *a = ipcb_sync_area(c);
    int rc = pthread_mutex_lock(&a->mutex);
    if (rc != 0 || (c->use & IPCB_SYNC_LOCK))
        return rc == 0 ? (ssize_t)len : -rc;
    while (a->turn != (int)c->side && rc == 0)
        rc = pthread_cond_wait(&a->cond, &a->mutex);
    pthread_mutex_unlock(&a->mutex);
    return rc == 0 ? (ssize_t)len : -rc;
}

const struct ipcb_transport ipcb_sync_mutex = {
    .name = "mutex",
    .summary = "process-shared pthread mutex (a hand-off: with a condition variable)",
    .flags = IPCB_SYNC_HANDOFF | IPCB_SYNC_LOCK,
    .create = mutex_create, .open = ipcb_sync_open_nothing, .send = mutex_send,
    .recv = mutex_recv, .close = ipcb_sync_close_nothing, .destroy = mutex_destroy,
};

/* --- spin: test-and-test-and-set, pausing while it looks taken, and after
 * a bounded number of looks giving the CPU away --- */

#define SPIN_TRIES 1000

IPCB_HOT static ssize_t spin_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)buf;
    _Atomic int *l = &ipcb_sync_area(c)->spin;
    for (;;) {
        if (!atomic_exchange_explicit(l, 1, memory_order_acquire))
            return (ssize_t)len;
        for (int i = 0; atomic_load_explicit(l, memory_order_relaxed); i++) {
            if (i < SPIN_TRIES) {
                cpu_pause();
            } else {
                sched_yield();
                i = 0;
            }
        }
    }
}

IPCB_HOT static ssize_t spin_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)buf;
    atomic_store_explicit(&ipcb_sync_area(c)->spin, 0, memory_order_release);
    return (ssize_t)len;
}

const struct ipcb_transport ipcb_sync_spin = {
    .name = "spin",
    .summary = "spin lock: C11 atomics, test-and-test-and-set, pause, then sched_yield",
    .flags = IPCB_SYNC_LOCK,
    .create = futex_create, .open = ipcb_sync_open_nothing, .send = spin_send,
    .recv = spin_recv, .close = ipcb_sync_close_nothing, .destroy = ipcb_sync_free,
};

/* --- none: no lock at all, to show what the others prevent --- */

IPCB_HOT static ssize_t none_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    (void)c;
    (void)buf;
    return (ssize_t)len;
}

IPCB_HOT static ssize_t none_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    (void)c;
    (void)buf;
    return (ssize_t)len;
}

const struct ipcb_transport ipcb_sync_none = {
    .name = "none",
    .summary = "no lock: the critical section unguarded; lost updates are its result",
    .flags = IPCB_SYNC_LOCK | IPCB_SYNC_NOLOCK,
    .create = futex_create, .open = ipcb_sync_open_nothing, .send = none_send,
    .recv = none_recv, .close = ipcb_sync_close_nothing, .destroy = ipcb_sync_free,
};
