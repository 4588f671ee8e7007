/* The ring of the shm transport: slots of a header (sequence, length) and msg_max bytes
 * of payload. Copy-in and copy-out are here, once for every strategy; the
 * strategy (shm_notify.c) only waits and wakes. */
#include "transports/shm_ring.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#define SLOT_LEN_BYTES sizeof(struct ipcb_shm_slot)

/* bytes from one slot to the next: a cache line, or a multiple of two
 * (see the header's alignment) */
static size_t slot_stride(size_t msg_max)
{
    size_t n = SLOT_LEN_BYTES + msg_max;
    return n <= 64 ? 64 : (n + 127) & ~(size_t)127;
}

size_t ipcb_shm_ring_bytes(size_t msg_max, unsigned slots)
{
    size_t stride, all;
    if (slots == 0 || slots > SEM_VALUE_MAX || (uint64_t)msg_max > UINT32_MAX ||
        msg_max > SIZE_MAX - SLOT_LEN_BYTES - 127)
        return 0;
    stride = slot_stride(msg_max);
    /* a multiple of 128, so the next ring in a segment starts a pair of lines */
    if (__builtin_mul_overflow(stride, (size_t)slots, &all) ||
        __builtin_add_overflow(all, sizeof(struct ipcb_shm_ring) + 127, &all))
        return 0;
    return all & ~(size_t)127;
}

const char *ipcb_shm_notify_name(enum ipcb_shm_notify how)
{
    return (unsigned)how < IPCB_NOTIFY_COUNT ? ipcb_shm_notify_ops[how]->name : "?";
}

unsigned ipcb_shm_notify_max_slots(enum ipcb_shm_notify how)
{
    return (unsigned)how < IPCB_NOTIFY_COUNT ? ipcb_shm_notify_ops[how]->max_slots : 0;
}

int ipcb_shm_ring_init(void *mem, size_t msg_max, unsigned slots, enum ipcb_shm_notify how,
                       const char **what)
{
    struct ipcb_shm_ring *r = mem;
    *what = "ring layout";
    if (ipcb_shm_ring_bytes(msg_max, slots) == 0 || ((uintptr_t)mem & 127) != 0 ||
        (unsigned)how >= IPCB_NOTIFY_COUNT)
        return -EINVAL;
    const struct ipcb_shm_notify_ops *n = ipcb_shm_notify_ops[how];
    if (slots > n->max_slots)
        return -ERANGE;
    memset(r, 0, sizeof *r);
    r->msg_max = msg_max;
    r->stride = slot_stride(msg_max);
    r->slots = slots;
    r->notify = (uint32_t)how;
    r->semid = -1;
    *what = n->init_call;
    return n->init(r);
}

void ipcb_shm_ring_fini(struct ipcb_shm_ring *r)
{
    ipcb_shm_notify_ops[r->notify]->fini(r);
}

int ipcb_shm_ring_fini_at_open(const struct ipcb_shm_ring *r)
{
    return ipcb_shm_notify_ops[r->notify]->fini_at_open;
}

/* The slot at head_slot is ours (the strategy's wait said so): fill it,
 * publish it through its sequence number and head, both with release order,
 * then let the strategy wake the consumer. Only the producer writes head,
 * head_slot and the slots' headers, only the consumer tail. */
static ssize_t put_taken(struct ipcb_shm_ring *r, const struct ipcb_shm_notify_ops *n,
                         const void *buf, size_t len)
{
    struct ipcb_shm_slot *s = ipcb_shm_ring_slot(r, r->head_slot);
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed) + 1;
    memcpy(s + 1, buf, len);
    s->len = (uint32_t)len; /* len <= msg_max <= UINT32_MAX */
    atomic_store_explicit(&s->seq, head, memory_order_release);
    r->head_slot = r->head_slot + 1 == r->slots ? 0 : r->head_slot + 1; /* no divide */
    atomic_store_explicit(&r->head, head, memory_order_release);
    int rc = n->post_filled(r);
    return rc < 0 ? rc : (ssize_t)len;
}

static ssize_t get_taken(struct ipcb_shm_ring *r, const struct ipcb_shm_notify_ops *n,
                         void *buf, size_t len)
{
    const struct ipcb_shm_slot *s = ipcb_shm_ring_slot(r, r->tail_slot);
    uint32_t bytes = s->len;
    size_t copy = bytes < len ? (size_t)bytes : len;
    memcpy(buf, s + 1, copy < r->msg_max ? copy : r->msg_max);
    r->tail_slot = r->tail_slot + 1 == r->slots ? 0 : r->tail_slot + 1;
    atomic_store_explicit(&r->tail, atomic_load_explicit(&r->tail, memory_order_relaxed) + 1,
                          memory_order_release);
    int rc = n->post_room(r);
    return rc < 0 ? rc : (ssize_t)bytes;
}

static ssize_t put(struct ipcb_shm_ring *r, const void *buf, size_t len, int block)
{
    const struct ipcb_shm_notify_ops *n = ipcb_shm_notify_ops[r->notify];
    if (len > r->msg_max)
        return -EMSGSIZE;
    int rc = n->wait_room(r, block);
    return rc < 0 ? rc : put_taken(r, n, buf, len);
}

static ssize_t get(struct ipcb_shm_ring *r, void *buf, size_t len, int block)
{
    const struct ipcb_shm_notify_ops *n = ipcb_shm_notify_ops[r->notify];
    int rc = n->wait_filled(r, block);
    return rc < 0 ? rc : get_taken(r, n, buf, len);
}

IPCB_HOT ssize_t ipcb_shm_ring_put(struct ipcb_shm_ring *r, const void *buf, size_t len)
{
    return put(r, buf, len, 1);
}

IPCB_HOT ssize_t ipcb_shm_ring_get(struct ipcb_shm_ring *r, void *buf, size_t len)
{
    return get(r, buf, len, 1);
}

ssize_t ipcb_shm_ring_try_put(struct ipcb_shm_ring *r, const void *buf, size_t len)
{
    return put(r, buf, len, 0);
}

ssize_t ipcb_shm_ring_try_get(struct ipcb_shm_ring *r, void *buf, size_t len)
{
    return get(r, buf, len, 0);
}
