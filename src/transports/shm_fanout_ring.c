/* One producer, several readers, every reader gets every message: the
 * Disruptor's ring (shm_multi_ring.h). The producer publishes by moving
 * head; each reader has a cursor of its own on a line of its own; the
 * producer may reuse a slot once every cursor has passed it, and keeps the
 * slowest cursor it last saw (its gating sequence) so that it reads the
 * cursors again only when the ring looks full. Counters run mod 2^32. */
#include "transports/shm_multi_ring.h"

#include <errno.h>
#include <string.h>

#define SLOT_HEADER 8u   /* the message's length, before its bytes */

struct fanout_cursor {
    _Alignas(128) _Atomic uint32_t taken;   /* messages this reader is done with */
    /* sem: the slots this reader has given back, and those it may take */
    sem_t room, filled;
};

struct fanout_ring {
    /* the producer's line */
    _Alignas(128) _Atomic uint32_t head;    /* messages published */
    uint32_t gate;                          /* the slowest cursor, as last read */
    _Atomic uint32_t room_waiters;          /* futex: the producer sleeps */
    /* the readers': how many joined, and how many sleep on head */
    _Alignas(128) _Atomic uint32_t readers;
    _Atomic uint32_t filled_waiters;
    /* constant after init */
    _Alignas(128) size_t msg_max, stride;
    uint32_t slots, notify;
    uint32_t sems;      /* sem: the cursors whose semaphores exist, for fini */
    struct fanout_cursor cursor[IPCB_FANOUT_MAX_READERS];
};

static unsigned char *slot_at(struct fanout_ring *r, uint32_t n)
{
    return (unsigned char *)r + sizeof *r + (size_t)(n % r->slots) * r->stride;
}

size_t ipcb_fanout_ring_bytes(size_t msg_max, unsigned slots)
{
    /* counters mod 2^32 tell full from empty only below 2^31 slots */
    if (slots > (1u << 30))
        return 0;
    return ipcb_shm_multi_bytes(sizeof(struct fanout_ring), msg_max, SLOT_HEADER, slots);
}

int ipcb_fanout_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how)
{
    struct fanout_ring *r = mem;
    if (!ipcb_shm_multi_layout_ok(mem, ipcb_fanout_ring_bytes(msg_max, slots), how))
        return -EINVAL;
    memset(r, 0, sizeof *r);
    r->msg_max = msg_max;
    r->stride = ipcb_shm_multi_stride(SLOT_HEADER, msg_max);
    r->slots = slots;
    r->notify = (uint32_t)how;
    if (how != IPCB_NOTIFY_SEM)
        return 0;
    for (; r->sems < IPCB_FANOUT_MAX_READERS; r->sems++) {
        struct fanout_cursor *k = &r->cursor[r->sems];
        int err = sem_init(&k->room, 1, slots) != 0 ? errno : 0;
        if (!err && sem_init(&k->filled, 1, 0) != 0) {
            err = errno;
            sem_destroy(&k->room);
        }
        if (err) {
            ipcb_fanout_ring_fini(r);   /* the pairs made before this one */
            return -err;
        }
    }
    return 0;
}

void ipcb_fanout_ring_fini(void *ring)
{
    struct fanout_ring *r = ring;
    for (; r->sems > 0; r->sems--) {
        sem_destroy(&r->cursor[r->sems - 1].room);
        sem_destroy(&r->cursor[r->sems - 1].filled);
    }
}

/* sem: a slot every reader has given back, counted down in each reader's
 * room, or the count of each reader's filled slots up by one */
