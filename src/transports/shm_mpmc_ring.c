/* Vyukov's bounded MPMC queue in shared memory (shm_multi_ring.h), and the
 * waits both one-way rings share. */
#include "transports/shm_multi_ring.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cpu_relax.h"

#define SPINS_BEFORE_YIELD 256u
#define SLOT_HEADER 16u /* the slot's sequence number and length, before the bytes */

struct mpmc_ring {
    /* the producers' line: where the next one goes, and who sleeps for room */
    _Alignas(128) _Atomic uint64_t enqueue_pos;
    _Atomic uint32_t room_waiters;
    /* the consumers' line: where the next one comes from; freed counts the
     * slots given back, the word a full ring's producers sleep on */
    _Alignas(128) _Atomic uint64_t dequeue_pos;
    _Atomic uint32_t freed;
    /* futex only: messages published, the word an empty ring's consumer
     * sleeps on, and who sleeps on it */
    _Alignas(128) _Atomic uint32_t published;
    _Atomic uint32_t filled_waiters;
    /* sem: free slots, and filled ones */
    _Alignas(128) sem_t room;
    _Alignas(64) sem_t filled;
    /* constant after init */
    _Alignas(128) size_t msg_max, stride;
    uint32_t slots, notify;
};

struct mpmc_slot {
    _Atomic uint64_t seq;   /* position + 1: filled; position: free for that lap */
    uint32_t len;
    uint32_t pad;
    unsigned char bytes[];
};

static struct mpmc_slot *slot_at(struct mpmc_ring *r, uint64_t pos)
{
    return (struct mpmc_slot *)(void *)((unsigned char *)r + sizeof *r +
                                        (size_t)(pos % r->slots) * r->stride);
}

size_t ipcb_shm_multi_bytes(size_t header, size_t msg_max, size_t slot_header, unsigned slots)
{
    size_t all;
    if (slots == 0 || msg_max > UINT32_MAX || msg_max > SIZE_MAX / 2)
        return 0;
    const size_t stride = ipcb_shm_multi_stride(slot_header, msg_max);
    if (__builtin_mul_overflow(stride, (size_t)slots, &all) ||
        __builtin_add_overflow(all, header + 127, &all))
        return 0;
    return all & ~(size_t)127;
}

int ipcb_shm_multi_waits(enum ipcb_shm_notify how)
{
    return how == IPCB_NOTIFY_SPIN || how == IPCB_NOTIFY_FUTEX || how == IPCB_NOTIFY_SEM;
}

int ipcb_shm_multi_layout_ok(const void *mem, size_t bytes, enum ipcb_shm_notify how)
{
    return bytes != 0 && ((uintptr_t)mem & 127) == 0 && ipcb_shm_multi_waits(how);
}

int ipcb_shm_multi_sem_take(sem_t *s)
{
    while (sem_wait(s) != 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val)
{
    /* not FUTEX_PRIVATE_FLAG: the word is in memory processes share */
    return syscall(SYS_futex, (void *)word, op, val, NULL, NULL, 0);
}

/* A sleeper counts itself in, looks once more, then sleeps on the value it
 * read before counting in; a waker moves the word, then reads the count.
 * With seq_cst between the store and the load on both sides either the
 * sleeper sees the move or the waker sees the count: no lost wake-up. */
int ipcb_shm_multi_sleep(_Atomic uint32_t *word, uint32_t seen, _Atomic uint32_t *waiters,
                         int (*ready)(void *ring, uintptr_t arg), void *ring, uintptr_t arg)
{
    int rc = 0;
    atomic_fetch_add(waiters, 1);
    atomic_thread_fence(memory_order_seq_cst);
    if (!ready(ring, arg) && futex(word, FUTEX_WAIT, seen) != 0 && errno != EAGAIN &&
        errno != EINTR)
        rc = -errno;
    atomic_fetch_sub(waiters, 1);
    return rc;
}

int ipcb_shm_multi_wake(_Atomic uint32_t *word, _Atomic uint32_t *waiters, int all)
{
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(waiters, memory_order_relaxed) &&
        futex(word, FUTEX_WAKE, all ? INT_MAX : 1) < 0)
        return -errno;
    return 0;
}

