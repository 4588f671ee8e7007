/* How the two sides of a shm ring wait for each other, the strategies that
 * watch the ring's own counters (head and tail) and wake only a side that
 * sleeps: futex, spin, condvar, signal. The counting strategies and the
 * table of all of them are in shm_notify.c. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/shm_ring.h"

/* ---- futex: sleep on the other side's counter, wake only a sleeper ----
 *
 * A waiter raises its flag, then looks at the counter once more, then
 * sleeps with FUTEX_WAIT on the value it saw (the kernel refuses to sleep if
 * the counter has moved). A poster moves its counter, then reads the flag.
 * With a seq_cst fence between the store and the load on both sides, either
 * the waiter sees the new counter or the poster sees the flag: no wake-up is
 * lost, and while nobody sleeps a post makes no system call. */

static long futex(_Atomic uint32_t *word, int op, uint32_t val)
{
    /* not FUTEX_PRIVATE_FLAG: the word is in memory two processes share */
    return syscall(SYS_futex, (void *)word, op, val, NULL, NULL, 0);
}

static int none_init(struct ipcb_shm_ring *r) { (void)r; return 0; }
static void none_fini(struct ipcb_shm_ring *r) { (void)r; }

/* wait until ready(r) holds, sleeping on *word and raising *flag meanwhile */
static int futex_wait_until(struct ipcb_shm_ring *r, int (*ready)(struct ipcb_shm_ring *),
                            _Atomic uint32_t *word, _Atomic uint32_t *flag, int block)
{
    while (!ready(r)) {
        if (!block)
            return -EAGAIN;
        uint32_t seen = atomic_load_explicit(word, memory_order_relaxed);
        atomic_store_explicit(flag, 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_seq_cst);
        if (!ready(r) && futex(word, FUTEX_WAIT, seen) != 0 && errno != EAGAIN &&
            errno != EINTR) {
            int err = errno;
            atomic_store_explicit(flag, 0, memory_order_relaxed);
            return -err;
        }
        atomic_store_explicit(flag, 0, memory_order_relaxed);
    }
    return 0;
}

/* ready(): the acquire load pairs with the other side's release store of
 * its counter, so the slot's bytes are visible once it returns 1 */
static int has_room(struct ipcb_shm_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_relaxed) -
               atomic_load_explicit(&r->tail, memory_order_acquire) < r->slots;
}

static int has_filled(struct ipcb_shm_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) != r->taken;
}

static int futex_wait_room(struct ipcb_shm_ring *r, int block)
{
    return futex_wait_until(r, has_room, &r->tail, &r->producer_waiting, block);
}

static int futex_wait_filled(struct ipcb_shm_ring *r, int block)
{
    return futex_wait_until(r, has_filled, &r->head, &r->consumer_waiting, block);
}

/* the counter has moved (release store in shm_ring.c); wake a sleeper, if any */
static int futex_wake_if(_Atomic uint32_t *word, _Atomic uint32_t *flag)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(flag, memory_order_relaxed) && futex(word, FUTEX_WAKE, 1) < 0)
        return -errno;
    return 0;
}

static int futex_post_filled(struct ipcb_shm_ring *r)
{
    return futex_wake_if(&r->head, &r->consumer_waiting);
}

static int futex_post_room(struct ipcb_shm_ring *r)
{
    return futex_wake_if(&r->tail, &r->producer_waiting);
}

const struct ipcb_shm_notify_ops ipcb_shm_notify_futex = {
    .init_call = "futex setup", .max_slots = UINT_MAX,
    .init = none_init, .fini = none_fini,
    .wait_room = futex_wait_room, .post_filled = futex_post_filled,
    .wait_filled = futex_wait_filled, .post_room = futex_post_room,
};

/* ---- spin: the ring itself (shm_ring.c), which calls these inline ---- */

/* the release store of word0 (and of tail) is the whole post */
static int spin_post(struct ipcb_shm_ring *r) { (void)r; return 0; }

const struct ipcb_shm_notify_ops ipcb_shm_notify_spin = {
    .init_call = "spin setup", .max_slots = UINT_MAX,
    .init = none_init, .fini = none_fini,
    .wait_room = ipcb_shm_spin_wait_room, .post_filled = spin_post,
    .wait_filled = ipcb_shm_spin_wait_filled, .post_room = spin_post,
};

