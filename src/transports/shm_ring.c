/* The ring of the shm transport: slots of msg_max bytes, their lengths
 * beside them. Copy-in and copy-out are here, once for every strategy, and
 * so is spin, the strategy whose waiting is the ring itself; every other
 * strategy (shm_notify.c) only waits and wakes. */
#include "transports/shm_ring.h"
#include "transports/shm_pair.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <string.h>

#include "common/cpu_relax.h"

/* bytes from one slot to the next: the message's pairs of lines, then,
 * for a short one, a pair that nothing touches (see the header) */
static size_t slot_stride(size_t msg_max)
{
    size_t pairs = (msg_max + 127) & ~(size_t)127;
    return msg_max <= IPCB_SHM_GAP_UP_TO ? pairs + IPCB_SHM_SLOT_GAP : pairs;
}

/* n bytes rounded up to whole pairs of lines, or 0 when that overflows */
static size_t pairs_of_lines(size_t n)
{
    return n > SIZE_MAX - 127 ? 0 : (n + 127) & ~(size_t)127;
}

/* the offsets of lens[], the notes and the first slot, after the header */
static void layout(size_t slots, size_t *lens_off, size_t *notes_off, size_t *slots_off)
{
    *lens_off = sizeof(struct ipcb_shm_ring);
    *notes_off = *lens_off + pairs_of_lines(slots * sizeof(uint32_t));
    *slots_off = *notes_off + pairs_of_lines(slots * sizeof(uint64_t));
}

size_t ipcb_shm_ring_bytes(size_t msg_max, unsigned slots)
{
    size_t stride, all, lens_off, notes_off, slots_off;
    if (slots == 0 || slots > SEM_VALUE_MAX || (uint64_t)msg_max > UINT32_MAX ||
        msg_max > SIZE_MAX - 127)
        return 0;
    stride = slot_stride(msg_max);
    layout(slots, &lens_off, &notes_off, &slots_off); /* slots <= INT_MAX: no overflow */
    /* a multiple of 128, so the next ring in a segment starts a pair of lines */
    if (__builtin_mul_overflow(stride, (size_t)slots, &all) ||
        __builtin_add_overflow(all, slots_off + 127, &all))
        return 0;
    return all & ~(size_t)127;
}

const char *ipcb_shm_notify_name(enum ipcb_shm_notify how)
{
#define NOTIFY_NAME_(ctx, e, id, name, what) [IPCB_NOTIFY_##e] = name,
    static const char *const names[IPCB_NOTIFY_COUNT] = {IPCB_SHM_NOTIFY_LIST(NOTIFY_NAME_, _)};
#undef NOTIFY_NAME_
    return (unsigned)how < IPCB_NOTIFY_COUNT ? names[how] : "?";
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
    layout(slots, &r->lens_off, &r->notes_off, &r->slots_off);
    memset(ipcb_shm_ring_lens(r), 0, slots * sizeof(uint32_t));
    for (unsigned i = 0; i < slots; i++) {
        ipcb_shm_ring_notes(r)[i] = IPCB_SHM_WORD0_UNSET;
        atomic_init(&ipcb_shm_ring_slot(r, i)->word0, IPCB_SHM_WORD0_UNSET);
    }
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

/* A copy of up to 64 bytes in 8-byte words, the last one overlapping,
 * which the compiler inlines, instead of a call into libc that sorts sizes
 * first. Words, not two 32-byte moves: the caller has often just written
 * its message in 8-byte stores (ipcbench's stamps and send time are), and
 * a load wider than a store still in flight cannot take its bytes from it,
 * so it waits for the store to reach the cache. The empty asm keeps the
 * compiler from merging the words back into wide moves. */
static inline void copy_bytes(unsigned char *dst, const unsigned char *src, size_t n)
{
    if (n >= 8 && n <= 64) {
        uint64_t w;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&w, src + i, 8);
            memcpy(dst + i, &w, 8);
            __asm__ __volatile__("" : : : "memory");
        }
        memcpy(&w, src + n - 8, 8);
        memcpy(dst + n - 8, &w, 8);
    } else if (n > 0) {
        memcpy(dst, src, n);
    }
}

/* ---- spin: the lock-free single-producer single-consumer ring ----
 * Built in here rather than behind the strategy table, so its put and get
 * are one inlined path. The consumer watches word0 of the slot it takes
 * next: the line it waits on is the line that carries the message, so a
 * message of up to 64 bytes is one line from CPU to CPU, nothing else.
 * Every HEAD_EVERY polls it also reads head, which delivers a message whose
 * first 8 bytes happen to equal the last lap's. The producer keeps the
 * last tail it read and reads tail again only when that copy says the ring
 * is full. A side that put a message and then finds it must wait for one
 * drains its stores first (ipcb_spin_enter, a full fence): in a round trip
 * the message it has just put then reaches the other side sooner.
 * No system call, except: when both sides are pinned to one CPU (--cpu same)
 * the side it waits for cannot run while it spins, and would get the CPU only
 * when the time slice ends; so after SPINS_BEFORE_YIELD polls (some 6 us with
 * a 20-25 ns pause, longer where pause is slower) it gives the CPU away with
 * sched_yield. Across two CPUs the answer nearly always comes first; if it
 * does not, a yield with nothing else to run returns at once. */
