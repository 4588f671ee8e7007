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
    struct fanout_cursor cursor[IPCB_FANOUT_MAX_READERS];
};

static size_t slot_stride(size_t msg_max)
{
    return (SLOT_HEADER + msg_max + 63) & ~(size_t)63;
}

static unsigned char *slot_at(struct fanout_ring *r, uint32_t n)
{
    return (unsigned char *)r + sizeof *r + (size_t)(n % r->slots) * r->stride;
}

size_t ipcb_fanout_ring_bytes(size_t msg_max, unsigned slots)
{
    size_t all;
    /* counters mod 2^32 tell full from empty only below 2^31 slots */
    if (slots == 0 || slots > (1u << 30) || msg_max > UINT32_MAX || msg_max > SIZE_MAX / 2)
        return 0;
    if (__builtin_mul_overflow(slot_stride(msg_max), (size_t)slots, &all) ||
        __builtin_add_overflow(all, sizeof(struct fanout_ring) + 127, &all))
        return 0;
    return all & ~(size_t)127;
}

int ipcb_fanout_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how)
{
    struct fanout_ring *r = mem;
    if (ipcb_fanout_ring_bytes(msg_max, slots) == 0 || ((uintptr_t)mem & 127) != 0 ||
        !ipcb_shm_multi_waits(how))
        return -EINVAL;
    memset(r, 0, sizeof *r);
    r->msg_max = msg_max;
    r->stride = slot_stride(msg_max);
    r->slots = slots;
    r->notify = (uint32_t)how;
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
    if (head - r->gate >= r->slots) {
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
    if (r->notify != IPCB_NOTIFY_FUTEX)
        return (ssize_t)bytes;
    int rc = ipcb_shm_multi_wake(&me->taken, &r->room_waiters, 0);
    return rc < 0 ? rc : (ssize_t)bytes;
}
