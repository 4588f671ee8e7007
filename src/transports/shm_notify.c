/* How the two sides of a shm ring wait for each other: seven strategies, one
 * table each. The ring (shm_ring.c) has already copied the message and
 * moved head or tail when a post runs, and copies only after a wait
 * returned, so each strategy is just its wait and its wake. */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/ledger.h"
#include "transports/shm_ring.h"

/* ---- sem: process-shared POSIX semaphores counting free and filled slots ---- */

static int psem_init(struct ipcb_shm_ring *r)
{
    if (sem_init(&r->room.sem, 1, r->slots) != 0)
        return -errno;
    if (sem_init(&r->filled.sem, 1, 0) != 0) {
        int err = errno;
        sem_destroy(&r->room.sem);
        return -err;
    }
    return 0;
}

static void psem_fini(struct ipcb_shm_ring *r)
{
    sem_destroy(&r->filled.sem);
    sem_destroy(&r->room.sem);
}

/* sem_wait (again after a signal handler interrupted it), or sem_trywait */
static int psem_take(sem_t *s, int block)
{
    while ((block ? sem_wait(s) : sem_trywait(s)) != 0)
        if (errno != EINTR)
            return -errno; /* EAGAIN: nothing to take */
    return 0;
}

static int psem_wait_room(struct ipcb_shm_ring *r, int block) { return psem_take(&r->room.sem, block); }
static int psem_wait_filled(struct ipcb_shm_ring *r, int block) { return psem_take(&r->filled.sem, block); }
static int psem_post_filled(struct ipcb_shm_ring *r) { return sem_post(&r->filled.sem) == 0 ? 0 : -errno; }
static int psem_post_room(struct ipcb_shm_ring *r) { return sem_post(&r->room.sem) == 0 ? 0 : -errno; }

static const struct ipcb_shm_notify_ops notify_sem = {
    .name = "sem", .init_call = "sem_init", .max_slots = SEM_VALUE_MAX,
    .init = psem_init, .fini = psem_fini,
    .wait_room = psem_wait_room, .post_filled = psem_post_filled,
    .wait_filled = psem_wait_filled, .post_room = psem_post_room,
};

/* ---- sysv-sem: the same counting, in a System V set of two ---- */

enum { SYSV_ROOM = 0, SYSV_FILLED = 1 };
#define SYSV_SEMVMX 32767 /* the largest value a System V semaphore holds (kernel SEMVMX) */

static int sysv_op(int semid, unsigned short num, short delta, int block)
{
    struct sembuf op = {.sem_num = num, .sem_op = delta, .sem_flg = block ? 0 : IPC_NOWAIT};
    while (semop(semid, &op, 1) != 0)
        if (errno != EINTR)
            return -errno; /* EAGAIN: IPC_NOWAIT and nothing to take */
    return 0;
}

static int sysv_init(struct ipcb_shm_ring *r)
{
    int id = semget(IPC_PRIVATE, 2, IPC_CREAT | IPC_EXCL | 0600);
    if (id < 0)
        return -errno;
    /* in the ledger before anything else can fail or a SIGKILL can land */
    ipcb_ledger_sysv("sem", id);
    /* a new set starts at zero; semop, not SETALL, fills the room count,
     * because SETALL would change the ctime the ledger identifies it by */
    int rc = sysv_op(id, SYSV_ROOM, (short)r->slots, 0);
    if (rc < 0) {
        semctl(id, 0, IPC_RMID);
        return rc;
    }
    r->semid = id;
    return 0;
}

static void sysv_fini(struct ipcb_shm_ring *r)
{
    semctl(r->semid, 0, IPC_RMID);
}

static int sysv_wait_room(struct ipcb_shm_ring *r, int block) { return sysv_op(r->semid, SYSV_ROOM, -1, block); }
static int sysv_wait_filled(struct ipcb_shm_ring *r, int block) { return sysv_op(r->semid, SYSV_FILLED, -1, block); }
static int sysv_post_filled(struct ipcb_shm_ring *r) { return sysv_op(r->semid, SYSV_FILLED, 1, 1); }
static int sysv_post_room(struct ipcb_shm_ring *r) { return sysv_op(r->semid, SYSV_ROOM, 1, 1); }