#define SPINS_BEFORE_YIELD 256u
#define HEAD_EVERY 32u
#define BACKLOG_FETCH 8u /* lines fetched ahead of the copy, at most */

/* this thread put a message since it last waited for one: its next wait
 * for a message drains first. Per thread, as a process's sides may be
 * threads. Only the wait for a message drains: a stream's consumer, which
 * never puts, never pays the fence (in a slow phase of the host a fence at
 * every wait of the SPSC reference cost 0.83x its rate), and a producer
 * that waits for room waits on a stream's full ring, where a drain before
 * each poll for room only delays it. */
static _Thread_local unsigned char put_since_wait;

/* the producer's view of free slots: its own copy of tail first. (Fetching
 * the given-back slots for writing here, with prefetchw, was tried: it cost
 * a fifth of the stream's rate when lines cross slowly between the CPUs.) */
static inline int spin_has_room(struct ipcb_shm_ring *r)
{
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (head - r->tail_seen < r->slots)
        return 1;
    /* acquire: pairs with the consumer's release of tail, after its copy-out */
    r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
    return head - r->tail_seen < r->slots;
}

/* the consumer's view: word0 of its next slot moved (acquire: pairs with
 * the producer's release store of it, after the rest of the message) */
static inline int spin_word0_moved(struct ipcb_shm_ring *r)
{
    const struct ipcb_shm_slot *s = ipcb_shm_ring_slot(r, r->tail_slot);
    return atomic_load_explicit(&s->word0, memory_order_acquire) !=
           ipcb_shm_ring_notes(r)[r->tail_slot];
}

/* or head says so (acquire: pairs with the producer's release of head).
 * head trails word0 by a moment, so head may still be one short of what
 * the consumer has taken: only a head ahead of taken means a message */
static inline int spin_head_moved(struct ipcb_shm_ring *r)
{
    r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
    return (int32_t)(r->head_seen - r->taken) > 0;
}

/* A message was there at the first look: the consumer is behind, and more
 * may be waiting. head says how many; fetch their first lines now, all at
 * once, instead of one miss after another as the copy reaches each. Only
 * filled slots are fetched, so no line is pulled away from a producer that
 * is still writing it. */
static inline void fetch_backlog(struct ipcb_shm_ring *r)
{
    uint32_t ahead = spin_head_moved(r) ? r->head_seen - r->taken : 0;
    uint32_t j = r->tail_slot;
    for (uint32_t k = 1; k < ahead && k <= BACKLOG_FETCH; k++) {
        j = j + 1 == r->slots ? 0 : j + 1;
        __builtin_prefetch(ipcb_shm_ring_slot(r, j), 0, 3);
    }
}

static inline void drain_if_put(void)
{
    if (put_since_wait) {
        put_since_wait = 0;
        ipcb_spin_enter();
    }
}

int ipcb_shm_spin_wait_room(struct ipcb_shm_ring *r, int block)
{
    unsigned spins = 0;
    while (!spin_has_room(r)) {
        if (!block)
            return -EAGAIN;
        ipcb_cpu_relax();
        if (++spins == SPINS_BEFORE_YIELD) {
            spins = 0;
            sched_yield();
        }
    }
    return 0;
}

/* the consumer's first look, inlined into get: a message is there when
 * head said so before (filled, and visible through that acquire) or when
 * the slot's word0 moved */
static inline int spin_filled_now(struct ipcb_shm_ring *r)
{
    if ((int32_t)(r->head_seen - r->taken) > 0)
        return 1;
    if (!spin_word0_moved(r))
        return 0;
    fetch_backlog(r);
    return 1;
}

int ipcb_shm_spin_wait_filled(struct ipcb_shm_ring *r, int block)
{
    if (spin_filled_now(r))
        return 0;
    if (!block)
        return spin_head_moved(r) ? 0 : -EAGAIN;
    drain_if_put();
    /* the slot and its note stay put while this side waits (only it moves
     * tail_slot), so each poll is one load and one compare, with no address
     * to work out between the pause and the load that sees the message */
    _Atomic uint64_t *word0 = &ipcb_shm_ring_slot(r, r->tail_slot)->word0;
    const uint64_t note = ipcb_shm_ring_notes(r)[r->tail_slot];
    unsigned spins = 0;
    for (;;) {
        ipcb_cpu_relax();
        if (atomic_load_explicit(word0, memory_order_acquire) != note)
            return 0;
        if (++spins % HEAD_EVERY == 0 && spin_head_moved(r))
            return 0;
        if (spins == SPINS_BEFORE_YIELD) {
            spins = 0;
            sched_yield();
        }
    }
}

/* The slot at head_slot is ours (the wait said so): fill it, the first 8
 * bytes last with release order, then head, and let the strategy wake the
 * consumer. Only the producer writes head, head_slot, lens[] and the slots,
 * only the consumer tail, taken and the notes. */
