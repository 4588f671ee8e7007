/* Ping-pong: the producer sends size bytes, the consumer echoes them; the
 * producer's histogram holds round-trip times. Between the two clock reads
 * there is the send, the receive and nothing else. */
#include <errno.h>
#include <stdatomic.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "run/side.h"

IPCB_HOT static int pingpong_producer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const send)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    void (*const release)(struct ipcb_chan *, void *) = c->t->release;
    const size_t len = a->size;
    const int lossy = (c->t->flags & IPCB_LOSSY) != 0;
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total), end_ns = 0, last_t1 = 0;
    struct ipcb_hist_acc lat;
    ipcb_hist_acc_init(&lat);
    int rc = 0;

    for (uint64_t seq = 0; seq < total; seq++) {
        unsigned char *buf = ipcb_side_outgoing(a, c, len), *msg;
        if (__builtin_expect(!buf, 0)) {
            rc = ipcb_side_fail(a, "loan for message %llu: %s", (unsigned long long)seq, c->err);
            break;
        }
        ipcb_msg_stamp(buf, len, seq);
        ipcb_side_maybe_inject(a, buf, seq);
        if (seq == a->warmup) {
            end_ns = ipcb_side_producer_begin(a);
            last_t1 = res->first_ns;
        }
        /* decided on the previous answer's time, so the timed span holds
         * nothing but the transfer: this one is the last, and the consumer
         * must know before it arrives */
        if (end_ns && last_t1 >= end_ns) {
            total = seq + 1;
            atomic_store_explicit(&a->sh->total, total, memory_order_release);
        }
        uint64_t t0 = ipcb_now_ns();
        ssize_t n = send(c, buf, len);
        if (n != (ssize_t)len) {
            rc = ipcb_side_io_error(a, "send", seq, n);
            break;
        }
        uint64_t t1;
        for (;;) {
            n = ipcb_side_incoming(c, a->rbuf, &msg, len);
            t1 = ipcb_now_ns();
            if (!lossy || n != (ssize_t)len)
                break;
            uint64_t got = ipcb_msg_unwrap(seq, ipcb_msg_seq(msg, len), len);
            if (got == seq)
                break;
            res->reordered++; /* a late answer to an earlier message */
        }
        if (n != (ssize_t)len) {
            if (lossy && n == -EAGAIN) {
                res->lost++;
                continue;
            }
            rc = ipcb_side_io_error(a, "receive of the answer", seq, n);
            break;
        }
        last_t1 = t1;
        ipcb_side_timed(a, &lat, seq, t1 - t0);
        int bad = ipcb_msg_check_full(msg, a->expect, len, seq);
        if (__builtin_expect(bad != 0, 0))
            ipcb_msg_describe(res->error, sizeof res->error, msg, a->expect, len, seq);
        if (release)
            release(c, msg);
        if (__builtin_expect(bad != 0, 0)) {
            res->failed = 1;
            rc = -1;
            break;
        }
    }
    return ipcb_side_producer_end(a, &lat, rc);
}

/* the consumer's check found message seq wrong */
static int pingpong_wrong(struct ipcb_side_args *a, const unsigned char *msg, uint64_t seq)
{
    ipcb_msg_describe(a->res->error, sizeof a->res->error, msg, a->expect, a->size, seq);
    a->res->failed = 1;
    return -1;
}

IPCB_HOT static int pingpong_consumer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const send)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    /* a zero-copy message goes back itself, so it is checked before */
    const int in_place = c->t->take != NULL;
    const size_t len = a->size;
    const int lossy = (c->t->flags & IPCB_LOSSY) != 0;
    struct ipcb_side_result *res = a->res;
    uint64_t expected = 0;

    for (;;) {
        if (expected == a->warmup)
            ipcb_side_usage_begin(a);
        unsigned char *msg;
        ssize_t n = ipcb_side_incoming(c, a->buf, &msg, len);
        if (n != (ssize_t)len) {
            if (lossy && n == -EAGAIN) {
                if (atomic_load(&a->sh->producer_done))
                    break;
                continue;
            }
            return ipcb_side_io_error(a, "receive", expected, n);
        }
        uint64_t seq = expected;
        if (in_place && ipcb_msg_check_stamps(msg, len, seq) != 0)
            return pingpong_wrong(a, msg, seq);
        n = send(c, msg, len);
        if (n != (ssize_t)len)
            return ipcb_side_io_error(a, "send of the answer", expected, n);
        /* a copy is checked after the answer left, so the check is not in
         * the round trip */
        if (lossy)
            seq = ipcb_msg_unwrap(expected, ipcb_msg_seq(msg, len), len);
        else if (!in_place && ipcb_msg_check_stamps(msg, len, seq) != 0)
            return pingpong_wrong(a, msg, seq);
        if (seq >= a->warmup)
            res->messages++;
        expected = seq + 1;
        if (ipcb_side_received(a, expected))
            break;
    }
    ipcb_side_usage_end(a);
    return 0;
}

const struct ipcb_pattern ipcb_pattern_pingpong = {
    .name = "pingpong",
    .summary = "one side sends SIZE bytes, the other answers:\nround-trip latency",
    .latency_kind = "rtt",
    .figure = IPCB_FIGURE_LATENCY,
    .uses = IPCB_USE_ANSWERS,
    .layout = IPCB_PAIR_LAYOUT(pingpong_producer, pingpong_consumer, 0),
};