void ipcb_shm_multi_pause(unsigned *spins)
{
    ipcb_cpu_relax();
    if (++*spins == SPINS_BEFORE_YIELD) {
        *spins = 0;
        sched_yield();
    }
}

size_t ipcb_mpmc_ring_bytes(size_t msg_max, unsigned slots)
{
    return ipcb_shm_multi_bytes(sizeof(struct mpmc_ring), msg_max, SLOT_HEADER, slots);
}

int ipcb_mpmc_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how)
{
    struct mpmc_ring *r = mem;
    if (!ipcb_shm_multi_layout_ok(mem, ipcb_mpmc_ring_bytes(msg_max, slots), how))
        return -EINVAL;
    memset(r, 0, sizeof *r);
    r->msg_max = msg_max;
    r->stride = ipcb_shm_multi_stride(SLOT_HEADER, msg_max);
    r->slots = slots;
    r->notify = (uint32_t)how;
    for (uint64_t i = 0; i < slots; i++) {
        struct mpmc_slot *s = slot_at(r, i);
        atomic_init(&s->seq, i);
        s->len = 0;
    }
    if (how != IPCB_NOTIFY_SEM)
        return 0;
    if (sem_init(&r->room, 1, slots) != 0)
        return -errno;
    if (sem_init(&r->filled, 1, 0) != 0) {
        int err = errno;
        sem_destroy(&r->room);
        return -err;
    }
    return 0;
}

void ipcb_mpmc_ring_fini(void *ring)
{
    struct mpmc_ring *r = ring;
    if (r->notify != IPCB_NOTIFY_SEM)
        return;
    sem_destroy(&r->room);
    sem_destroy(&r->filled);
}

/* the slot at enqueue position arg is still a lap behind: full */
static int has_room(void *ring, uintptr_t pos)
{
    struct mpmc_slot *s = slot_at(ring, pos);
    return (int64_t)(atomic_load_explicit(&s->seq, memory_order_acquire) - pos) >= 0;
}

static int has_filled(void *ring, uintptr_t pos)
{
    struct mpmc_slot *s = slot_at(ring, pos);
    return (int64_t)(atomic_load_explicit(&s->seq, memory_order_acquire) - (pos + 1)) >= 0;
}

/* the slot for pos is a lap behind: wait until its consumer gives it back */
static int wait_room(struct mpmc_ring *r, uint64_t pos)
{
    /* sem: the producer holds a free slot's count, so the slot is being
     * given back right now; wait for that as spin does */
    if (r->notify != IPCB_NOTIFY_FUTEX) {
        unsigned spins = 0;
        while (!has_room(r, pos))
            ipcb_shm_multi_pause(&spins);
        return 0;
    }
    uint32_t seen = atomic_load(&r->freed);
    return ipcb_shm_multi_sleep(&r->freed, seen, &r->room_waiters, has_room, r, pos);
}

static int wait_filled(struct mpmc_ring *r, uint64_t pos, int block)
{
    if (!block)
        return -EAGAIN;
    /* sem: a filled slot is counted, but an earlier position's producer is
     * still copying; wait for it as spin does */
    if (r->notify != IPCB_NOTIFY_FUTEX) {
        unsigned spins = 0;
        while (!has_filled(r, pos))
            ipcb_shm_multi_pause(&spins);
        return 0;
    }
    uint32_t seen = atomic_load(&r->published);
    return ipcb_shm_multi_sleep(&r->published, seen, &r->filled_waiters, has_filled, r, pos);
}