static int sem_room_all(struct fanout_ring *r)
{
    unsigned n = atomic_load_explicit(&r->readers, memory_order_acquire);
    for (unsigned i = 0; i < n && i < IPCB_FANOUT_MAX_READERS; i++) {
        int rc = ipcb_shm_multi_sem_take(&r->cursor[i].room);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int sem_filled_all(struct fanout_ring *r)
{
    unsigned n = atomic_load_explicit(&r->readers, memory_order_acquire);
    for (unsigned i = 0; i < n && i < IPCB_FANOUT_MAX_READERS; i++)
        if (sem_post(&r->cursor[i].filled) != 0)
            return -errno;
    return 0;
}

int ipcb_fanout_ring_join(void *ring)
{
    struct fanout_ring *r = ring;
    uint32_t n = atomic_fetch_add(&r->readers, 1);
    if (n >= IPCB_FANOUT_MAX_READERS) {
        atomic_fetch_sub(&r->readers, 1);
        return -ENOSPC;
    }
    return (int)n;
}

/* the slowest reader's cursor now, and which reader it is */
static uint32_t slowest(struct fanout_ring *r, unsigned *who)
{
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed), lag = 0;
    unsigned n = atomic_load_explicit(&r->readers, memory_order_acquire);
    *who = 0;
    for (unsigned i = 0; i < n && i < IPCB_FANOUT_MAX_READERS; i++) {
        /* acquire: pairs with the reader's release after its copy-out */
        uint32_t behind = head - atomic_load_explicit(&r->cursor[i].taken, memory_order_acquire);
        if (behind > lag) {
            lag = behind;
            *who = i;
        }
    }
    return head - lag;
}

static int has_room(void *ring, uintptr_t unused)
{
    struct fanout_ring *r = ring;
    unsigned who;
    (void)unused;
    r->gate = slowest(r, &who);
    return atomic_load_explicit(&r->head, memory_order_relaxed) - r->gate < r->slots;
}

static int wait_room(struct fanout_ring *r)
{
    unsigned spins = 0;
    while (!has_room(r, 0)) {
        if (r->notify == IPCB_NOTIFY_SPIN) {
            ipcb_shm_multi_pause(&spins);
            continue;
        }
        /* sleep on the slowest cursor: its reader wakes the producer */
        unsigned who;
        uint32_t seen = slowest(r, &who);
        int rc = ipcb_shm_multi_sleep(&r->cursor[who].taken, seen, &r->room_waiters, has_room,
                                      r, 0);
        if (rc < 0)
            return rc;
    }
    return 0;
}

IPCB_HOT ssize_t ipcb_fanout_ring_put(void *ring, const void *buf, size_t len)
{
    struct fanout_ring *r = ring;
    if (len > r->msg_max)
        return -EMSGSIZE;
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (r->notify == IPCB_NOTIFY_SEM) {
        int rc = sem_room_all(r);
        if (rc < 0)
            return rc;
    } else if (head - r->gate >= r->slots) {
        int rc = wait_room(r);
        if (rc < 0)
            return rc;
    }
    unsigned char *s = slot_at(r, head);
    uint32_t len32 = (uint32_t)len;
    memcpy(s, &len32, sizeof len32);
    memcpy(s + SLOT_HEADER, buf, len);
    /* release: the slot's bytes before the count that shows them */
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    if (r->notify == IPCB_NOTIFY_SEM) {
        int rc = sem_filled_all(r);
        return rc < 0 ? rc : (ssize_t)len;
    }
    if (r->notify != IPCB_NOTIFY_FUTEX)
        return (ssize_t)len;
    int rc = ipcb_shm_multi_wake(&r->head, &r->filled_waiters, 1);
    return rc < 0 ? rc : (ssize_t)len;
}

static int has_filled(void *ring, uintptr_t reader)
{
    struct fanout_ring *r = ring;
    return atomic_load_explicit(&r->head, memory_order_acquire) !=
           atomic_load_explicit(&r->cursor[reader].taken, memory_order_relaxed);
}

IPCB_HOT ssize_t ipcb_fanout_ring_get(void *ring, unsigned reader, void *buf, size_t len,
                                      int block)
{
    struct fanout_ring *r = ring;
    struct fanout_cursor *me = &r->cursor[reader];
    unsigned spins = 0;
    if (r->notify == IPCB_NOTIFY_SEM) {
        /* posted after head moved: the message is there once it is taken */
        int rc = block ? ipcb_shm_multi_sem_take(&me->filled)
                       : (sem_trywait(&me->filled) == 0 ? 0 : -errno);
        if (rc < 0)
            return rc;
    }
    while (!has_filled(r, reader)) {
        if (!block)
            return -EAGAIN;
        if (r->notify == IPCB_NOTIFY_SPIN) {
            ipcb_shm_multi_pause(&spins);
            continue;
        }
        uint32_t seen = atomic_load(&r->head);
        int rc = ipcb_shm_multi_sleep(&r->head, seen, &r->filled_waiters, has_filled, r,
                                      reader);
        if (rc < 0)
            return rc;
    }
    uint32_t taken = atomic_load_explicit(&me->taken, memory_order_relaxed);
    const unsigned char *s = slot_at(r, taken);
    uint32_t bytes;
    memcpy(&bytes, s, sizeof bytes);
    size_t copy = bytes < len ? bytes : len;
    if (copy > r->msg_max) /* written by another process: trust no more */
        copy = r->msg_max;
    memcpy(buf, s + SLOT_HEADER, copy);
    /* release: the copy-out is done before the producer may reuse the slot */
    atomic_store_explicit(&me->taken, taken + 1, memory_order_release);
    if (r->notify == IPCB_NOTIFY_SEM)
        return sem_post(&me->room) == 0 ? (ssize_t)bytes : -errno;
    if (r->notify != IPCB_NOTIFY_FUTEX)
        return (ssize_t)bytes;
    int rc = ipcb_shm_multi_wake(&me->taken, &r->room_waiters, 0);
    return rc < 0 ? rc : (ssize_t)bytes;
}
