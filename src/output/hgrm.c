/* HdrHistogram's percentile-distribution text, so its plotters read ours.
 * Values are written in microseconds. */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "ipcbench/results.h"

/* how many values are <= v */
static uint64_t count_at_or_below(const struct ipcb_hist *h, uint64_t v)
{
    uint64_t seen = 0;
    unsigned last = ipcb_hist_index(v);
    for (unsigned i = 0; i <= last; i++)
        seen += h->counts[i];
    return seen;
}

int ipcb_write_hgrm(FILE *f, const struct ipcb_hist *h, double unit_ns)
{
    enum { TICKS_PER_HALF = 5 };
    fprintf(f, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
            "1/(1-Percentile)");
    if (h->total) {
        double p = 0.0;
        for (;;) {
            uint64_t v = ipcb_hist_percentile(h, p);
            uint64_t at = count_at_or_below(h, v);
            if (at >= h->total || p >= 100.0)
                break;
            fprintf(f, "%12.3f %1.12f %10llu %14.2f\n", (double)v / unit_ns, p / 100.0,
                    (unsigned long long)at, 1.0 / (1.0 - p / 100.0));
            /* ticks get closer as the percentile nears 100, as HdrHistogram's do;
             * a histogram whose counts hold fewer values than its total (none
             * ipcbench makes, but a file read back may say so) would have
             * them close in on 100 below a double's resolution: stop there */
            double half = pow(2.0, floor(log2(100.0 / (100.0 - p))) + 1.0);
            double next = p + 100.0 / (half * TICKS_PER_HALF);
            if (next <= p)
                break;
            p = next;
        }
        fprintf(f, "%12.3f %1.12f %10llu\n", (double)h->max / unit_ns, 1.0,
                (unsigned long long)h->total);
    }
    struct ipcb_hist_stats s;
    ipcb_hist_stats(h, &s);
    fprintf(f, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", s.mean / unit_ns,
            s.stddev / unit_ns);
    fprintf(f, "#[Max     = %12.3f, Total count    = %12llu]\n", (double)s.max / unit_ns,
            (unsigned long long)s.count);
    fprintf(f, "#[Buckets = %12d, SubBuckets     = %12u]\n", IPCB_HIST_BUCKETS,
            IPCB_HIST_SUB_COUNT);
    return ferror(f) ? -EIO : 0;
}
