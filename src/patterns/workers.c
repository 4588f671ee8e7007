/* Workers: a dispatcher puts requests on one channel that --workers N
 * worker processes all receive from (shared receive), each spends --work
 * of CPU on a request and answers on the one reply direction that all of
 * them send into. The dispatcher keeps N requests in flight (fewer on a
 * channel whose one queue carries both directions, DUPLEX_BYTES): it sends
 * one more for each answer.
 *
 * A request carries its sequence number and, in [8,16), when it was sent;
 * the worker stamps its answer anew with its own index in the top byte of
 * the sequence word (the send time and the payload stay), and the
 * dispatcher checks that the answer is of a request in flight and that its
 * stamps (or, with --verify full, every byte) are right. At the end it
 * sends each worker a stop message.
 *
 * The work is a loop of multiply-adds, its iterations per nanosecond
 * measured against the clock once, in the driver before the first cell
 * (the best of a few tries), so that a worker's time is spent computing,
 * not sleeping.
 *
 * The row is the dispatcher's: request latency from send to answer, the
 * answers over its span, each worker's share of them, and how often the
 * workers slept per request (wakeups_per_msg: 1 when each request wakes
 * one worker, more when one message wakes several). */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"
#include "run/side.h"

#define WORKERS_MAX 16u  /* the README's range; IPCB_MAX_SIDES has room for more */
#define WORKER_SHIFT 56
#define SEQ_MASK ((1ull << WORKER_SHIFT) - 1)
#define STOP_WORD (0xffull << WORKER_SHIFT)
#define CALIBRATE_ITERS (1u << 20)
/* a channel whose one object carries both directions (IPCB_DUPLEX: a
 * System V queue) holds requests and answers together: with more than it
 * holds in flight, the dispatcher and the workers would all wait to send.
 * 16 KiB is the default such queue (kernel.msgmnb). */
#define DUPLEX_BYTES 16384u

static uint64_t n_workers = 4;
static uint64_t work_ns = 10000;
/* loop iterations per nanosecond of --work, measured once */
static double iters_per_ns;

/* the work itself: n dependent multiply-adds the compiler cannot drop */
static uint64_t spin_work(uint64_t n, uint64_t x)
{
    for (uint64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        __asm__ __volatile__("" : "+r"(x));
    }
    return x;
}

static void calibrate(void)
{
    uint64_t best = UINT64_MAX;
    for (int round = 0; round < 5; round++) {
        uint64_t t0 = ipcb_now_ns();
        (void)spin_work(CALIBRATE_ITERS, t0);
        uint64_t took = ipcb_now_ns() - t0;
        if (took < best)
            best = took;
    }
    iters_per_ns = (double)CALIBRATE_ITERS / (double)(best ? best : 1);
}

IPCB_HOT static int worker(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    const size_t len = a->size;
    const uint64_t iters = (uint64_t)((double)work_ns * iters_per_ns);
    const uint64_t tag = (uint64_t)a->side_index << WORKER_SHIFT;
    uint64_t sink = 0, done = 0;
    int timing = 0;
    for (;;) {
        ssize_t n = c->t->recv(c, a->buf, len);
        if (n != (ssize_t)len)
            return ipcb_side_io_error(a, "receive of a request", done, n);
        uint64_t word = ipcb_get64(a->buf);
        if (word == STOP_WORD && ipcb_msg_check_stamps(a->buf, len, word) == 0)
            break;
        if ((word >> WORKER_SHIFT) != 0 ||
            (a->verify_full ? ipcb_msg_check_full(a->buf, a->expect, len, word)
                            : ipcb_msg_check_stamps(a->buf, len, word)))
            return ipcb_side_fail(a, "request %llu (after %llu taken) has a wrong sequence "
                                  "word, stamps or payload", (unsigned long long)word,
                                  (unsigned long long)done);
        if (!timing && word >= a->warmup) {
            ipcb_side_usage_begin(a);
            timing = 1;
        }
        sink = spin_work(iters, sink ^ word);
        ipcb_msg_stamp(a->buf, len, tag | word);
        n = c->t->send(c, a->buf, len);
        if (n != (ssize_t)len)
            return ipcb_side_io_error(a, "answer", word, n);
        a->res->messages += word >= a->warmup;
        atomic_store_explicit(&a->res->progress, ++done, memory_order_relaxed);
    }
    if (timing)
        ipcb_side_usage_end(a);
    (void)sink;
    return 0;
}

