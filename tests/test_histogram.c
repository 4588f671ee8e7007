/* The histogram against distributions whose percentiles are known. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ipcbench/histogram.h"

/* within 3 significant digits: the bucket width is at most 1/1024 of the value */
static int close_to(uint64_t got, uint64_t want)
{
    double tol = (double)want / 1000.0 + 1.0;
    return fabs((double)got - (double)want) <= tol;
}

static struct ipcb_hist *fresh(void)
{
    struct ipcb_hist *h = malloc(sizeof *h);
    ipcb_hist_init(h);
    return h;
}

static void record_times(struct ipcb_hist *h, uint64_t v, unsigned times)
{
    for (unsigned i = 0; i < times; i++)
        ipcb_hist_record(h, v);
}

static struct ipcb_hist_stats stats_of(const struct ipcb_hist *h)
{
    struct ipcb_hist_stats s;
    ipcb_hist_stats(h, &s);
    return s;
}

static void uniform(void)
{
    struct ipcb_hist *h = fresh();
    for (uint64_t v = 1; v <= 100000; v++)
        ipcb_hist_record(h, v);
    struct ipcb_hist_stats s = stats_of(h);
    CHECK(s.count == 100000, "count %llu", (unsigned long long)s.count);
    CHECK(s.min == 1 && s.max == 100000, "min %llu max %llu", (unsigned long long)s.min,
          (unsigned long long)s.max);
    CHECK(fabs(s.mean - 50000.5) < 1e-6, "mean %f", s.mean);
    /* population stddev of 1..n is sqrt((n^2 - 1) / 12) */
    CHECK(fabs(s.stddev - sqrt((1e10 - 1) / 12.0)) < 0.01, "stddev %f", s.stddev);
    CHECK(close_to(s.p50, 50000), "p50 %llu", (unsigned long long)s.p50);
    CHECK(close_to(s.p90, 90000), "p90 %llu", (unsigned long long)s.p90);
    CHECK(close_to(s.p99, 99000), "p99 %llu", (unsigned long long)s.p99);
    CHECK(close_to(s.p999, 99900), "p99.9 %llu", (unsigned long long)s.p999);
    CHECK(close_to(s.p9999, 99990), "p99.99 %llu", (unsigned long long)s.p9999);
    CHECK(ipcb_hist_percentile(h, 0) == 1, "p0 is the min");
    CHECK(ipcb_hist_percentile(h, 100) == 100000, "p100 is the max");
    free(h);
}

static void small_values_exact(void)
{
    /* below 2048 ns every value has a bucket of its own; of 90 x 700 and
     * 10 x 1500, ranks 1 to 90 are 700 and 91 to 100 are 1500 */
    static const struct { double p; uint64_t want; } at[] = {
        {50, 700}, {90, 700}, {90.5, 1500}, {99, 1500},
    };
    struct ipcb_hist *h = fresh();
    record_times(h, 700, 90);
    record_times(h, 1500, 10);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        CHECK(ipcb_hist_percentile(h, at[i].p) == at[i].want,
              "p%g of 90x700 + 10x1500 is %llu", at[i].p, (unsigned long long)at[i].want);
    free(h);
}

static void constant(void)
{
    struct ipcb_hist *h = fresh();
    record_times(h, 123456789, 1000);
    struct ipcb_hist_stats s = stats_of(h);
    CHECK(s.p50 == 123456789 && s.p9999 == 123456789 && s.min == 123456789,
          "a constant: every percentile is the value (p50 %llu)", (unsigned long long)s.p50);
    CHECK(s.stddev < 1e-3, "a constant has no spread (%f)", s.stddev);
    free(h);
}

static void range_and_precision(void)
{
    /* every value lands in a bucket that holds it, 3 significant digits wide */
    uint64_t v = 1;
    int bad = 0;
    for (int i = 0; i < 200000 && v < 100000000000ull; i++) {
        unsigned idx = ipcb_hist_index(v);
        uint64_t lo = ipcb_hist_bucket_low(idx), hi = ipcb_hist_bucket_high(idx);
        if (lo > v || hi < v || (double)(hi - lo + 1) > (double)v / 1000.0 + 1.0)
            bad++;
        v = v + 1 + v / 997;
    }
    CHECK(bad == 0, "%d values outside their bucket or bucket too wide", bad);
    CHECK(IPCB_HIST_HIGHEST >= 100000000000ull, "range reaches 100 s");
    struct ipcb_hist *h = fresh();
    ipcb_hist_record(h, 1);
    ipcb_hist_record(h, 100000000000ull);
    CHECK(h->max == 100000000000ull && h->min == 1, "1 ns and 100 s recorded exactly");
    CHECK(close_to(ipcb_hist_percentile(h, 75), 100000000000ull), "100 s percentile %llu",
          (unsigned long long)ipcb_hist_percentile(h, 75));
    /* beyond the range is clamped, never out of bounds */
    ipcb_hist_record(h, UINT64_MAX / 2);
    CHECK(h->counts[IPCB_HIST_COUNTS - 1] == 1, "an enormous value lands in the last bucket");
    free(h);
}

