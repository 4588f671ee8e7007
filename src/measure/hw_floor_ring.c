/* The ring round trip beside the floor's cache-line round trip: the same
 * 64-byte message handed there and back through two rings of
 * IPCB_HWFLOOR_XCPU_SLOTS slots of one cache line each, laid out as the shm
 * transport lays them (IPCB_HWFLOOR_RING_STRIDE apart), with nothing else
 * on the way: no clock read per message, no indices, no stamps, no
 * histogram. Where it is slower than the single line, the difference is
 * the rotation through the slots, which the hardware charges (lines that
 * move in turn, each written while the other side polls it); what a ring
 * transport costs beyond this is its own. For bench/floor, floor_slice and
 * shm-paired; not in meta.json. */
#include "measure/hw_floor.h"

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/hw_floor_sides.h"

#define RING_SLOTS IPCB_HWFLOOR_XCPU_SLOTS
#define RING_WARM (RING_SLOTS * 64ull)

/* a slot: its first word says which message is in it (1, 2, ...; 0: none
 * yet), the rest is the message's */
struct ring_slot {
    _Atomic uint64_t word0;
    unsigned char rest[56];
};
_Static_assert(sizeof(struct ring_slot) == 64, "a slot is one cache line");

/* a slot and the lines after it that nothing touches */
struct ring_place {
    struct ring_slot slot;
    unsigned char unused[IPCB_HWFLOOR_RING_STRIDE - sizeof(struct ring_slot)];
};
_Static_assert(sizeof(struct ring_place) == IPCB_HWFLOOR_RING_STRIDE, "slots stand apart");

/* slot i of back is as far from slot i of there as in shm's segment of two
 * 64-byte rings, where a header, the lengths and the notes lie between:
 * 4096 + 768 bytes, not a multiple of 4 KiB (a load 4 KiB from a store in
 * flight waits for it) */
struct ring_pair {
    struct ipcb_hwfloor_start start;            /* its figure: ns per round trip */
    _Alignas(128) struct ring_place there[RING_SLOTS];
    _Alignas(128) unsigned char apart[IPCB_HWFLOOR_RING_APART];
    struct ring_place back[RING_SLOTS];
};

/* message i into its slot: the rest first, then word0 with release order,
 * drained before the wait for the answer as in the line's round trip */
static inline void ring_put(struct ring_place *ring, uint64_t i, const unsigned char *msg)
{
    struct ring_slot *s = &ring[i % RING_SLOTS].slot;
    memcpy(s->rest, msg + 8, sizeof s->rest);
    ipcb_hwfloor_hand_over(&s->word0, i);
}

/* until message i is in its slot, then all 64 bytes out; -1 when the other
 * side gave up or time ran out */
static inline int ring_get(struct ring_pair *p, struct ring_place *ring, uint64_t i,
                           unsigned char *msg, uint64_t deadline_ns)
{
    struct ring_slot *s = &ring[i % RING_SLOTS].slot;
    uint64_t seen;
    if (ipcb_hwfloor_spin_seen(&s->word0, i, &p->start.gave_up, deadline_ns, &seen) != 0)
        return -1;
    memcpy(msg, &seen, 8);
    memcpy(msg + 8, s->rest, sizeof s->rest);
    ipcb_hwfloor_copied(msg);
    return 0;
}

struct ring_timer {
    struct ring_pair *p;
    uint64_t next, per, deadline_ns;
    unsigned char msg[64];
};

/* one batch of round trips, in ns per round trip */
static double ring_sample(void *ctx, unsigned k)
{
    struct ring_timer *t = ctx;
    (void)k;
    const uint64_t t0 = ipcb_now_ns();
    for (uint64_t n = 0; n < t->per; n++, t->next++) {
        ring_put(t->p->there, t->next, t->msg);
        if (ring_get(t->p, t->p->back, t->next, t->msg, t->deadline_ns) != 0)
            return NAN;
    }
    return (double)(ipcb_now_ns() - t0) / (double)t->per;
}

static int ring_side(void *shared, const struct ipcb_hwfloor_effort *e, uint64_t deadline_ns,
                     int echo)
{
    struct ring_pair *p = shared;
    const uint64_t last = RING_WARM + (uint64_t)e->rtt_batches * e->rtt_per_batch;
    _Alignas(64) unsigned char msg[64];
    memset(msg, 0x5a, sizeof msg);
    if (echo) {
        for (uint64_t i = 1; i <= last; i++) {
            if (ring_get(p, p->there, i, msg, deadline_ns) != 0)
                return -1;
            ring_put(p->back, i, msg);
        }
        return 0;
    }
    struct ring_timer t = {p, 1, e->rtt_per_batch, deadline_ns, {0}};
    memcpy(t.msg, msg, sizeof msg);
    for (; t.next <= RING_WARM; t.next++) {
        ring_put(p->there, t.next, t.msg);
        if (ring_get(p, p->back, t.next, t.msg, deadline_ns) != 0)
            return -1;
    }
    return ipcb_hwfloor_samples(&p->start, e->rtt_batches, ring_sample, &t);
}

double ipcb_hwfloor_ring_rtt_ns(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e)
{
    if (e->rtt_batches == 0 || e->rtt_per_batch == 0)
        return NAN;
    return ipcb_hwfloor_across(cpu_a, cpu_b, sizeof(struct ring_pair), e, ring_side);
}
