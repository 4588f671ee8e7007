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

/* What a histogram keeps besides its counts, for a hot loop to hold in
 * locals (registers) and merge into the histogram once at the end: recorded
 * through it, only the one count a value bumps goes to memory per message,
 * not five more read-modify-writes of a struct in shared memory. Flushed
 * into a histogram it had been empty before, it leaves the histogram just
 * as ipcb_hist_record would have, bit for bit. */
struct ipcb_hist_acc {
    uint64_t total, min, max;
    double sum, sumsq;
};

static inline void ipcb_hist_acc_init(struct ipcb_hist_acc *a)
{
    *a = (struct ipcb_hist_acc){.min = UINT64_MAX};
}

static inline void ipcb_hist_acc_record(struct ipcb_hist *h, struct ipcb_hist_acc *a, uint64_t v)
{
    h->counts[ipcb_hist_index(v)]++;
    a->total++;
    if (v < a->min) a->min = v;
    if (v > a->max) a->max = v;
    double d = (double)v;
    a->sum += d;
    a->sumsq += d * d;
}

static inline void ipcb_hist_acc_flush(struct ipcb_hist *h, const struct ipcb_hist_acc *a)
{
    h->total += a->total;
    if (a->min < h->min) h->min = a->min;
    if (a->max > h->max) h->max = a->max;
    h->sum += a->sum;
    h->sumsq += a->sumsq;
}

/* one value, where no loop keeps an accumulator */
static inline void ipcb_hist_record(struct ipcb_hist *h, uint64_t v)
{
    struct ipcb_hist_acc a;
    ipcb_hist_acc_init(&a);
    ipcb_hist_acc_record(h, &a, v);
    ipcb_hist_acc_flush(h, &a);
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
