/* Contention: N processes (--procs) take a lock, add one to a shared
 * counter and touch --section-bytes of shared data, release it, over and
 * over. Each side's histogram holds the time from asking for the lock to
 * holding it; the row is all sides together (layout.all_timed). The side
 * that finishes last checks the counter against every side's iterations:
 * short under a real lock is a failure, under `none` it is the result. */
#include <stdatomic.h>
#include <stdio.h>

#include "measure/clock.h"
#include "ipcbench/pattern.h"
#include "run/side.h"
#include "sync/sync.h"
#include "sync/sync_plan.h"

/* the last side to finish compares the counter with what all sides did */
static int check_counter(struct ipcb_side_args *a, struct ipcb_sync_area *area, uint64_t done)
{
    atomic_fetch_add(&area->iterations, done);
    if (atomic_fetch_add(&area->finished, 1) + 1 < a->sh->n_sides)
        return 0;
    uint64_t want = atomic_load(&area->iterations), got = area->counter;
    if (got == want)
        return 0;
    if (a->chan->t->flags & IPCB_SYNC_NOLOCK) {
        a->res->lost_updates = want > got ? want - got : 0;
        return 0;
    }
    return ipcb_side_fail(a, "the shared counter is %llu after %llu increments under the "
                          "lock: %s %llu updates", (unsigned long long)got,
                          (unsigned long long)want, got < want ? "lost" : "gained",
                          (unsigned long long)(got < want ? want - got : got - want));
}

IPCB_HOT static int contender(struct ipcb_side_args *a)
{
    struct ipcb_chan *c = a->chan;
    ssize_t (*const give)(struct ipcb_chan *, const void *, size_t) = c->t->send;
    ssize_t (*const take)(struct ipcb_chan *, void *, size_t) = c->t->recv;
    struct ipcb_sync_area *area = ipcb_sync_area(c);
    volatile unsigned char *section = area->section;
    const size_t bytes = a->size;
    struct ipcb_side_result *res = a->res;
    const uint64_t total = atomic_load(&a->sh->total);
    uint64_t end_ns = 0, i;
    struct ipcb_hist_acc lat;
    ipcb_hist_acc_init(&lat);
    int rc = 0;

    for (i = 0; i < total; i++) {
        if (i == a->warmup)
            end_ns = ipcb_side_producer_begin(a);
        uint64_t t0 = ipcb_now_ns();
        ssize_t n = take(c, a->buf, 1);
        uint64_t t1 = ipcb_now_ns();
        if (n != 1) {
            rc = ipcb_side_io_error(a, "taking the lock", i, n);
            break;
        }
        /* the critical section: read, touch, write back */
        uint64_t v = area->counter;
        for (size_t k = 0; k < bytes; k++)
            section[k] = (unsigned char)(section[k] + 1);
        area->counter = v + 1;
        n = give(c, a->buf, 1);
        if (n != 1) {
            rc = ipcb_side_io_error(a, "releasing the lock", i, n);
            break;
        }
        ipcb_side_timed(a, &lat, i, t1 - t0);
        if ((end_ns && t1 >= end_ns) ||
            atomic_load_explicit(&area->stop, memory_order_relaxed)) {
            i++;
            break;
        }
    }
    /* the first side done stops the others, so that every side's share is
     * of the same span: with each running its own count they would all be
     * equal whatever the lock did */
    ipcb_side_timed_flush(a, &lat);
    if (rc != 0)
        return rc;
    atomic_store_explicit(&area->stop, 1, memory_order_relaxed);
    res->last_ns = ipcb_now_ns();
    res->span_messages = res->messages;
    ipcb_side_usage_end(a);
    return check_counter(a, area, i);
}

const struct ipcb_pattern ipcb_pattern_contention = {
    .name = "contention",
    .runs_on = IPCB_ON_PRIMITIVE,
    .needs = IPCB_SYNC_LOCK,
    .summary = "(sync) N processes take a lock to update a shared\n"
               "counter: acquisitions/s, acquire latency, fairness",
    .latency_kind = "acquire",
    .figure = IPCB_FIGURE_THROUGHPUT,
    .layout = {.n_channels = 1, .n_sides = 1, .all_timed = 1,
               .sides = {{.role = "contender", .n_ends = 1, .ends = {{0, IPCB_PRODUCER}},
                          .run = contender}}},
    .options = ipcb_sync_options,
    .instances = ipcb_sync_instances,
};
