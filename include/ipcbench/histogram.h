/* Log-linear (HDR-style) latency histogram in nanoseconds: fixed memory,
 * O(1) record, 3 significant digits from 1 ns to past 100 s. */
#ifndef IPCBENCH_HISTOGRAM_H
#define IPCBENCH_HISTOGRAM_H

#include <stdint.h>

#define IPCB_HIST_SUB_BITS 11                          /* 2048 sub-buckets: 3 digits */
#define IPCB_HIST_SUB_COUNT (1u << IPCB_HIST_SUB_BITS)
#define IPCB_HIST_SUB_HALF (IPCB_HIST_SUB_COUNT / 2)
#define IPCB_HIST_BUCKETS 27                           /* 2048 << 26 ns = 137 s */
#define IPCB_HIST_COUNTS ((IPCB_HIST_BUCKETS + 1) * IPCB_HIST_SUB_HALF)
#define IPCB_HIST_HIGHEST ((uint64_t)IPCB_HIST_SUB_COUNT << (IPCB_HIST_BUCKETS - 1))

struct ipcb_hist {
    uint64_t total;
    uint64_t min, max;     /* exact */
    double sum, sumsq;     /* exact mean and stddev, not bucketed */
    uint64_t counts[IPCB_HIST_COUNTS];
};

struct ipcb_hist_stats {
    uint64_t count, min, max, p50, p90, p99, p999, p9999;
    double mean, stddev;
};

static inline unsigned ipcb_hist_index(uint64_t v)
{
    /* bucket = position of the top bit above the sub-bucket range */
    unsigned pow2ceil = 64u - (unsigned)__builtin_clzll(v | (IPCB_HIST_SUB_COUNT - 1));
    unsigned bucket = pow2ceil - IPCB_HIST_SUB_BITS;
    unsigned sub = (unsigned)(v >> bucket);
    unsigned idx = ((bucket + 1) << (IPCB_HIST_SUB_BITS - 1)) + sub - IPCB_HIST_SUB_HALF;
    return idx < IPCB_HIST_COUNTS ? idx : IPCB_HIST_COUNTS - 1;
}

static inline void ipcb_hist_record(struct ipcb_hist *h, uint64_t v)
{
    h->counts[ipcb_hist_index(v)]++;
    h->total++;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    double d = (double)v;
    h->sum += d;
    h->sumsq += d * d;
}

void ipcb_hist_init(struct ipcb_hist *h);
void ipcb_hist_merge(struct ipcb_hist *into, const struct ipcb_hist *from);
/* lowest and highest value that land in the bucket at idx */
uint64_t ipcb_hist_bucket_low(unsigned idx);
uint64_t ipcb_hist_bucket_high(unsigned idx);
/* value at percentile p (0..100): the highest value equivalent to the
 * bucket holding the ceil(p% of total)-th value, clamped to [min, max] */
uint64_t ipcb_hist_percentile(const struct ipcb_hist *h, double p);
void ipcb_hist_stats(const struct ipcb_hist *h, struct ipcb_hist_stats *s);

#endif
