/* Rate: an open loop. The producer sends at a fixed offered rate, on a
 * schedule of intended send times t0 + i/rate, never waiting for the
 * consumer and never skipping a send when it falls behind. Each message
 * carries its intended send time in [8,16) and the time it really left in
 * [16,24), before the tail stamp (so messages of 32 bytes or more), and the
 * consumer records one-way latency twice: from the intended time into the
 * usual histogram (corrected for coordinated omission: a
 * stall delays every message that should have been sent during it) and
 * from the actual time into hist_uncorrected. `--rate 10k,50k` makes one
 * row per rate, named rate-10000, rate-50000 (pattern_registry.c maps them back).
 * The producer waits for each send time through schedule.c (timer slack 1 ns,
 * a spun margin that follows the wake-ups) and records how late it really
 * sent, against the schedule, into its own histogram: the row's lateness
 * columns, which say whether the corrected figures are the mechanism's. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"
#include "patterns/consume.h"
#include "patterns/schedule.h"
#include "run/side.h"

#define RATE_DEFAULT 10000u
#define RATE_MAX_LIST 8

extern const struct ipcb_pattern ipcb_pattern_rate;

/* a copy of the pattern per --rate value, named after its rate */
static struct ipcb_pattern copies[RATE_MAX_LIST];
static char copy_names[RATE_MAX_LIST][32];
static uint64_t copy_rates[RATE_MAX_LIST];
static double copy_pct[RATE_MAX_LIST];  /* --rate 50%: of the measured maximum; 0 else */

extern const struct ipcb_pattern ipcb_pattern_stream;

/* the maximum of the cell about to be measured, measured just before */
static void rate_calibrated(const struct ipcb_pattern *pat, double max_per_s)
{
    for (size_t i = 0; i < RATE_MAX_LIST; i++)
        if (pat == &copies[i] && copy_pct[i] > 0) {
            double r = max_per_s * copy_pct[i] / 100.0;
            copy_rates[i] = r < 1.0 ? 1 : (uint64_t)r;
        }
}

static uint64_t rate_of(const struct ipcb_pattern *pat)
{
    for (size_t i = 0; i < RATE_MAX_LIST; i++)
        if (pat == &copies[i])
            return copy_rates[i];
    return RATE_DEFAULT;
}

/* x * mul / div without overflow for any x (mul and div at most about 1e9):
 * the whole multiples of div apart, the remainder (below div) times mul */
static inline uint64_t scaled(uint64_t x, uint64_t mul, uint64_t div)
{
    return x / div * mul + x % div * mul / div;
}

IPCB_HOT static int rate_producer(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const send)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    const size_t len = a->size;
    const uint64_t per_s = rate_of(a->pattern);
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total);
    /* on a fixed schedule a duration is a number of messages, known now */
    if (a->duration_ns) {
        total = a->warmup + 1 + scaled(a->duration_ns, per_s, 1000000000u);
        atomic_store_explicit(&a->sh->total, total, memory_order_release);
    }
    res->offered_per_s = per_s;
    /* the producer's lateness on its schedule, in its own (otherwise unused) histogram */
    struct ipcb_hist_acc late_acc;
    ipcb_hist_acc_init(&late_acc);
    struct ipcb_schedule sched;
    ipcb_schedule_init(&sched, 1000000000u / per_s);
    const uint64_t t0 = ipcb_now_ns();
    for (uint64_t seq = 0; seq < total; seq++) {
        uint64_t intended = t0 + scaled(seq, 1000000000u, per_s);
        ipcb_schedule_wait_until(&sched, intended);
        ipcb_msg_stamp(a->buf, len, seq);
        ipcb_side_maybe_inject(a, a->buf, seq);
        uint64_t now = ipcb_now_ns(), late = ipcb_since(now, intended);
        ipcb_put64(a->buf + 8, intended);
        ipcb_put64(a->buf + 16, now);
        if (seq == a->warmup) {
            ipcb_side_usage_begin(a);
            res->first_ns = intended;
        }
        if (seq >= a->warmup) {
            ipcb_hist_acc_record(&res->hist, &late_acc, late);
            res->messages++;
        }
        ssize_t n = send(c, a->buf, len);
        if (__builtin_expect(n != (ssize_t)len, 0)) {
            ipcb_hist_acc_flush(&res->hist, &late_acc);
            return ipcb_side_io_error(a, "send", seq, n);
        }
        atomic_store_explicit(&res->progress, seq + 1, memory_order_relaxed);
    }
    /* the producer's span, over which achieved_per_s is taken */
    ipcb_side_usage_end(a);
    ipcb_hist_acc_flush(&res->hist, &late_acc);
    res->behind_max_ns = late_acc.total ? late_acc.max : 0;
    res->last_ns = ipcb_now_ns();
    atomic_store(&a->sh->producer_done, 1);
    return 0;
}