/* ---- shared by condvar and signal: who waits, and is the other alive ----
 * A side writes its pid into the ring the first time it waits, before it
 * can sleep, so whoever wakes it, or wonders whether it still runs, knows
 * it. A sleep lasts at most SLEEP_TICK_NS; then the sleeper looks again,
 * and gives up when the other side's process is gone: a peer that died
 * without holding anything cannot leave the survivor asleep for good. */
#define SLEEP_TICK_NS 100000000L /* 100 ms */

static void note_pid(_Atomic pid_t *me)
{
    if (atomic_load_explicit(me, memory_order_relaxed) == 0)
        atomic_store_explicit(me, getpid(), memory_order_release);
}

/* 1 when the other side has written its pid and that process is gone */
static int peer_gone(_Atomic pid_t *peer)
{
    pid_t pid = atomic_load_explicit(peer, memory_order_acquire);
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

/* ---- condvar: the textbook monitor ----
 * A robust, process-shared mutex guards the ring's counters; "not full"
 * and "not empty" are condition variables beside it, all in the segment.
 * The waiter tests its condition under the mutex and sleeps in
 * pthread_cond_timedwait, which releases it; the poster has moved its
 * counter already and signals under the mutex, so the test and the sleep
 * cannot straddle it and no wake-up is lost. A side killed while it held
 * the mutex makes the other's lock return EOWNERDEAD: that is a failed run
 * (shm.c's table says which side died), not something to repair. */

static int cv_init(struct ipcb_shm_ring *r)
{
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    int rc = pthread_mutexattr_init(&ma);
    if (rc != 0)
        return -rc;
    if ((rc = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED)) == 0 &&
        (rc = pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST)) == 0)
        rc = pthread_mutex_init(&r->lock, &ma);
    pthread_mutexattr_destroy(&ma);
    if (rc != 0)
        return -rc;
    if ((rc = pthread_condattr_init(&ca)) != 0)
        goto fail_lock;
    if ((rc = pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED)) == 0 &&
        (rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)) == 0 &&
        (rc = pthread_cond_init(&r->room.cond, &ca)) == 0 &&
        (rc = pthread_cond_init(&r->filled.cond, &ca)) != 0)
        pthread_cond_destroy(&r->room.cond);
    pthread_condattr_destroy(&ca);
    if (rc == 0)
        return 0;
fail_lock:
    pthread_mutex_destroy(&r->lock);
    return -rc;
}

/* Nothing to release: the mutex and the condition variables are words in
 * the segment, no kernel object, and go with it. pthread_cond_destroy
 * would even hang the driver: it waits for every waiter to leave, and a
 * side killed in pthread_cond_timedwait never does. */
static void cv_fini(struct ipcb_shm_ring *r) { (void)r; }

/* what a lock or a timed wait returned, as 0 or -errno. EOWNERDEAD: we hold
 * the mutex of a side that died inside; release it unrepaired, so that it
 * stays unusable, and fail */
static int cv_result(struct ipcb_shm_ring *r, int rc)
{
    if (rc == EOWNERDEAD)
        pthread_mutex_unlock(&r->lock);
    return -rc;
}