/* the requests in flight: sequence numbers, one per worker at most */
struct in_flight {
    uint64_t seq[WORKERS_MAX];
    unsigned n;
};

/* the answer to request seq took it out of flight: 0, or -1 when it was none */
static int answered(struct in_flight *f, uint64_t seq)
{
    for (unsigned i = 0; i < f->n; i++)
        if (f->seq[i] == seq) {
            f->seq[i] = f->seq[--f->n];
            return 0;
        }
    return -1;
}

/* request seq out, stamped with its send time */
static ssize_t dispatch(struct ipcb_side_args *a, struct in_flight *f, uint64_t seq)
{
    if (a->verify_full)
        memcpy(a->buf, a->expect, a->size);
    ipcb_msg_stamp(a->buf, a->size, seq);
    ipcb_side_maybe_inject(a, a->buf, seq);
    ipcb_put64(a->buf + 8, ipcb_now_ns());
    f->seq[f->n++] = seq;
    return a->chan->t->send(a->chan, a->buf, a->size);
}

/* an answer in a->rbuf, of a request in flight, from a worker: its index,
 * or 0 with the failure said */
static unsigned check_answer(struct ipcb_side_args *a, struct in_flight *f, unsigned n)
{
    uint64_t word = ipcb_get64(a->rbuf), seq = word & SEQ_MASK;
    unsigned w = (unsigned)(word >> WORKER_SHIFT);
    if (w < 1 || w > n)
        ipcb_side_fail(a, "an answer names worker %u of %u (sequence word %#llx)", w, n,
                       (unsigned long long)word);
    else if (answered(f, seq) != 0)
        ipcb_side_fail(a, "worker %u answered request %llu, which is not in flight "
                       "(answered twice, or never sent)", w, (unsigned long long)seq);
    else if (a->verify_full ? ipcb_msg_check_full(a->rbuf, a->expect, a->size, word)
                            : ipcb_msg_check_stamps(a->rbuf, a->size, word))
        ipcb_side_fail(a, "worker %u's answer to request %llu has wrong stamps or payload",
                       w, (unsigned long long)seq);
    else
        return w;
    return 0;
}

/* requests in flight: one per worker, or what a duplex channel holds */
static unsigned window(const struct ipcb_chan *c, unsigned workers, uint64_t size)
{
    uint64_t fits = DUPLEX_BYTES / (size ? size : 1);
    if (!(c->t->flags & IPCB_DUPLEX) || fits >= workers)
        return workers;
    return fits ? (unsigned)fits : 1;
}

