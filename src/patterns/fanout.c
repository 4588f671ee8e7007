/* Fan-out (publish/subscribe): one publisher, --subscribers N, and every
 * subscriber gets every message. On the descriptor transports and the
 * queues the publisher holds N channels and sends each message on each; on
 * a transport whose channel takes several readers (IPCB_USE_MANY_READERS:
 * shm's and mmap's fan-out ring, shm_multi_ring.h, the Disruptor's design)
 * there is one channel, one ring with a cursor per subscriber, and the
 * publisher waits for the slowest.
 *
 * Every subscriber checks every message's sequence number and stamps. The
 * row's latency is one-way to the last subscriber: the publisher stamps the
 * send time once, before its first send of the message; each subscriber
 * notes its arrival time in a window of per-message entries that all sides
 * of a group share (the latest arrival, and how many have arrived), and the
 * one that completes an entry records latest - sent in its own histogram.
 * Each message is recorded once, so the sides' histograms merged (the
 * layout is all_timed) are that latency, the row's messages are the
 * messages every subscriber got, its rate what each subscriber received per
 * second, and its shares how often each subscriber was the last.
 * --slow-subscriber TIME makes subscriber 1 spend TIME on each message, to
 * show what one slow reader does to the others. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "common/cpu_relax.h"
#include "measure/clock.h"
#include "measure/message.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"
#include "run/side.h"

#define FANOUT_DEFAULT 4u
#define FANOUT_MAX (IPCB_MAX_SIDES - 1)
#define FANOUT_MAX_LIST 8
/* entries of the arrival window: the subscribers of a group may be this
 * many messages apart before two messages share an entry */
#define WINDOW (1u << 18)

static uint64_t n_subscribers = FANOUT_DEFAULT;
static uint64_t slow_ns;

/* ---- the arrival window, shared by every side of every group ---- */

struct arrival {
    _Atomic uint64_t latest;    /* the latest arrival time so far */
    _Atomic uint32_t count;     /* subscribers that have it */
    uint32_t pad;
};

struct window {
    _Atomic uintptr_t owner[IPCB_MAX_GROUPS];  /* the group's a->sh, once claimed */
    struct arrival entry[IPCB_MAX_GROUPS][WINDOW];
};

static struct window *window;

/* a fresh, zeroed window for the measurement about to fork (the last one's
 * sides are all gone by now); NULL when it cannot be mapped, which the
 * sides then report */