static int cv_wait_until(struct ipcb_shm_ring *r, int (*ready)(struct ipcb_shm_ring *),
                         pthread_cond_t *cond, _Atomic pid_t *me, _Atomic pid_t *peer,
                         int block)
{
    note_pid(me);
    int rc = pthread_mutex_lock(&r->lock);
    if (rc != 0)
        return cv_result(r, rc);
    while (!ready(r)) {
        if (!block) {
            rc = EAGAIN;
            break;
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += SLEEP_TICK_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        rc = pthread_cond_timedwait(cond, &r->lock, &until);
        if (rc == EOWNERDEAD)
            return cv_result(r, rc);
        if (rc == ETIMEDOUT && peer_gone(peer)) {
            rc = EPIPE;
            break;
        }
        if (rc != 0 && rc != ETIMEDOUT)
            break;
        rc = 0;
    }
    pthread_mutex_unlock(&r->lock);
    return -rc;
}

static int cv_post(struct ipcb_shm_ring *r, pthread_cond_t *cond)
{
    int rc = pthread_mutex_lock(&r->lock);
    if (rc != 0)
        return cv_result(r, rc);
    rc = pthread_cond_signal(cond);
    pthread_mutex_unlock(&r->lock);
    return -rc;
}

static int cv_wait_room(struct ipcb_shm_ring *r, int block)
{
    return cv_wait_until(r, has_room, &r->room.cond, &r->producer_pid, &r->consumer_pid, block);
}

static int cv_wait_filled(struct ipcb_shm_ring *r, int block)
{
    return cv_wait_until(r, has_filled, &r->filled.cond, &r->consumer_pid, &r->producer_pid,
                         block);
}

static int cv_post_filled(struct ipcb_shm_ring *r) { return cv_post(r, &r->filled.cond); }
static int cv_post_room(struct ipcb_shm_ring *r) { return cv_post(r, &r->room.cond); }

const struct ipcb_shm_notify_ops ipcb_shm_notify_condvar = {
    .init_call = "pthread_mutex_init", .max_slots = UINT_MAX,
    .init = cv_init, .fini = cv_fini,
    .wait_room = cv_wait_room, .post_filled = cv_post_filled,
    .wait_filled = cv_wait_filled, .post_room = cv_post_room,
};

/* ---- signal: the ring carries the data, a realtime signal the wake-up ----
 * The futex protocol with a signal for the futex: a waiter raises its flag,
 * looks once more, and sleeps in sigtimedwait on the wake signal, which it
 * blocked before it first raised a flag (a realtime signal's default action
 * is to end the process); a poster moves its counter and, if the flag is
 * up, sigqueues the signal to the pid the waiter wrote in the ring. A
 * signal that arrives after the waiter found its slot anyway stays pending
 * and only makes the next sleep return at once to look again. */
#define WAKE_SIGNAL (SIGRTMIN + 12) /* the signal transport has +1..+9 */

/* the mask is inherited over fork with this flag, so the two agree */
static int wake_blocked;

static int sig_wait_until(struct ipcb_shm_ring *r, int (*ready)(struct ipcb_shm_ring *),
                          _Atomic uint32_t *flag, _Atomic pid_t *me, _Atomic pid_t *peer,
                          int block)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, WAKE_SIGNAL);
    while (!ready(r)) {
        if (!block)
            return -EAGAIN;
        if (!wake_blocked) {
            int rc = pthread_sigmask(SIG_BLOCK, &set, NULL);
            if (rc != 0)
                return -rc;
            wake_blocked = 1;
        }
        note_pid(me);
        atomic_store_explicit(flag, 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_seq_cst);
        if (!ready(r)) {
            const struct timespec tick = {.tv_sec = 0, .tv_nsec = SLEEP_TICK_NS};
            siginfo_t info;
            if (sigtimedwait(&set, &info, &tick) < 0) {
                int err = errno == EAGAIN && peer_gone(peer) ? EPIPE : errno;
                if (err != EAGAIN && err != EINTR) {
                    atomic_store_explicit(flag, 0, memory_order_relaxed);
                    return -err;
                }
            }
        }
        atomic_store_explicit(flag, 0, memory_order_relaxed);
    }
    return 0;
}

/* the counter has moved; wake the other side if it sleeps. EAGAIN (its
 * queue of pending signals is full) means a wake-up is already there;
 * ESRCH, that it saw its slot before it slept and has finished and exited
 * since (a side that dies too soon is the driver's to report) */
static int sig_wake_if(_Atomic uint32_t *flag, _Atomic pid_t *peer)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (!atomic_load_explicit(flag, memory_order_relaxed))
        return 0;
    pid_t pid = atomic_load_explicit(peer, memory_order_acquire);
    if (sigqueue(pid, WAKE_SIGNAL, (union sigval){.sival_int = 0}) != 0 && errno != EAGAIN &&
        errno != ESRCH)
        return -errno;
    return 0;
}

static int sig_wait_room(struct ipcb_shm_ring *r, int block)
{
    return sig_wait_until(r, has_room, &r->producer_waiting, &r->producer_pid,
                          &r->consumer_pid, block);
}

static int sig_wait_filled(struct ipcb_shm_ring *r, int block)
{
    return sig_wait_until(r, has_filled, &r->consumer_waiting, &r->consumer_pid,
                          &r->producer_pid, block);
}

static int sig_post_filled(struct ipcb_shm_ring *r) { return sig_wake_if(&r->consumer_waiting, &r->consumer_pid); }
static int sig_post_room(struct ipcb_shm_ring *r) { return sig_wake_if(&r->producer_waiting, &r->producer_pid); }

const struct ipcb_shm_notify_ops ipcb_shm_notify_signal = {
    .init_call = "signal setup", .max_slots = UINT_MAX,
    .init = none_init, .fini = none_fini,
    .wait_room = sig_wait_room, .post_filled = sig_post_filled,
    .wait_filled = sig_wait_filled, .post_room = sig_post_room,
};
