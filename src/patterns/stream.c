/* Stream: the producer sends as fast as the mechanism takes them; the
 * consumer receives and checks every message and measures throughput from
 * its first to its last. Messages of 16 bytes or more carry their send time,
 * so the consumer also records one-way latency under load: every message's,
 * or one in N (--latency-every) where two clock reads would be a visible part of a
 * message's time. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "ipcbench/units.h"
#include "patterns/consume.h"
#include "run/side.h"

/* --latency-every: one message in latency_every carries its send time; 0 (auto)
 * decides at the end of the warm-up (stream_auto_every) */
static uint64_t latency_every;

#define LATENCY_AUTO_MAX 64u
/* the clock reads of a message that carries its send time, one on each side, are at most this
 * share of the time of the messages it stands for */
#define LATENCY_AUTO_SHARE 0.02

/* --latency-every auto: the smallest power of two, up to LATENCY_AUTO_MAX, at which
 * such a message's two clock reads cost at most LATENCY_AUTO_SHARE of the
 * time of the messages it stands for, per_msg_ns each as the warm-up's
 * second half went; every message when the clock's cost is unknown */
static uint64_t stream_auto_every(double per_msg_ns)
{
    uint64_t every = 1;
    const double reads_ns = 2.0 * ipcb_clock_cost_ns;
    while (every < LATENCY_AUTO_MAX && reads_ns > LATENCY_AUTO_SHARE * per_msg_ns * (double)every)
        every *= 2;
    return every;
}

/* how many of the messages carry their send time, decided at the warm-up's
 * last message (now), from the time since its middle one (half_ns) */
static uint64_t stream_every(const struct ipcb_side_args *a, int sampled, uint64_t half_ns,
                             uint64_t now)
{
    if (!sampled || (a->chan->t->flags & IPCB_LOSSY) || a->size < 16)
        return 1;
    if (latency_every)
        return latency_every;
    const uint64_t half = a->warmup - a->warmup / 2;
    if (a->warmup < 64 || half_ns == 0 || now <= half_ns)
        return 1;
    return stream_auto_every((double)(now - half_ns) / (double)half);
}

IPCB_HOT int ipcb_stream_send_all(struct ipcb_side_args *a, uint64_t tag, int own_total,
                                  int sampled)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const send)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    const size_t len = a->size;
    const int timestamp = len >= 16;
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total), end_ns = 0;
    /* the count stays in a register and reaches the shared result when the
     * loop ends; the others see progress, published as
     * ipcb_progress_mask says and when the loop ends */
    uint64_t messages = res->messages;
    /* one message in every carries its send time (and 0 the others): left
     * counts down to the next; half_ns is the warm-up's middle, for auto */
    uint64_t every = 1, left = 1, half_ns = 0, seq;
    const uint64_t progress_mask = ipcb_progress_mask(len);
    int rc = 0;

    /* after the loop seq is how many went out: all, or those before the
     * one that failed */
    for (seq = 0; seq < total; seq++) {
        unsigned char *buf = ipcb_side_outgoing(a, c, len);
        if (__builtin_expect(!buf, 0)) {
            rc = ipcb_side_fail(a, "loan for message %llu: %s", (unsigned long long)seq, c->err);
            break;
        }
        ipcb_msg_stamp(buf, len, tag | seq);
        ipcb_side_maybe_inject(a, buf, seq);
        if (seq >= a->warmup) {
            const int opens = seq == a->warmup;
            const int timed = opens || --left == 0;
            uint64_t now = timed ? ipcb_now_ns() : 0;
            if (opens) {
                every = stream_every(a, sampled, half_ns, now);
                res->latency_every = every;
                ipcb_side_usage_begin(a);
                res->first_ns = now;
                if (a->duration_ns || (a->cap_ns && own_total))
                    end_ns = now + (a->duration_ns ? a->duration_ns : a->cap_ns);
            }
            if (timed) {
                left = every;
                if (end_ns && now >= end_ns) {
                    total = seq + 1;
                    if (own_total)
                        atomic_store_explicit(&a->sh->total, total, memory_order_release);
                }
            }
            if (timestamp)
                ipcb_put64(buf + 8, now); /* 0: no send time */
            messages++;
        } else if (seq == a->warmup / 2 && sampled && !latency_every) {
            half_ns = ipcb_now_ns();
        }
        ssize_t n = send(c, buf, len);
        if (n != (ssize_t)len) {
            rc = ipcb_side_io_error(a, "send", seq, n);
            break;
        }
        if (((seq + 1) & progress_mask) == 0)
            atomic_store_explicit(&res->progress, seq + 1, memory_order_relaxed);
    }
    atomic_store_explicit(&res->progress, seq, memory_order_relaxed);
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
    return ipcb_stream_send_all(a, 0, 1, 1);
}

IPCB_HOT int ipcb_stream_consumer(struct ipcb_side_args *a)
{
    return ipcb_consume(a, IPCB_CONSUME_STREAM);
}

/* N, a count of 1 or more, or auto (0) */
static int latency_every_parse(const struct ipcb_option *o, const char *v, void *dest, char *err,
                       size_t errlen)
{
    uint64_t n = 0;
    if (strcmp(v, "auto") != 0 &&
        ipcb_parse_count_range("--latency-every", v, 1, 1u << 20, &n, err, errlen))
        return -EINVAL;
    (void)o;
    memcpy(dest, &n, sizeof n);
    return 0;
}

const struct ipcb_option ipcb_stream_latency_every_opt = {
    .name = "latency-every", .metavar = "N|auto", .type = IPCB_OPT_TEXT, .def = "auto",
    IPCB_OPT_INTO(latency_every), .parse = latency_every_parse,
    .help = "one message in N carries its send time into the\n"
            "latency histogram (1: every one); every message\n"
            "is still checked and counted. auto: every one, or one\n"
            "in a power of two up to 64 where its two clock reads\n"
            "would cost over 2% of the messages' time",
};
static const struct ipcb_option *const stream_options[] = {&ipcb_stream_latency_every_opt, NULL};

const struct ipcb_pattern ipcb_pattern_stream = {
    .name = "stream",
    .summary = "the producer sends as fast as the mechanism\ntakes: throughput at the consumer",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = IPCB_PAIR_LAYOUT(ipcb_stream_producer, ipcb_stream_consumer, 1),
    .options = stream_options,
};
