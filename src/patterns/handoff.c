/* Hand-off: two processes pass a token back and forth through a
 * synchronization primitive, no payload. The producer's histogram holds
 * round trips (its pass, the peer's pass back), as pingpong's does, and
 * each round trip is cut in two one-way times as rt-tests' svsematest and
 * sigwaittest time a wake-up: from the clock read just before one side's
 * pass to the one just after the other side's wait returns. The consumer
 * reads the clock once, when its wait returns, and passes the token back
 * right after, so there + back is the round trip exactly (the one clock
 * read and a load are all the consumer adds to the round trip). Each side
 * publishes its read in the primitive's shared area before it passes
 * (sync.h's passed_ns); the other reads it after its wait. The times there
 * go into the consumer's own histogram, the times back into its
 * hist_uncorrected, which only the producer writes (aggregate.c's one-way
 * columns read both). */
#include <stdatomic.h>

#include "measure/clock.h"
#include "ipcbench/pattern.h"
#include "patterns/consume.h"
#include "run/side.h"
#include "sync/sync.h"
#include "sync/sync_plan.h"

IPCB_HOT static int handoff_producer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const pass)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    ssize_t (*const wait)(struct ipcb_chan *, void *, size_t) = c->t->recv;
    struct ipcb_side_result *res = a->res;
    _Atomic uint64_t *passed = ipcb_sync_area(c)->passed_ns;
    struct ipcb_hist *back = &a->sh->side[1].hist_uncorrected;
    uint64_t total = atomic_load(&a->sh->total), end_ns = 0, last_t1 = 0;
    struct ipcb_hist_acc lat, back_acc;
    ipcb_hist_acc_init(&lat);
    ipcb_hist_acc_init(&back_acc);
    int rc = 0;

    for (uint64_t seq = 0; seq < total; seq++) {
        if (seq == a->warmup) {
            end_ns = ipcb_side_producer_begin(a);
            last_t1 = res->first_ns;
        }
        if (end_ns && last_t1 >= end_ns) {
            total = seq + 1;    /* the consumer learns it before the token arrives */
            atomic_store_explicit(&a->sh->total, total, memory_order_release);
        }
        uint64_t t0 = ipcb_now_ns();
        atomic_store_explicit(&passed[0], t0, memory_order_relaxed);
        ssize_t n = pass(c, a->buf, 1);
        if (n != 1) {
            rc = ipcb_side_io_error(a, "passing the token", seq, n);
            break;
        }
        n = wait(c, a->rbuf, 1);
        uint64_t t1 = ipcb_now_ns();
        if (n != 1) {
            rc = ipcb_side_io_error(a, "waiting for the token", seq, n);
            break;
        }
        last_t1 = t1;
        ipcb_side_timed(a, &lat, seq, t1 - t0);
        if (seq >= a->warmup)
            ipcb_hist_acc_record(back, &back_acc,
                                 ipcb_since(t1, atomic_load_explicit(&passed[1],
                                                                     memory_order_relaxed)));
    }
    ipcb_hist_acc_flush(back, &back_acc);
    return ipcb_side_producer_end(a, &lat, rc);
}

IPCB_HOT static int handoff_consumer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const pass)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    ssize_t (*const wait)(struct ipcb_chan *, void *, size_t) = c->t->recv;
    _Atomic uint64_t *passed = ipcb_sync_area(c)->passed_ns;
    uint64_t seq = 0;
    struct ipcb_hist_acc there;
    ipcb_hist_acc_init(&there);
    int rc = 0;

    for (;;) {
        if (seq == a->warmup)
            ipcb_side_usage_begin(a);
        ssize_t n = wait(c, a->buf, 1);
        uint64_t t = ipcb_now_ns();
        if (n != 1) {
            rc = ipcb_side_io_error(a, "waiting for the token", seq, n);
            break;
        }
        /* read before the pass back: after it the producer's next pass overwrites it */
        uint64_t there_ns = ipcb_since(t, atomic_load_explicit(&passed[0], memory_order_relaxed));
        atomic_store_explicit(&passed[1], t, memory_order_relaxed);
        n = pass(c, a->buf, 1);
        if (n != 1) {
            rc = ipcb_side_io_error(a, "passing the token back", seq, n);
            break;
        }
        if (seq >= a->warmup) {
            ipcb_hist_acc_record(&a->res->hist, &there, there_ns);
            a->res->messages++;
        }
        if (ipcb_side_received(a, ++seq))
            break;
    }
    ipcb_hist_acc_flush(&a->res->hist, &there);
    if (rc == 0)
        ipcb_side_usage_end(a);
    return rc;
}

const struct ipcb_pattern ipcb_pattern_handoff = {
    .name = "handoff", .latency_kind = "rtt", .figure = IPCB_FIGURE_LATENCY,
    .summary = "(sync) two processes pass a token through a primitive:\n"
               "round-trip latency, and each way's (oneway_ columns)",
    .one_way = 1,
    .runs_on = IPCB_ON_PRIMITIVE, .needs = IPCB_SYNC_HANDOFF, .options = ipcb_sync_options,
    .layout = IPCB_PAIR_LAYOUT(handoff_producer, handoff_consumer, 0),
};