static void merge(void)
{
    struct ipcb_hist *a = fresh(), *b = fresh(), *all = fresh();
    for (uint64_t v = 1; v <= 50000; v++) {
        ipcb_hist_record(a, v * 3);
        ipcb_hist_record(all, v * 3);
    }
    for (uint64_t v = 50001; v <= 100000; v++) {
        ipcb_hist_record(b, v * 3);
        ipcb_hist_record(all, v * 3);
    }
    ipcb_hist_merge(a, b);
    CHECK(memcmp(a->counts, all->counts, sizeof a->counts) == 0, "merged buckets equal");
    CHECK(a->total == all->total && a->min == all->min && a->max == all->max,
          "merged count, min, max");
    CHECK(fabs(a->sum - all->sum) < 1e-3, "merged sum");
    CHECK(ipcb_hist_percentile(a, 99) == ipcb_hist_percentile(all, 99), "merged p99");
    free(a);
    free(b);
    free(all);
}

/* every field of two histograms, the sums bit for bit */
static int same(const struct ipcb_hist *x, const struct ipcb_hist *y)
{
    return memcmp(x->counts, y->counts, sizeof x->counts) == 0 && x->total == y->total &&
           x->min == y->min && x->max == y->max &&
           memcmp(&x->sum, &y->sum, sizeof x->sum) == 0 &&
           memcmp(&x->sumsq, &y->sumsq, sizeof x->sumsq) == 0;
}

/* the hot loops' accumulator leaves a histogram exactly as recording each
 * value into it would; values large enough that sumsq rounds */
static void accumulator(void)
{
    struct ipcb_hist *direct = fresh(), *through = fresh();
    struct ipcb_hist_acc acc;
    ipcb_hist_acc_init(&acc);
    uint64_t v = 12345;
    for (unsigned i = 0; i < 200000; i++) {
        v = v * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t ns = (v >> 33) % (i % 7 == 0 ? 5000000000ull : 3000);
        ipcb_hist_record(direct, ns);
        ipcb_hist_acc_record(through, &acc, ns);
    }
    CHECK(through->total == 0 &&
          memcmp(direct->counts, through->counts, sizeof direct->counts) == 0,
          "before the flush the histogram has its counts and nothing else");
    ipcb_hist_acc_flush(through, &acc);
    CHECK(same(direct, through), "accumulated and flushed equals recorded one by one "
          "(total %llu/%llu, sum %.17g/%.17g, sumsq %.17g/%.17g)",
          (unsigned long long)through->total, (unsigned long long)direct->total,
          through->sum, direct->sum, through->sumsq, direct->sumsq);

    /* an empty accumulator changes nothing, min and max included */
    ipcb_hist_acc_init(&acc);
    ipcb_hist_acc_flush(through, &acc);
    CHECK(same(direct, through), "an empty accumulator flushed into a full histogram");

    /* and into an empty one, neither does it */
    struct ipcb_hist *blank = fresh(), *untouched = fresh();
    ipcb_hist_acc_flush(blank, &acc);
    CHECK(same(blank, untouched) && blank->min == UINT64_MAX,
          "an empty accumulator flushed into an empty histogram");
    free(direct);
    free(through);
    free(blank);
    free(untouched);
}

static void empty(void)
{
    struct ipcb_hist *h = fresh();
    struct ipcb_hist_stats s = stats_of(h);
    CHECK(s.count == 0 && s.p50 == 0 && s.max == 0, "an empty histogram reports zeros");
    free(h);
}

int main(void)
{
    uniform();
    small_values_exact();
    constant();
    range_and_precision();
    merge();
    accumulator();
    empty();
    return checks_done();
}
