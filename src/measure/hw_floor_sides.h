/* What the floor's measurements across two CPUs share (hw_floor.c,
 * hw_floor_spsc.c): two forked sides pinned to two CPUs over MAP_SHARED
 * memory, how each waits for the other, and the median of the samples.
 * Inside the floor only; its interface is hw_floor.h. */
#ifndef IPCB_HWFLOOR_SIDES_H
#define IPCB_HWFLOOR_SIDES_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cpu_relax.h"
#include "measure/clock.h"
#include "measure/hw_floor.h"

/* The start the two sides share, first in their MAP_SHARED mapping: neither
 * begins before both are pinned, and either stopping stops the other. */
struct ipcb_hwfloor_start {
    _Alignas(64) _Atomic uint64_t ready; /* sides pinned and waiting: 2 to start */
    _Atomic int gave_up;                 /* a side stopped waiting: the other stops too */
    double figure;                       /* the measuring side's median, when it is in */
};

/* spin until *v reaches want (the counters only grow), *seen the value that
 * did; -1 when the other side gave up or time ran out. Inline: the round
 * trip times this loop. */
static inline int ipcb_hwfloor_spin_seen(_Atomic uint64_t *v, uint64_t want,
                                         _Atomic int *gave_up, uint64_t deadline_ns,
                                         uint64_t *seen)
{
    uint64_t now;
    for (unsigned n = 1; (now = atomic_load_explicit(v, memory_order_acquire)) < want; n++) {
        ipcb_cpu_relax();
        if ((n & 0xfffu) == 0 &&
            (atomic_load_explicit(gave_up, memory_order_relaxed) ||
             ipcb_now_ns() > deadline_ns)) {
            atomic_store(gave_up, 1);
            return -1;
        }
    }
    *seen = now;
    return 0;
}

static inline int ipcb_hwfloor_spin_for(_Atomic uint64_t *v, uint64_t want,
                                        _Atomic int *gave_up, uint64_t deadline_ns)
{
    uint64_t seen;
    return ipcb_hwfloor_spin_seen(v, want, gave_up, deadline_ns, &seen);
}

/* a round trip's side hands its value over and will wait for the answer:
 * the release store, then the drain a spinning side of shm does before it
 * waits (ipcb_spin_enter). Only the round trips do it: in the SPSC ring
 * and the copy across CPUs, whose sides wait seldom and publish often, a
 * fence made the reference slower in a slow phase of the host (0.83x the
 * SPSC rate). */
static inline void ipcb_hwfloor_hand_over(_Atomic uint64_t *v, uint64_t value)
{
    atomic_store_explicit(v, value, memory_order_release);
    ipcb_spin_enter();
}

/* the copy happened, as far as the compiler knows: no copy can be elided */
static inline void ipcb_hwfloor_copied(void *dst)
{
    __asm__ __volatile__("" : : "r"(dst) : "memory");
}

/* one side of a figure across two CPUs, given the mapping both share */
typedef int ipcb_hwfloor_side_fn(void *shared, const struct ipcb_hwfloor_effort *e,
                                 uint64_t deadline_ns, int second);

/* One figure across two CPUs: a MAP_SHARED | MAP_ANONYMOUS mapping of bytes,
 * zeroed, an ipcb_hwfloor_start first (no named IPC object to leave behind);
 * side(.., 0) in a child pinned to cpu_a and side(.., 1) in a child pinned
 * to cpu_b, from the moment both are pinned, e->rtt_deadline_ns at most.
 * Children, so nothing they touch counts in the caller's RSS and its
 * affinity stays as it was. The start's figure when both sides returned 0
 * (a side that fails stops the other), else NAN. */
double ipcb_hwfloor_across(int cpu_a, int cpu_b, size_t bytes,
                           const struct ipcb_hwfloor_effort *e, ipcb_hwfloor_side_fn *side);

/* The measuring side's n samples, sample(ctx, k) each (NAN: the side
 * failed), and their median into s->figure; 0, or -1 on a failed sample. */
int ipcb_hwfloor_samples(struct ipcb_hwfloor_start *s, unsigned n,
                         double (*sample)(void *ctx, unsigned k), void *ctx);

#endif
