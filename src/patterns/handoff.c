/* Hand-off: two processes pass a token back and forth through a
 * synchronization primitive, no payload. The producer's histogram holds
 * round trips (its pass, the peer's pass back), as pingpong's does. */
#include <stdatomic.h>

#include "measure/clock.h"
#include "ipcbench/pattern.h"
#include "run/side.h"
#include "sync/sync_plan.h"

IPCB_HOT static int handoff_producer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const pass)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    ssize_t (*const wait)(struct ipcb_chan *, void *, size_t) = c->t->recv;
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total), end_ns = 0, last_t1 = 0;
    struct ipcb_hist_acc lat;
    ipcb_hist_acc_init(&lat);
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
    }
    return ipcb_side_producer_end(a, &lat, rc);
}

IPCB_HOT static int handoff_consumer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const pass)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    ssize_t (*const wait)(struct ipcb_chan *, void *, size_t) = c->t->recv;
    uint64_t seq = 0;

    for (;;) {
        if (seq == a->warmup)
            ipcb_side_usage_begin(a);
        ssize_t n = wait(c, a->buf, 1);
        if (n != 1)
            return ipcb_side_io_error(a, "waiting for the token", seq, n);
        n = pass(c, a->buf, 1);
        if (n != 1)
            return ipcb_side_io_error(a, "passing the token back", seq, n);
        if (seq >= a->warmup)
            a->res->messages++;
        if (ipcb_side_received(a, ++seq))
            break;
    }
    ipcb_side_usage_end(a);
    return 0;
}

const struct ipcb_pattern ipcb_pattern_handoff = {
    .name = "handoff", .latency_kind = "rtt", .figure = IPCB_FIGURE_LATENCY,
    .summary = "(sync) two processes pass a token through a primitive:\n"
               "round-trip latency",
    .runs_on = IPCB_ON_PRIMITIVE, .needs = IPCB_SYNC_HANDOFF, .options = ipcb_sync_options,
    .layout = IPCB_PAIR_LAYOUT(handoff_producer, handoff_consumer, 0),
};
