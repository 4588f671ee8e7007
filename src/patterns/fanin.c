/* Fan-in: --producers N processes all hold the producer end of one channel
 * and send as fast as it takes them; one consumer receives and checks every
 * message. Only transports whose table says several writers may share a
 * channel (IPCB_SHARED_SEND) run it, and a byte stream only up to PIPE_BUF,
 * the largest write that arrives whole when writers interleave; and the
 * ring transports, which the pattern asks for a multi-producer ring
 * (IPCB_USE_MANY_SENDERS: shm_multi_ring.h's Vyukov queue).
 *
 * A message's sequence word carries its producer's index in the top byte,
 * over that producer's own sequence number, and the stamps are made from
 * the whole word, so ipcb_msg_check_stamps checks them as for any message.
 * The consumer keeps each producer's next sequence number: a message lost,
 * repeated or out of order within one producer fails the row, naming the
 * producer (counted as errors on a lossy transport). The row is the
 * consumer's: all producers' messages, their rate over its span, one-way
 * latency from the send time in bytes [8,16), and the producers' shares of
 * what arrived up to the last message of the first of them done (of all
 * that arrived, when that message was lost). */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"
#include "run/side.h"

#define FANIN_DEFAULT 4u
#define FANIN_MAX (IPCB_MAX_SIDES - 1) /* producers, and the consumer */
#define PRODUCER_SHIFT 56
#define SEQ_MASK ((1ull << PRODUCER_SHIFT) - 1)

static uint64_t n_producers = FANIN_DEFAULT;

/* stream's loop, each message tagged with the producer's index; in a timed
 * run (-d) each producer stops on its own, and sh->total is left alone */
IPCB_HOT static int fanin_producer(struct ipcb_side_args *a)
{
    return ipcb_stream_send_all(a, (uint64_t)a->side_index << PRODUCER_SHIFT, 0, 0);
}

/* every producer is done and the consumer has what they sent */
static int all_received(struct ipcb_side_args *a, unsigned n, uint64_t got)
{
    if ((unsigned)atomic_load_explicit(&a->sh->producer_done, memory_order_acquire) < n)
        return 0;
    uint64_t sent = 0;
    for (unsigned p = 0; p < n; p++)
        sent += atomic_load_explicit(&a->sh->side[p].progress, memory_order_relaxed);
    return got >= sent;
}

/* a message that is not the next one of the producer it names */
static int wrong_message(struct ipcb_side_args *a, unsigned n, uint64_t word,
                         const uint64_t *expected)
{
    unsigned p = (unsigned)(word >> PRODUCER_SHIFT);
    if (p >= n)
        return ipcb_side_fail(a, "a message names producer %u of %u (sequence word %#llx)",
                              p + 1, n, (unsigned long long)word);
    uint64_t seq = word & SEQ_MASK;
    if (seq != expected[p])
        return ipcb_side_fail(a, "producer %u of %u: expected its message %llu, got %llu (%s)",
                              p + 1, n, (unsigned long long)expected[p],
                              (unsigned long long)seq,
                              seq < expected[p] ? "repeated or out of order" : "lost or out of order");
    return ipcb_side_fail(a, "producer %u of %u: its message %llu of %llu bytes has wrong "
                          "stamps or payload", p + 1, n, (unsigned long long)seq,
                          (unsigned long long)a->size);
}

/* after the consumer's loop: each producer's share, unless taken in the
 * loop (counted NULL), and on a lossy channel what never came */
static void settle(struct ipcb_side_args *a, unsigned n, int lossy, const uint64_t *expected,
                   const uint64_t *counted)
{
    for (unsigned q = 0; q < n; q++) {
        if (counted)
            a->sh->side[q].share = counted[q];
        /* a lossy channel's last messages may never come */
        uint64_t sent = atomic_load(&a->sh->side[q].progress);
        if (lossy && sent > expected[q])
            a->res->lost += sent - expected[q];
    }
}