IPCB_HOT static int dispatcher(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    const unsigned n = a->sh->n_sides - 1, in_flight = window(c, n, a->size);
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total), sent = 0, end_ns = 0, timed = 0;
    struct in_flight f = {.n = 0};
    struct ipcb_hist_acc lat;
    ipcb_hist_acc_init(&lat);
    int rc = 0;
    for (; sent < in_flight && sent < total; sent++)
        if ((rc = (int)dispatch(a, &f, sent)) != (int)a->size)
            return ipcb_side_io_error(a, "request", sent, rc);
    rc = 0;
    while (f.n > 0) {
        ssize_t got = c->t->recv(c, a->rbuf, a->size);
        uint64_t now = ipcb_now_ns();
        if (got != (ssize_t)a->size) {
            rc = ipcb_side_io_error(a, "receive of an answer", res->messages, got);
            break;
        }
        unsigned w = check_answer(a, &f, n);
        if (w == 0) {
            rc = -1;
            break;
        }
        uint64_t seq = ipcb_get64(a->rbuf) & SEQ_MASK;
        /* answers come in any order: the first after the warm-up opens the span */
        if (seq >= a->warmup) {
            if (timed++ == 0)
                end_ns = ipcb_side_producer_begin(a);
            else
                res->span_messages++;
            a->sh->side[w].share++;
            res->last_ns = now;
        }
        ipcb_side_timed(a, &lat, seq, now - ipcb_get64(a->rbuf + 8));
        if (end_ns && now >= end_ns)
            total = sent;
        if (sent < total) {
            got = dispatch(a, &f, sent);
            if (got != (ssize_t)a->size) {
                rc = ipcb_side_io_error(a, "request", sent, got);
                break;
            }
            sent++;
        }
    }
    ipcb_side_timed_flush(a, &lat);
    if (rc != 0)
        return rc;
    ipcb_side_usage_end(a);
    for (unsigned k = 0; k < n; k++) {
        ipcb_msg_stamp(a->buf, a->size, STOP_WORD);
        ssize_t got = c->t->send(c, a->buf, a->size);
        if (got != (ssize_t)a->size)
            return ipcb_side_io_error(a, "stop message", sent + k, got);
    }
    return 0;
}

static int workers_refuses(const struct ipcb_transport *t, uint64_t size, char *why, size_t len)
{
    char sz[32];
    ipcb_format_size(size, sz, sizeof sz);
    if (iters_per_ns == 0)
        calibrate();
    if (!(t->flags & IPCB_SHARED_SEND) || (t->flags & IPCB_LOSSY)) {
        snprintf(why, len, "%s cannot %s among workers", t->name,
                 (t->flags & IPCB_LOSSY) ? "carry requests without loss"
                                         : "share one receiving end");
        return 1;
    }
    if (size < 16) {
        snprintf(why, len, "workers needs messages of 16 bytes or more, for the request's "
                 "send time; %s is smaller", sz);
        return 1;
    }
    if ((t->flags & IPCB_STREAM) && size > PIPE_BUF) {
        snprintf(why, len, "%s exceeds PIPE_BUF (%d bytes), the largest message a %s "
                 "delivers whole to one of several readers", sz, PIPE_BUF, t->name);
        return 1;
    }
    return 0;
}

static void workers_layout(struct ipcb_layout *lay)
{
    lay->n_sides = (unsigned)n_workers + 1;
    for (unsigned w = 1; w <= (unsigned)n_workers; w++)
        lay->sides[w] = (struct ipcb_side_decl){
            .role = "worker", .n_ends = 1, .ends = {{0, IPCB_CONSUMER}}, .run = worker};
}

static const struct ipcb_option workers_opt = {
    .name = "workers", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 1, .max = WORKERS_MAX,
    .def = "4", IPCB_OPT_INTO(n_workers),
    .help = "processes taking requests from the one shared\nqueue (1 to 16)",
};
static const struct ipcb_option work_opt = {
    .name = "work", .metavar = "TIME", .type = IPCB_OPT_DURATION, .min = 1,
    .def = "10us", IPCB_OPT_INTO(work_ns),
    .help = "CPU work per request, a loop calibrated\nagainst the clock (1ns: next to none)",
};
static const struct ipcb_option *const workers_options[] = {&workers_opt, &work_opt, NULL};

const struct ipcb_pattern ipcb_pattern_workers = {
    .name = "workers",
    .flags = IPCB_PATTERN_ON_REQUEST,
    .summary = "a dispatcher feeds --workers N from one shared queue,\n"
               "each works --work: request latency, shares, wake-ups",
    .latency_kind = "request",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = {.n_channels = 1, .timed_side = 0, .shares_of_senders = 1,
               .sides = {{.role = "dispatcher", .n_ends = 1, .ends = {{0, IPCB_PRODUCER}},
                          .run = dispatcher}}},
    .make_layout = workers_layout,
    .refuses = workers_refuses,
    .options = workers_options,
};