static inline void put_taken(struct ipcb_shm_ring *r, const void *buf, size_t len)
{
    const uint32_t i = r->head_slot;
    struct ipcb_shm_slot *s = ipcb_shm_ring_slot(r, i);
    uint32_t *lens = ipcb_shm_ring_lens(r);
    uint64_t word0 = 0;
    if (len >= 8) {
        copy_bytes(s->rest, (const unsigned char *)buf + 8, len - 8);
        memcpy(&word0, buf, 8);
    } else if (len > 0) {
        memcpy(&word0, buf, len);
    }
    if (lens[i] != (uint32_t)len) /* len <= msg_max <= UINT32_MAX */
        lens[i] = (uint32_t)len;  /* a line that stays shared while lengths repeat */
    atomic_store_explicit(&s->word0, word0, memory_order_release);
    r->head_slot = i + 1 == r->slots ? 0 : i + 1; /* no divide */
    atomic_store_explicit(&r->head, atomic_load_explicit(&r->head, memory_order_relaxed) + 1,
                          memory_order_release);
}

/* the slot at tail_slot holds a message (the wait said so, with acquire):
 * copy at most len bytes out, note its word0, and give the slot back */
static inline ssize_t get_taken(struct ipcb_shm_ring *r, void *buf, size_t len)
{
    const uint32_t i = r->tail_slot;
    const struct ipcb_shm_slot *s = ipcb_shm_ring_slot(r, i);
    const uint32_t bytes = ipcb_shm_ring_lens(r)[i];
    const uint64_t word0 = atomic_load_explicit(&s->word0, memory_order_relaxed);
    size_t copy = bytes < len ? (size_t)bytes : len;
    if (copy > r->msg_max) /* lens[] is the other process's to write: trust no more */
        copy = r->msg_max;
    if (copy >= 8) {
        memcpy(buf, &word0, 8);
        copy_bytes((unsigned char *)buf + 8, s->rest, copy - 8);
    } else if (copy > 0) {
        memcpy(buf, &word0, copy);
    }
    ipcb_shm_ring_notes(r)[i] = word0;
    r->tail_slot = i + 1 == r->slots ? 0 : i + 1;
    r->taken++;
    /* every message, as the reference ring does: giving slots back a
     * quarter ring at a time was measured, and streamed no faster */
    atomic_store_explicit(&r->tail, r->taken, memory_order_release);
    return (ssize_t)bytes;
}

static inline ssize_t put(struct ipcb_shm_ring *r, const void *buf, size_t len, int block)
{
    if (len > r->msg_max)
        return -EMSGSIZE;
    if (r->notify == IPCB_NOTIFY_SPIN) {
        int rc = spin_has_room(r) ? 0 : ipcb_shm_spin_wait_room(r, block);
        if (rc < 0)
            return rc;
        put_taken(r, buf, len);
        if (!put_since_wait) /* a load in a stream, whose producer never waits for a message */
            put_since_wait = 1;
        return (ssize_t)len;
    }
    const struct ipcb_shm_notify_ops *n = ipcb_shm_notify_ops[r->notify];
    int rc = n->wait_room(r, block);
    if (rc < 0)
        return rc;
    put_taken(r, buf, len);
    rc = n->post_filled(r);
    return rc < 0 ? rc : (ssize_t)len;
}

static inline ssize_t get(struct ipcb_shm_ring *r, void *buf, size_t len, int block)
{
    if (r->notify == IPCB_NOTIFY_SPIN) {
        int rc = spin_filled_now(r) ? 0 : ipcb_shm_spin_wait_filled(r, block);
        return rc < 0 ? rc : get_taken(r, buf, len);
    }
    const struct ipcb_shm_notify_ops *n = ipcb_shm_notify_ops[r->notify];
    int rc = n->wait_filled(r, block);
    if (rc < 0)
        return rc;
    ssize_t bytes = get_taken(r, buf, len);
    rc = n->post_room(r);
    return rc < 0 ? rc : bytes;
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

/* the ring transports' send and recv (shm_pair.h), here so that put and
 * get inline into them: one call from the pattern's loop to the copy */
IPCB_HOT ssize_t ipcb_shm_pair_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct ipcb_shm_pair *p = c->priv;
    if (__builtin_expect(p->multi != 0, 0))
        return ipcb_shm_multi_send(c, buf, len);
    ssize_t n = put(p->tx, buf, len, 1);
    return __builtin_expect(n < 0, 0) ? ipcb_shm_pair_error(c, n, len) : n;
}

IPCB_HOT ssize_t ipcb_shm_pair_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    struct ipcb_shm_pair *p = c->priv;
    if (__builtin_expect(p->multi != 0, 0))
        return ipcb_shm_multi_recv(c, buf, len);
    ssize_t n = get(p->rx, buf, len, 1);
    return __builtin_expect(n < 0, 0) ? ipcb_shm_pair_error(c, n, len) : n;
}