static void window_renew(void)
{
    if (window)
        munmap(window, sizeof *window);
    window = mmap(NULL, sizeof *window, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (window == MAP_FAILED)
        window = NULL;
}

/* the entries of this side's group: the first side to come claims a row of
 * them for its group's shared area, the others find it */
static struct arrival *group_entries(struct ipcb_side_args *a)
{
    if (!window)
        return NULL;
    uintptr_t mine = (uintptr_t)a->sh;
    for (unsigned g = 0; g < IPCB_MAX_GROUPS; g++) {
        uintptr_t seen = 0;
        if (atomic_compare_exchange_strong(&window->owner[g], &seen, mine) || seen == mine)
            return window->entry[g];
    }
    return NULL;
}

/* ---- the sides ---- */

static int broadcasts(const struct ipcb_transport *t)
{
    return (t->flags & IPCB_USE_MANY_READERS) != 0;
}

/* send message seq to every channel this side holds */
static int publish(struct ipcb_side_args *a, unsigned n_chans, const unsigned char *buf,
                   uint64_t seq)
{
    for (unsigned k = 0; k < n_chans; k++) {
        struct ipcb_chan *c = a->chans[k];
        ssize_t n = c->t->send(c, buf, a->size);
        if (n != (ssize_t)a->size)
            return ipcb_side_io_error(a, k ? "send to a later subscriber" : "send", seq, n);
    }
    return 0;
}

/* stream's producer, every message to every subscriber's channel (or once
 * into the one ring); in a timed run (-d) it sets sh->total before the last */
IPCB_HOT static int fanout_publisher(struct ipcb_side_args *a)
{
    const size_t len = a->size;
    const unsigned n_chans = broadcasts(a->chan->t) ? 1 : a->sh->n_sides - 1;
    struct ipcb_side_result *res = a->res;
    uint64_t total = atomic_load(&a->sh->total), end_ns = 0;
    unsigned char *buf = a->buf;
    int rc = 0;

    if (!group_entries(a))
        return ipcb_side_fail(a, "fanout's arrival window could not be mapped");
    for (uint64_t seq = 0; seq < total && rc == 0; seq++) {
        if (a->verify_full)
            memcpy(buf, a->expect, len);
        ipcb_msg_stamp(buf, len, seq);
        ipcb_side_maybe_inject(a, buf, seq);
        uint64_t now = ipcb_now_ns();
        if (seq == a->warmup) {
            ipcb_side_usage_begin(a);
            if (a->duration_ns)
                end_ns = now + a->duration_ns;
        }
        if (end_ns && now >= end_ns) {
            total = seq + 1;
            atomic_store_explicit(&a->sh->total, total, memory_order_release);
        }
        if (len >= 16)
            ipcb_put64(buf + 8, now);
        rc = publish(a, n_chans, buf, seq);
        atomic_store_explicit(&res->progress, seq + 1, memory_order_relaxed);
    }
    if (rc != 0)
        return rc;
    ipcb_side_usage_end(a);
    atomic_fetch_add_explicit(&a->sh->producer_done, 1, memory_order_release);
    return 0;
}

/* message seq arrived at now: 1 when this subscriber is the last of n to
 * have it, with the latest arrival of all in *latest */
static int arrived_last(struct arrival *e, unsigned n, uint64_t now, uint64_t *latest)
{
    uint64_t seen = atomic_load_explicit(&e->latest, memory_order_relaxed);
    while (seen < now && !atomic_compare_exchange_weak(&e->latest, &seen, now))
        ;
    if (atomic_fetch_add(&e->count, 1) + 1 < n)
        return 0;
    *latest = atomic_load(&e->latest);
    /* ready for the message WINDOW later */
    atomic_store_explicit(&e->latest, 0, memory_order_relaxed);
    atomic_store_explicit(&e->count, 0, memory_order_relaxed);
    return 1;
}

/* the wrong message's reason into the result: which subscriber, which message */
static int wrong_message(struct ipcb_side_args *a, uint64_t expected)
{
    int rc = ipcb_side_fail(a, "subscriber %u of %u: ", a->side_index, a->sh->n_sides - 1);
    size_t used = strlen(a->res->error);
    ipcb_msg_describe(a->res->error + used, sizeof a->res->error - used, a->buf, a->expect,
                      a->size, expected);
    return rc;
}

/* the time a slow subscriber spends on each message, on the CPU */
static void linger(uint64_t from)
{
    while (ipcb_now_ns() - from < slow_ns)
        ipcb_cpu_relax();
}

/* a message this subscriber was the last to get, seq, latency ns, at now */
static void record_last(struct ipcb_side_args *a, struct ipcb_hist_acc *lat, uint64_t seq,
                        uint64_t ns, uint64_t now)
{
    struct ipcb_side_result *res = a->res;
    const uint64_t span_open = a->warmup ? a->warmup - 1 : 0;
    if (seq >= a->warmup) {
        if (a->size >= 16)
            ipcb_hist_acc_record(&res->hist, lat, ns);
        else
            res->messages++;
    }
    if (seq < span_open)
        return;
    if (res->first_ns == 0 && seq == span_open)
        res->first_ns = now;    /* the span opens when all have that message */
    else
        res->span_messages++;
    if (res->first_ns == 0)
        res->first_ns = now;
    res->last_ns = now;
}

IPCB_HOT static int fanout_subscriber(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    const size_t len = a->size;
    const unsigned n = a->sh->n_sides - 1;
    const int slow = slow_ns && a->side_index == 1;
    struct arrival *entries = group_entries(a);
    struct ipcb_hist_acc lat;
    ipcb_hist_acc_init(&lat);
    int rc = 0;

    if (!entries)
        return ipcb_side_fail(a, "fanout's arrival window could not be mapped");
    ipcb_side_usage_begin(a);
    for (uint64_t expected = 0;; ) {
        ssize_t r = c->t->recv(c, a->buf, len);
        uint64_t now = ipcb_now_ns();
        if (r != (ssize_t)len) {
            rc = ipcb_side_io_error(a, "receive", expected, r);
            break;
        }
        if (a->verify_full ? ipcb_msg_check_full(a->buf, a->expect, len, expected)
                           : ipcb_msg_check_stamps(a->buf, len, expected)) {
            rc = wrong_message(a, expected);
            break;
        }
        uint64_t latest;
        if (arrived_last(&entries[expected % WINDOW], n, now, &latest))
            record_last(a, &lat, expected, len >= 16 ? latest - ipcb_get64(a->buf + 8) : 0,
                        latest);
        if (slow)
            linger(now);
        if (ipcb_side_received(a, ++expected))
            break;
    }
    ipcb_side_timed_flush(a, &lat);
    if (rc == 0)
        ipcb_side_usage_end(a);
    return rc;
}

/* ---- the layout, the options, the table ---- */

/* N + 1 sides from the layout's n_sides (a copy per --subscribers item sets
 * it): the publisher on N channels, subscriber i on channel i - 1 */
static void fanout_layout(struct ipcb_layout *lay)
{
    unsigned n = lay->n_sides > 1 ? lay->n_sides - 1 : (unsigned)n_subscribers;
    window_renew();
    lay->n_sides = n + 1;
    lay->n_channels = n;
    lay->timed_side = 1;
    lay->all_timed = 1;
    lay->sides[0] = (struct ipcb_side_decl){.role = "publisher", .n_ends = n,
                                            .run = fanout_publisher};
    for (unsigned s = 1; s <= n; s++) {
        lay->sides[0].ends[s - 1] = (struct ipcb_chan_end){s - 1, IPCB_PRODUCER};
        lay->sides[s] = (struct ipcb_side_decl){
            .role = "subscriber", .n_ends = 1, .ends = {{s - 1, IPCB_CONSUMER}},
            .run = fanout_subscriber};
    }
}

/* on a channel that takes several readers: one channel for everyone */
static void fanout_layout_on(struct ipcb_layout *lay, const struct ipcb_transport *t)
{
    if (!broadcasts(t))
        return;
    lay->n_channels = 1;
    lay->sides[0].n_ends = 1;
    for (unsigned s = 1; s < lay->n_sides; s++)
        lay->sides[s].ends[0].channel = 0;
}

static int fanout_refuses(const struct ipcb_transport *t, uint64_t size, char *why, size_t len)
{
    (void)size;
    if (t->flags & IPCB_LOSSY) {
        snprintf(why, len, "fanout needs every message at every subscriber; %s may drop "
                 "them", t->name);
        return 1;
    }
    return 0;
}

static const char *subscriber_list;
static size_t n_copies;
static struct ipcb_pattern copies[FANOUT_MAX_LIST];
static char copy_names[FANOUT_MAX_LIST][32];
extern const struct ipcb_pattern ipcb_pattern_fanout;

/* --subscribers LIST: a copy of the pattern per count, "fanout-4", made now
 * and put in the plan by instances(), as rate and contention do */
static int subscribers_parse(const struct ipcb_option *o, const char *v, void *dest,
                             char *err, size_t errlen)
{
    char buf[256];
    const char *items[FANOUT_MAX_LIST];
    (void)o;
    if (ipcb_split_list(v, "--subscribers", "e.g. 1,4,16", buf, sizeof buf, items,
                        FANOUT_MAX_LIST, &n_copies, err, errlen))
        return -EINVAL;
    for (size_t k = 0; k < n_copies; k++) {
        uint64_t n;
        if (ipcb_parse_count_range("--subscribers", items[k], 1, FANOUT_MAX, &n, err, errlen))
            return -EINVAL;
        n_subscribers = n;
        copies[k] = ipcb_pattern_fanout;
        snprintf(copy_names[k], sizeof copy_names[k], "fanout-%llu", (unsigned long long)n);
        copies[k].name = copy_names[k];
        copies[k].instances = NULL;
        copies[k].layout.n_sides = (unsigned)n + 1;
    }
    memcpy(dest, &v, sizeof v);
    return 0;
}

static size_t fanout_instances(const struct ipcb_pattern *self,
                               const struct ipcb_pattern **out, size_t cap)
{
    (void)self;
    size_t k = 0;
    for (; subscriber_list && k < n_copies && k < cap; k++)
        out[k] = &copies[k];
    return k;
}

static const struct ipcb_option subscribers_opt = {
    .name = "subscribers", .metavar = "LIST", .type = IPCB_OPT_LIST,
    IPCB_OPT_INTO(subscriber_list), .parse = subscribers_parse,
    .help = "subscribers, 1 to 32, a row fanout-N for each\n"
            "(1,4,16; without it 4, the row fanout)",
};
static const struct ipcb_option slow_opt = {
    .name = "slow-subscriber", .metavar = "TIME", .type = IPCB_OPT_DURATION, .min = 1,
    IPCB_OPT_INTO(slow_ns),
    .help = "subscriber 1 spends TIME on the CPU per message\n(1us, 20us)",
};
static const struct ipcb_option *const fanout_options[] = {&subscribers_opt, &slow_opt, NULL};

const struct ipcb_pattern ipcb_pattern_fanout = {
    .name = "fanout",
    .flags = IPCB_PATTERN_ON_REQUEST,
    .needs = IPCB_USE_MANY_READERS,
    .summary = "one publisher, --subscribers N each get every\n"
               "message: one-way latency to the last, shares",
    .latency_kind = "one-way",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = {.n_channels = 1},
    .make_layout = fanout_layout,
    .layout_on = fanout_layout_on,
    .refuses = fanout_refuses,
    .options = fanout_options,
    .instances = fanout_instances,
};
