#include "ipcbench/histogram.h"

#include <math.h>
#include <string.h>

void ipcb_hist_init(struct ipcb_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void ipcb_hist_merge(struct ipcb_hist *into, const struct ipcb_hist *from)
{
    for (unsigned i = 0; i < IPCB_HIST_COUNTS; i++)
        into->counts[i] += from->counts[i];
    const struct ipcb_hist_acc rest = {from->total, from->min, from->max, from->sum,
                                       from->sumsq};
    ipcb_hist_acc_flush(into, &rest);
}

uint64_t ipcb_hist_bucket_low(unsigned idx)
{
    unsigned bucket = idx >> (IPCB_HIST_SUB_BITS - 1);
    unsigned sub = (idx & (IPCB_HIST_SUB_HALF - 1)) + IPCB_HIST_SUB_HALF;
    if (bucket == 0) /* the first bucket uses the whole sub-bucket range */
        return idx;
    return (uint64_t)sub << (bucket - 1);
}

uint64_t ipcb_hist_bucket_high(unsigned idx)
{
    if (idx + 1 >= IPCB_HIST_COUNTS)
        return UINT64_MAX;
    return ipcb_hist_bucket_low(idx + 1) - 1;
}

uint64_t ipcb_hist_percentile(const struct ipcb_hist *h, double p)
{
    if (h->total == 0)
        return 0;
    if (p <= 0.0)
        return h->min;
    if (p >= 100.0)
        return h->max;
    uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)h->total);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < IPCB_HIST_COUNTS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t v = ipcb_hist_bucket_high(i);
            if (v > h->max) v = h->max;
            if (v < h->min) v = h->min;
            return v;
        }
    }
    return h->max;
}

void ipcb_hist_stats(const struct ipcb_hist *h, struct ipcb_hist_stats *s)
{
    memset(s, 0, sizeof *s);
    s->count = h->total;
    if (h->total == 0)
        return;
    s->min = h->min;
    s->max = h->max;
    double n = (double)h->total;
    s->mean = h->sum / n;
    double var = h->sumsq / n - s->mean * s->mean;
    s->stddev = var > 0 ? sqrt(var) : 0.0;
    s->p50 = ipcb_hist_percentile(h, 50.0);
    s->p90 = ipcb_hist_percentile(h, 90.0);
    s->p99 = ipcb_hist_percentile(h, 99.0);
    s->p999 = ipcb_hist_percentile(h, 99.9);
    s->p9999 = ipcb_hist_percentile(h, 99.99);
}
