/* The SPSC reference of the hardware floor: the best-known single-producer
 * single-consumer ring, streaming 64-byte messages from a process pinned to
 * cpu_a to one pinned to cpu_b. What a shared-memory ring of small messages
 * can reach when the ring is all there is: no notification, no framing, no
 * sizes, one cache line a message.
 *
 * The cached-index design: each side owns one index and publishes it with a
 * release store after every message; it reads the other side's index (an
 * acquire load, a line that has to come across) only when its private copy
 * says the ring is full (producer) or empty (consumer). In a steady stream
 * that is once per few messages, not once per message. */
#include "measure/hw_floor.h"

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/hw_floor_sides.h"

#define SPSC_MSG_BYTES 64u
#define SPSC_SLOTS IPCB_HWFLOOR_XCPU_SLOTS
#define SPSC_WARM (SPSC_SLOTS * 64ull) /* messages before the first sample */

/* Each index alone on a 128-byte-aligned pair of lines: the adjacent-line
 * prefetcher moves lines in pairs, and a neighbour on the pair would move
 * with the index. */
struct spsc_ring {
    struct ipcb_hwfloor_start start;     /* its figure: msgs/s, the consumer's median */
    _Alignas(128) _Atomic uint64_t head; /* messages written: the producer's alone */
    _Alignas(128) _Atomic uint64_t tail; /* messages read: the consumer's alone */
    _Alignas(128) unsigned char slot[SPSC_SLOTS][SPSC_MSG_BYTES];
};
_Static_assert(offsetof(struct spsc_ring, slot) % 64 == 0, "a slot is one cache line");
_Static_assert(sizeof(uint64_t) <= SPSC_MSG_BYTES, "the sequence number fits a message");

/* the consumer's state from one sample to the next */
struct spsc_consumer {
    struct spsc_ring *r;
    uint64_t head_seen;                  /* its private copy of head */
    uint64_t per, deadline_ns;
};

/* cpu_a's side: messages [0, total), each stamped with its number in a
 * private buffer and copied whole into its slot */
static int spsc_produce(struct spsc_ring *r, uint64_t total, uint64_t deadline_ns)
{
    _Alignas(64) unsigned char msg[SPSC_MSG_BYTES];
    memset(msg, 0x5a, sizeof msg);
    uint64_t tail_seen = 0;
    for (uint64_t i = 0; i < total; i++) {
        if (i - tail_seen == SPSC_SLOTS &&
            ipcb_hwfloor_spin_seen(&r->tail, i + 1 - SPSC_SLOTS, &r->start.gave_up, deadline_ns,
                                   &tail_seen) != 0)
            return -1;
        memcpy(msg, &i, sizeof i);
        ipcb_hwfloor_copied(msg); /* the stamp is in the buffer the slot is copied from */
        memcpy(r->slot[i % SPSC_SLOTS], msg, sizeof msg);
        atomic_store_explicit(&r->head, i + 1, memory_order_release);
    }
    return 0;
}

/* cpu_b's side: messages [first, last) copied out whole, each checked for
 * its number; -1 for a wrong one, which would be a bug in the ring */
static int spsc_consume(struct spsc_consumer *c, uint64_t first, uint64_t last)
{
    struct spsc_ring *r = c->r;
    _Alignas(64) unsigned char msg[SPSC_MSG_BYTES];
    for (uint64_t i = first; i < last; i++) {
        if (i == c->head_seen &&
            ipcb_hwfloor_spin_seen(&r->head, i + 1, &r->start.gave_up, c->deadline_ns,
                                   &c->head_seen) != 0)
            return -1;
        memcpy(msg, r->slot[i % SPSC_SLOTS], sizeof msg);
        ipcb_hwfloor_copied(msg); /* all 64 bytes out, not just the stamp */
        uint64_t seq;
        memcpy(&seq, msg, sizeof seq);
        if (seq != i)
            return -1;
        atomic_store_explicit(&r->tail, i + 1, memory_order_release);
    }
    return 0;
}

/* sample k after the warm-up, in msgs/s, timed from its first message to
 * its last: the wait for the first is not the stream's */
static double spsc_sample(void *ctx, unsigned k)
{
    struct spsc_consumer *c = ctx;
    const uint64_t first = SPSC_WARM + k * c->per;
    if (spsc_consume(c, first, first + 1) != 0)
        return NAN;
    const uint64_t t0 = ipcb_now_ns();
    if (spsc_consume(c, first + 1, first + c->per) != 0)
        return NAN;
    const uint64_t ns = ipcb_now_ns() - t0;
    return (double)(c->per - 1) * 1e9 / (double)(ns ? ns : 1);
}

static int spsc_side(void *shared, const struct ipcb_hwfloor_effort *e, uint64_t deadline_ns,
                     int consumer)
{
    struct spsc_consumer c = {shared, 0, e->spsc_msgs_per_sample, deadline_ns};
    if (!consumer)
        return spsc_produce(c.r, SPSC_WARM + (uint64_t)e->spsc_samples * c.per, deadline_ns);
    if (spsc_consume(&c, 0, SPSC_WARM) != 0)
        return -1;
    return ipcb_hwfloor_samples(&c.r->start, e->spsc_samples, spsc_sample, &c);
}

double ipcb_hwfloor_spsc_msgs_per_s(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e)
{
    if (e->spsc_samples == 0 || e->spsc_msgs_per_sample < 2)
        return NAN;
    return ipcb_hwfloor_across(cpu_a, cpu_b, sizeof(struct spsc_ring), e, spsc_side);
}