IPCB_HOT static int rate_consumer(struct ipcb_side_args *a)
{
    return ipcb_consume(a, IPCB_CONSUME_RATE);
}

static const char *rate_list;
static size_t n_copies;

/* --rate LIST: a copy of the pattern per rate, made now and put in the
 * plan by instances() */
static int rate_parse(const struct ipcb_option *o, const char *v, void *dest, char *err,
                      size_t errlen)
{
    char buf[256];
    const char *items[RATE_MAX_LIST];
    if (ipcb_split_list(v, "--rate", "e.g. 10k,50k,100k", buf, sizeof buf, items,
                        RATE_MAX_LIST, &n_copies, err, errlen))
        return -EINVAL;
    for (size_t n = 0; n < n_copies; n++) {
        uint64_t r = 0;
        double pct = 0;
        const char *tok = items[n];
        if (tok[strlen(tok) - 1] == '%') {
            char *end;
            pct = strtod(tok, &end);
            if (end == tok || strcmp(end, "%") != 0 || !(pct > 0 && pct <= 1000))
                IPCB_FAIL("--%s: '%s' is not a percentage of the maximum (e.g. 10%%,50%%,90%%)",
                          o->name, tok);
        } else if (ipcb_parse_count_range("--rate", tok, 1, 100000000, &r, err, errlen)) {
            return -EINVAL;
        }
        copies[n] = ipcb_pattern_rate;
        copy_rates[n] = r;
        copy_pct[n] = pct;
        if (pct > 0) {
            /* the row's offered rate comes from the stream maximum measured first */
            copies[n].calibrate_with = &ipcb_pattern_stream;
            snprintf(copy_names[n], sizeof copy_names[n], "rate-%gpct", pct);
        } else {
            snprintf(copy_names[n], sizeof copy_names[n], "rate-%llu", (unsigned long long)r);
        }
        copies[n].name = copy_names[n];
        copies[n].instances = NULL;
    }
    memcpy(dest, &v, sizeof v);
    return 0;
}

static size_t rate_instances(const struct ipcb_pattern *self, const struct ipcb_pattern **out,
                             size_t cap)
{
    (void)self;
    size_t n = 0;
    for (; rate_list && n < n_copies && n < cap; n++)
        out[n] = &copies[n];
    return n;
}

static const struct ipcb_option rate_opt = {
    .name = "rate", .metavar = "LIST", .type = IPCB_OPT_LIST, IPCB_OPT_INTO(rate_list),
    .parse = rate_parse,
    .help = "offered rates in messages per second, one row each\n"
            "(e.g. 10k,50k,100k; without it 10k), or percentages of\n"
            "the stream maximum measured first (10%,50%,90%)",
};
static const struct ipcb_option *const rate_options[] = {&rate_opt, NULL};

/* both send times ride in [8,16) and [16,24), before the tail stamp at
 * [len-8,len): 32 bytes at least */
static int rate_refuses(const struct ipcb_transport *t, uint64_t size, char *why, size_t len)
{
    (void)t;
    if (size >= 32)
        return 0;
    snprintf(why, len, "the rate pattern needs messages of at least 32 bytes (two send "
             "times and the tail stamp)");
    return 1;
}

const struct ipcb_pattern ipcb_pattern_rate = {
    .name = "rate",
    .flags = IPCB_PATTERN_ON_REQUEST,
    .refuses = rate_refuses,
    .summary = "open loop at a fixed offered rate (--rate): one-way\n"
               "latency corrected for coordinated omission, and\n"
               "uncorrected",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_LOAD,
    .layout = IPCB_PAIR_LAYOUT(rate_producer, rate_consumer, 1),
    .options = rate_options,
    .calibrated = rate_calibrated,
    .instances = rate_instances,
};