IPCB_HOT ssize_t ipcb_mpmc_ring_put(void *ring, const void *buf, size_t len)
{
    struct mpmc_ring *r = ring;
    if (len > r->msg_max)
        return -EMSGSIZE;
    if (r->notify == IPCB_NOTIFY_SEM) {
        int rc = ipcb_shm_multi_sem_take(&r->room);
        if (rc < 0)
            return rc;
    }
    uint64_t pos = atomic_load_explicit(&r->enqueue_pos, memory_order_relaxed);
    struct mpmc_slot *s;
    for (;;) {
        s = slot_at(r, pos);
        int64_t diff = (int64_t)(atomic_load_explicit(&s->seq, memory_order_acquire) - pos);
        if (diff == 0 && atomic_compare_exchange_weak_explicit(
                             &r->enqueue_pos, &pos, pos + 1, memory_order_relaxed,
                             memory_order_relaxed))
            break;   /* the slot is this producer's */
        if (diff < 0) {
            /* full: the slot still holds the message of a lap ago */
            int rc = wait_room(r, pos);
            if (rc < 0)
                return rc;
            pos = atomic_load_explicit(&r->enqueue_pos, memory_order_relaxed);
        } else if (diff > 0) {
            /* another producer took pos: try where the counter is now */
            pos = atomic_load_explicit(&r->enqueue_pos, memory_order_relaxed);
        }
        /* diff == 0 and the CAS failed: it reloaded pos */
    }
    s->len = (uint32_t)len;
    memcpy(s->bytes, buf, len);
    /* release: the bytes are visible to whoever sees the new number */
    atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
    if (r->notify == IPCB_NOTIFY_SEM)
        return sem_post(&r->filled) == 0 ? (ssize_t)len : -errno;
    if (r->notify != IPCB_NOTIFY_FUTEX)
        return (ssize_t)len;
    atomic_fetch_add(&r->published, 1);
    int rc = ipcb_shm_multi_wake(&r->published, &r->filled_waiters, 0);
    return rc < 0 ? rc : (ssize_t)len;
}

IPCB_HOT ssize_t ipcb_mpmc_ring_get(void *ring, void *buf, size_t len, int block)
{
    struct mpmc_ring *r = ring;
    if (r->notify == IPCB_NOTIFY_SEM) {
        int rc = block ? ipcb_shm_multi_sem_take(&r->filled)
                       : (sem_trywait(&r->filled) == 0 ? 0 : -errno);
        if (rc < 0)
            return rc;
        block = 1; /* a message is counted: wait out its producer's copy */
    }
    uint64_t pos = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
    struct mpmc_slot *s;
    for (;;) {
        s = slot_at(r, pos);
        int64_t diff =
            (int64_t)(atomic_load_explicit(&s->seq, memory_order_acquire) - (pos + 1));
        if (diff == 0 && atomic_compare_exchange_weak_explicit(
                             &r->dequeue_pos, &pos, pos + 1, memory_order_relaxed,
                             memory_order_relaxed))
            break;
        if (diff < 0) {
            /* empty, or its producer has claimed it and is still copying */
            int rc = wait_filled(r, pos, block);
            if (rc < 0)
                return rc;
            pos = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
        } else if (diff > 0) {
            pos = atomic_load_explicit(&r->dequeue_pos, memory_order_relaxed);
        }
    }
    size_t bytes = s->len, copy = bytes < len ? bytes : len;
    if (copy > r->msg_max) /* written by another process: trust no more */
        copy = r->msg_max;
    memcpy(buf, s->bytes, copy);
    /* the slot is free for the producer of the next lap */
    atomic_store_explicit(&s->seq, pos + r->slots, memory_order_release);
    if (r->notify == IPCB_NOTIFY_SEM)
        return sem_post(&r->room) == 0 ? (ssize_t)bytes : -errno;
    if (r->notify != IPCB_NOTIFY_FUTEX)
        return (ssize_t)bytes;
    atomic_fetch_add(&r->freed, 1);
    int rc = ipcb_shm_multi_wake(&r->freed, &r->room_waiters, 0);
    return rc < 0 ? rc : (ssize_t)bytes;
}