IPCB_HOT static int fanin_consumer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const recv)(struct ipcb_chan *, void *, size_t) = c->t->recv;
    const size_t len = a->size;
    const int lossy = (c->t->flags & IPCB_LOSSY) != 0;
    const int timestamp = len >= 16;
    const unsigned n = a->side_index;   /* the producers are sides 0..n-1 */
    const uint64_t total = atomic_load(&a->sh->total);
    const uint64_t want = total > UINT64_MAX / n ? UINT64_MAX : total * n;
    struct ipcb_side_result *res = a->res;
    uint64_t expected[FANIN_MAX] = {0}, counted[FANIN_MAX] = {0}, got = 0;
    int shares_taken = 0;

    ipcb_side_usage_begin(a);
    for (;;) {
        ssize_t r = recv(c, a->buf, len);
        uint64_t now = ipcb_now_ns();
        /* a lossy channel's receive gives up now and then: done when the
         * producers are */
        if (lossy && r == -EAGAIN && all_received(a, n, UINT64_MAX))
            break;
        if (lossy && r == -EAGAIN)
            continue;
        if (r != (ssize_t)len)
            return ipcb_side_io_error(a, "receive", got, r);
        uint64_t word = ipcb_get64(a->buf);
        unsigned p = (unsigned)(word >> PRODUCER_SHIFT);
        uint64_t seq = word & SEQ_MASK;
        if (p >= n)
            return wrong_message(a, n, word, expected);
        if (lossy && seq != expected[p]) {
            if (seq < expected[p]) {
                res->reordered++;
                continue;
            }
            res->lost += seq - expected[p];
        } else if (seq != expected[p] ||
                   (a->verify_full ? ipcb_msg_check_full(a->buf, a->expect, len, word)
                                   : ipcb_msg_check_stamps(a->buf, len, word))) {
            return wrong_message(a, n, word, expected);
        }
        expected[p] = seq + 1;
        got++;
        if (seq >= a->warmup) {
            if (timestamp)
                ipcb_hist_record(&res->hist, now - ipcb_get64(a->buf + 8));
            res->messages++;
            counted[p]++;
            if (res->first_ns == 0)
                res->first_ns = now;
            else
                res->span_messages++;
            res->last_ns = now;
        }
        atomic_store_explicit(&res->progress, got, memory_order_relaxed);
        /* the shares are of what came before the last message of the first
         * producer done (a producer that is done has its last_ns) */
        if (!shares_taken &&
            atomic_load_explicit(&a->sh->producer_done, memory_order_acquire) > 0 &&
            a->sh->side[p].last_ns &&
            expected[p] == atomic_load_explicit(&a->sh->side[p].progress,
                                                memory_order_relaxed)) {
            for (unsigned q = 0; q < n; q++)
                a->sh->side[q].share = counted[q];
            shares_taken = 1;
        }
        if (got >= want || (a->duration_ns && all_received(a, n, got)))
            break;
    }
    ipcb_side_usage_end(a);
    settle(a, n, lossy, expected, shares_taken ? NULL : counted);
    return 0;
}

static int fanin_refuses(const struct ipcb_transport *t, uint64_t size, char *why, size_t len)
{
    char sz[32];
    ipcb_format_size(size, sz, sizeof sz);
    if (!(t->flags & (IPCB_SHARED_SEND | IPCB_USE_MANY_SENDERS))) {
        snprintf(why, len, "%s cannot share one channel among producers", t->name);
        return 1;
    }
    if (size < 8) {
        snprintf(why, len, "fanin needs messages of 8 bytes or more, for the producer's "
                 "index; %s is smaller", sz);
        return 1;
    }
    if ((t->flags & IPCB_STREAM) && size > PIPE_BUF) {
        snprintf(why, len, "%s exceeds PIPE_BUF (%d bytes), the largest write to a %s that "
                 "several producers cannot interleave", sz, PIPE_BUF, t->name);
        return 1;
    }
    return 0;
}

static void fanin_layout(struct ipcb_layout *lay)
{
    const struct ipcb_side_decl producer = {
        .role = "producer", .n_ends = 1, .ends = {{0, IPCB_PRODUCER}}, .run = fanin_producer};
    for (unsigned p = 0; p < (unsigned)n_producers; p++)
        lay->sides[p] = producer;
    lay->sides[(unsigned)n_producers] = (struct ipcb_side_decl){
        .role = "consumer", .n_ends = 1, .ends = {{0, IPCB_CONSUMER}}, .run = fanin_consumer};
    lay->n_sides = (unsigned)n_producers + 1;
    lay->timed_side = (unsigned)n_producers;
}

static const struct ipcb_option producers_opt = {
    .name = "producers", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 1, .max = FANIN_MAX,
    .def = "4", IPCB_OPT_INTO(n_producers),
    .help = "processes sending into the one channel (1 to 32)",
};
static const struct ipcb_option *const fanin_options[] = {&producers_opt, NULL};

const struct ipcb_pattern ipcb_pattern_fanin = {
    .name = "fanin",
    .flags = IPCB_PATTERN_ON_REQUEST,
    .needs = IPCB_USE_MANY_SENDERS,
    .summary = "--producers N send into one channel, one consumer\nchecks each: throughput, shares, one-way latency",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = {.n_channels = 1, .shares_of_senders = 1},
    .make_layout = fanin_layout,
    .refuses = fanin_refuses,
    .options = fanin_options,
};