static const struct ipcb_shm_notify_ops notify_sysv_sem = {
    .name = "sysv-sem", .init_call = "semget", .max_slots = SYSV_SEMVMX,
    .init = sysv_init, .fini = sysv_fini,
    .wait_room = sysv_wait_room, .post_filled = sysv_post_filled,
    .wait_filled = sysv_wait_filled, .post_room = sysv_post_room,
};

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

static const struct ipcb_shm_notify_ops notify_futex = {
    .name = "futex", .init_call = "futex setup", .max_slots = UINT_MAX,
    .init = none_init, .fini = none_fini,
    .wait_room = futex_wait_room, .post_filled = futex_post_filled,
    .wait_filled = futex_wait_filled, .post_room = futex_post_room,
};

/* ---- eventfd: two eventfds in semaphore mode, counting as sem does ----
 * Made in the parent before fork, so both children inherit them; the
 * parent closes its copies once both have opened (fini_at_open). */

static int efd_init(struct ipcb_shm_ring *r)
{
    r->room.fd = eventfd(r->slots, EFD_SEMAPHORE | EFD_CLOEXEC);
    if (r->room.fd < 0)
        return -errno;
    r->filled.fd = eventfd(0, EFD_SEMAPHORE | EFD_CLOEXEC);
    if (r->filled.fd < 0) {
        int err = errno;
        close(r->room.fd);
        return -err;
    }
    return 0;
}

static void efd_fini(struct ipcb_shm_ring *r)
{
    close(r->filled.fd);
    close(r->room.fd);
}

/* take one from the count. O_NONBLOCK would be shared with the other
 * process through the open file description, so a try polls first: only
 * this side takes from this descriptor, so what poll saw is still there */
static int efd_take(int fd, int block)
{
    uint64_t one;
    if (!block) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n;
        while ((n = poll(&p, 1, 0)) < 0)
            if (errno != EINTR)
                return -errno;
        if (n == 0)
            return -EAGAIN;
    }
    while (read(fd, &one, sizeof one) != (ssize_t)sizeof one)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int efd_give(int fd)
{
    const uint64_t one = 1;
    while (write(fd, &one, sizeof one) != (ssize_t)sizeof one)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static int efd_wait_room(struct ipcb_shm_ring *r, int block) { return efd_take(r->room.fd, block); }
static int efd_wait_filled(struct ipcb_shm_ring *r, int block) { return efd_take(r->filled.fd, block); }
static int efd_post_filled(struct ipcb_shm_ring *r) { return efd_give(r->filled.fd); }
static int efd_post_room(struct ipcb_shm_ring *r) { return efd_give(r->room.fd); }

static const struct ipcb_shm_notify_ops notify_eventfd = {
    .name = "eventfd", .init_call = "eventfd", .max_slots = UINT_MAX, .fini_at_open = 1,
    .init = efd_init, .fini = efd_fini,
    .wait_room = efd_wait_room, .post_filled = efd_post_filled,
    .wait_filled = efd_wait_filled, .post_room = efd_post_room,
};

/* ---- spin: the ring itself (shm_ring.c), which calls these inline ---- */

/* the release store of word0 (and of tail) is the whole post */
static int spin_post(struct ipcb_shm_ring *r) { (void)r; return 0; }

static const struct ipcb_shm_notify_ops notify_spin = {
    .name = "spin", .init_call = "spin setup", .max_slots = UINT_MAX,
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

static const struct ipcb_shm_notify_ops notify_condvar = {
    .name = "condvar", .init_call = "pthread_mutex_init", .max_slots = UINT_MAX,
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

static const struct ipcb_shm_notify_ops notify_signal = {
    .name = "signal", .init_call = "signal setup", .max_slots = UINT_MAX,
    .init = none_init, .fini = none_fini,
    .wait_room = sig_wait_room, .post_filled = sig_post_filled,
    .wait_filled = sig_wait_filled, .post_room = sig_post_room,
};

const struct ipcb_shm_notify_ops *const ipcb_shm_notify_ops[IPCB_NOTIFY_COUNT] = {
    [IPCB_NOTIFY_SEM] = &notify_sem,
    [IPCB_NOTIFY_SYSV_SEM] = &notify_sysv_sem,
    [IPCB_NOTIFY_FUTEX] = &notify_futex,
    [IPCB_NOTIFY_EVENTFD] = &notify_eventfd,
    [IPCB_NOTIFY_SPIN] = &notify_spin,
    [IPCB_NOTIFY_CONDVAR] = &notify_condvar,
    [IPCB_NOTIFY_SIGNAL] = &notify_signal,
};
