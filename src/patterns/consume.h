/* The receiving loop that stream and rate share: receive and check every
 * message, time the span from the last warm-up message to the last one,
 * and record one-way latency from the times the message carries. Inlined
 * into each pattern with its kind a constant, so the loop stays lean. */
#ifndef IPCB_CONSUME_H
#define IPCB_CONSUME_H

#include <errno.h>
#include <stdatomic.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "run/side.h"

enum ipcb_consume_kind {
    /* stream: the send time in [8,16) of messages of 16 bytes or more, or
     * 0 in a message that is not timed (--latency-every) */
    IPCB_CONSUME_STREAM,
    /* rate: the intended send time in [8,16) into hist (corrected for
     * coordinated omission), the actual one in [16,24) into hist_uncorrected */
    IPCB_CONSUME_RATE,
};

static inline uint64_t ipcb_since(uint64_t now, uint64_t then)
{
    return now > then ? now - then : 0;
}

/* the message just received, checked: a lossy transport's sequence number
 * (losses counted, a reordered message 1: to be passed over), or every
 * other's stamps or bytes (-1, with the reason in the result, when wrong);
 * 0 with its sequence number in *seq when it is the one to count */
__attribute__((always_inline))
static inline int ipcb_consume_check(struct ipcb_side_args *a, const unsigned char *msg,
                                     int lossy, uint64_t expected, uint64_t *seq)
{
    struct ipcb_side_result *res = a->res;
    const size_t len = a->size;
    if (lossy) {
        *seq = ipcb_msg_unwrap(expected, ipcb_msg_seq(msg, len), len);
        if (*seq < expected) {
            res->reordered++;
            return 1;
        }
        res->lost += *seq - expected;
        return 0;
    }
    int bad = a->verify_full ? ipcb_msg_check_full(msg, a->expect, len, expected)
                             : ipcb_msg_check_stamps(msg, len, expected);
    if (bad) {
        ipcb_msg_describe(res->error, sizeof res->error, msg, a->expect, len, expected);
        res->failed = 1;
        return -1;
    }
    return 0;
}

/* a message at or after the span's opening arrived at now (0: the clock
 * was not read for it): it opens the span (and the CPU count, after a
 * warm-up), or is one more inside it; the last one reads the clock for
 * the span's end if it was not read */
__attribute__((always_inline))
static inline void ipcb_consume_span(struct ipcb_side_args *a, uint64_t now, int last,
                                     uint64_t *first_ns, uint64_t *last_ns,
                                     uint64_t *span_messages)
{
    if (last && !now)
        now = ipcb_now_ns();
    if (*first_ns == 0) {
        *first_ns = now;
        if (a->warmup)
            ipcb_side_usage_begin(a);
    } else {
        (*span_messages)++;
    }
    if (now)
        *last_ns = now;
}

/* a message after the warm-up arrived at now: its latency into lat (rate:
 * from the intended send time, and into unc from the actual one); stream's
 * messages without a send time (sent_at 0) are not timed */
__attribute__((always_inline))
static inline void ipcb_consume_record(struct ipcb_side_result *res, enum ipcb_consume_kind kind,
                                       struct ipcb_hist_acc *lat, struct ipcb_hist_acc *unc,
                                       uint64_t now, uint64_t sent_at, uint64_t sent_actual)
{
    if (kind == IPCB_CONSUME_RATE) {
        ipcb_hist_acc_record(&res->hist, lat, ipcb_since(now, sent_at));
        ipcb_hist_acc_record(&res->hist_uncorrected, unc, ipcb_since(now, sent_actual));
    } else if (sent_at) {
        ipcb_hist_acc_record(&res->hist, lat, now - sent_at);
    }
}

__attribute__((always_inline))
static inline int ipcb_consume(struct ipcb_side_args *a, enum ipcb_consume_kind kind)
{
    struct ipcb_chan *c = a->chan;
    void (*const release)(struct ipcb_chan *, void *) = c->t->release;
    const size_t len = a->size;
    const int lossy = (c->t->flags & IPCB_LOSSY) != 0;
    const int timestamp = len >= 16;
    /* the span opens at the last warm-up message, or at the first of all */
    const uint64_t span_open = a->warmup ? a->warmup - 1 : 0;
    struct ipcb_side_result *res = a->res;
    uint64_t expected = 0;
    /* what changes per message is kept in locals and written to the shared
     * result once, at the end: nobody reads it before the side returns,
     * only progress, which ipcb_side_received_streaming publishes */
    uint64_t messages = res->messages, span_messages = res->span_messages;
    uint64_t first_ns = res->first_ns, last_ns = res->last_ns;
    struct ipcb_hist_acc lat, lat_uncorrected;
    ipcb_hist_acc_init(&lat);
    ipcb_hist_acc_init(&lat_uncorrected);
    int rc = 0;

    /* the clock is read for the messages that carry a send time, the
     * span's first and its last; the others are checked and counted only
     * (stream's --latency-every). A lossy channel's end is its last arrival, so
     * there every message reads it. */
    const int lazy = kind == IPCB_CONSUME_STREAM && !lossy;
    /* stream's progress in batches; rate's, whose messages may come a
     * second apart, after every one */
    const uint64_t progress_mask = kind == IPCB_CONSUME_STREAM ? ipcb_progress_mask(len) : 0;
    if (a->warmup == 0)
        ipcb_side_usage_begin(a);
    for (;;) {
        unsigned char *msg;
        ssize_t n = ipcb_side_incoming(c, a->buf, &msg, len);
        /* the send times are read before a zero-copy message goes back */
        uint64_t sent_at = timestamp && n == (ssize_t)len ? ipcb_get64(msg + 8) : 0;
        uint64_t now = !lazy || (sent_at && expected >= a->warmup) || expected == span_open
                           ? ipcb_now_ns() : 0;
        if (__builtin_expect(n != (ssize_t)len, 0)) {
            /* a lossy transport's empty receive: the end, or wait on */
            if (!lossy || n != -EAGAIN) {
                rc = ipcb_side_io_error(a, "receive", expected, n);
                break;
            }
            if (atomic_load(&a->sh->producer_done))
                break;
            continue;
        }
        uint64_t seq = expected;
        int verdict = ipcb_consume_check(a, msg, lossy, expected, &seq);
        uint64_t sent_actual = kind == IPCB_CONSUME_RATE ? ipcb_get64(msg + 16) : 0;
        if (release)
            release(c, msg);
        if (__builtin_expect(verdict != 0, 0)) {
            if (verdict > 0)
                continue;   /* a lossy transport's reordered message */
            rc = -1;
            break;
        }
        if (seq >= a->warmup) {
            ipcb_consume_record(res, kind, &lat, &lat_uncorrected, now, sent_at, sent_actual);
            messages++;
        }
        expected = seq + 1;
        const int last = ipcb_side_received_streaming(a, expected, progress_mask);
        if (seq >= span_open)
            ipcb_consume_span(a, now, last, &first_ns, &last_ns, &span_messages);
        if (last)
            break;
    }
    ipcb_hist_acc_flush(&res->hist, &lat);
    if (kind == IPCB_CONSUME_RATE)
        ipcb_hist_acc_flush(&res->hist_uncorrected, &lat_uncorrected);
    res->messages = messages;
    res->span_messages = span_messages;
    res->first_ns = first_ns;
    res->last_ns = last_ns;
    if (rc == 0)
        ipcb_side_usage_end(a);
    return rc;
}

#endif
