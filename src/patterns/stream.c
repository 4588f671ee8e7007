/* Stream: the producer sends as fast as the mechanism takes them; the
 * consumer receives and checks every message and measures throughput from
 * its first to its last. Messages of 16 bytes or more carry their send time,
 * so the consumer also records one-way latency under load. */
#include <errno.h>
#include <stdatomic.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "patterns/consume.h"
#include "run/side.h"

IPCB_HOT int ipcb_stream_send_all(struct ipcb_side_args *a, uint64_t tag, int own_total)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const send)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    const size_t len = a->size;
    const int timestamp = len >= 16;
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total), end_ns = 0;
    /* the count stays in a register and reaches the shared result when the
     * loop ends; the others see progress, published every message */
    uint64_t messages = res->messages;
    int rc = 0;

    for (uint64_t seq = 0; seq < total; seq++) {
        unsigned char *buf = ipcb_side_outgoing(a, c, len);
        if (__builtin_expect(!buf, 0)) {
            rc = ipcb_side_fail(a, "loan for message %llu: %s", (unsigned long long)seq, c->err);
            break;
        }
        ipcb_msg_stamp(buf, len, tag | seq);
        ipcb_side_maybe_inject(a, buf, seq);
        if (seq >= a->warmup) {
            uint64_t now = ipcb_now_ns();
            if (seq == a->warmup) {
                ipcb_side_usage_begin(a);
                res->first_ns = now;
                if (a->duration_ns)
                    end_ns = now + a->duration_ns;
            }
            if (end_ns && now >= end_ns) {
                total = seq + 1;
                if (own_total)
                    atomic_store_explicit(&a->sh->total, total, memory_order_release);
            }
            if (timestamp)
                ipcb_put64(buf + 8, now);
            messages++;
        }
        ssize_t n = send(c, buf, len);
        if (n != (ssize_t)len) {
            rc = ipcb_side_io_error(a, "send", seq, n);
            break;
        }
        atomic_store_explicit(&res->progress, seq + 1, memory_order_relaxed);
    }
    res->messages = messages;
    if (rc != 0)
        return rc;
    res->last_ns = ipcb_now_ns();
    ipcb_side_usage_end(a);
    /* progress holds how many it sent; producer_done counts the producers done */
    atomic_fetch_add_explicit(&a->sh->producer_done, 1, memory_order_release);
    return 0;
}

IPCB_HOT int ipcb_stream_producer(struct ipcb_side_args *a)
{
    return ipcb_stream_send_all(a, 0, 1);
}

IPCB_HOT int ipcb_stream_consumer(struct ipcb_side_args *a)
{
    return ipcb_consume(a, IPCB_CONSUME_STREAM);
}

const struct ipcb_pattern ipcb_pattern_stream = {
    .name = "stream",
    .summary = "the producer sends as fast as the mechanism\ntakes: throughput at the consumer",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = IPCB_PAIR_LAYOUT(ipcb_stream_producer, ipcb_stream_consumer, 1),
};
