/* latency_vs_cpu-<pattern>-<size>: for one pattern at one size, every row's
 * p50 (left panel) and p99 (right) against the CPU it spent per message,
 * log-log, a labelled point per transport and strategy, and the rows no
 * other row beats on both counts (the Pareto front) joined by a line: the
 * trade-off between answering fast and burning CPU, as a picture. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"
#include "ipcbench/pattern.h"
#include "ipcbench/results.h"
#include "ipcbench/units.h"
#include "plot/chart_files.h"
#include "plot/charts.h"
#include "plot/gnuplot.h"

/* a row that can be drawn: timed, with a CPU figure */
static int drawable(const struct ipcb_chart_row *r, const struct ipcb_pattern *pat,
                    uint64_t size)
{
    return r->pattern == pat && r->size == size && r->timed && r->p50_us > 0 &&
           r->cpu_us_per_msg > 0;
}

/* the front of idx[0..n) (sorted by CPU) on latency column y (0 p50, 1 p99)
 * into a data file: each point no cheaper row undercuts */
static int write_front(struct ipcb_chart_run *cr, const size_t *idx, size_t n, int y,
                       const char *name, char *path, char *err, size_t errlen)
{
    FILE *f = ipcb_chart_open_data(cr, path, PATH_MAX, "%s-front%s.dat", name,
                                   y ? "99" : "50");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -EIO;
    }
    double best = INFINITY;
    for (size_t k = 0; k < n; k++) {
        const struct ipcb_chart_row *r = &cr->in->rows[idx[k]];
        double v = y ? r->p99_us : r->p50_us;
        if (v > 0 && v < best) {
            fprintf(f, "%.6g %.6g\n", r->cpu_us_per_msg, v);
            best = v;
        }
    }
    return ipcb_chart_close_data(f, path, err, errlen);
}

/* a point's label: the transport, and the offered load of a rate row */
static void label(FILE *f, const struct ipcb_chart_input *in, const struct ipcb_chart_row *r)
{
    fputc('"', f);
    for (const char *c = in->transports[r->transport]; *c; c++)
        fputc(*c == '"' ? '\'' : (unsigned char)*c < 0x20 ? ' ' : *c, f);
    if (r->offered_per_s > 0) {
        char rate[32];
        ipcb_format_rate(r->offered_per_s, rate, sizeof rate);
        fprintf(f, " @%s/s", rate);
    }
    fputc('"', f);
}

/* the points, "cpu_us p50_us p99_us colour label", and the ranges */
static int write_points(struct ipcb_chart_run *cr, const size_t *idx, size_t n,
                        const char *name, char *path, double range[6], char *err,
                        size_t errlen)
{
    FILE *f = ipcb_chart_open_data(cr, path, PATH_MAX, "%s.dat", name);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -EIO;
    }
    for (size_t k = 0; k < n; k++) {
        const struct ipcb_chart_row *r = &cr->in->rows[idx[k]];
        fprintf(f, "%.6g %.6g ", r->cpu_us_per_msg, r->p50_us);
        if (r->p99_us > 0)
            fprintf(f, "%.6g ", r->p99_us);
        else
            fputs("? ", f);
        fprintf(f, "%zu ", r->transport + 1);
        label(f, cr->in, r);
        fputc('\n', f);
        range[0] = fmin(range[0], r->cpu_us_per_msg);
        range[1] = fmax(range[1], r->cpu_us_per_msg);
        range[2] = fmin(range[2], r->p50_us);
        range[3] = fmax(range[3], r->p50_us);
        if (r->p99_us > 0) {
            range[4] = fmin(range[4], r->p99_us);
            range[5] = fmax(range[5], r->p99_us);
        }
    }
    return ipcb_chart_close_data(f, path, err, errlen);
}

/* the rows of pat at size, by CPU per message; their count */
static size_t rows_by_cpu(const struct ipcb_chart_input *in, const struct ipcb_pattern *pat,
                          uint64_t size, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n_rows; i++) {
        if (!drawable(&in->rows[i], pat, size))
            continue;
        size_t j = n++;
        for (; j > 0 && in->rows[idx[j - 1]].cpu_us_per_msg > in->rows[i].cpu_us_per_msg; j--)
            idx[j] = idx[j - 1];
        idx[j] = i;
    }
    return n;
}

static int chart_one(struct ipcb_chart_run *cr, const struct ipcb_pattern *pat, uint64_t size,
                     size_t *idx, char *err, size_t errlen)
{
    size_t n = rows_by_cpu(cr->in, pat, size, idx);
    if (n == 0)
        return 0;
    char name[192], points[PATH_MAX], front50[PATH_MAX], front99[PATH_MAX], out[PATH_MAX];
    double range[6] = {INFINITY, 0, INFINITY, 0, INFINITY, 0};
    snprintf(name, sizeof name, "latency_vs_cpu-%s-%llu", pat->name, (unsigned long long)size);
    int rc = write_points(cr, idx, n, name, points, range, err, errlen);
    if (rc == 0)
        rc = write_front(cr, idx, n, 0, name, front50, err, errlen);
    if (rc == 0)
        rc = write_front(cr, idx, n, 1, name, front99, err, errlen);
    if (rc)
        return rc;
    struct ipcb_sbuf vars = {0};
    ipcb_chart_path(out, sizeof out, "%s/%s", cr->plots_dir, name);
    ipcb_chart_common_vars(&vars, cr, out, 0);
    ipcb_sbuf_printf(&vars, "; size=%llu; xmin=%.6g; xmax=%.6g; ymin=%.6g; ymax=%.6g; "
                     "ymin99=%.6g; ymax99=%.6g; latency_kind=", (unsigned long long)size,
                     range[0], range[1], range[2], range[3], range[4] <= range[5] ? range[4] : 0,
                     range[5]);
    ipcb_gnuplot_string(&vars, pat->latency_kind);
    ipcb_sbuf_printf(&vars, "; pattern=");
    ipcb_gnuplot_string(&vars, pat->name);
    const char *const files[3] = {points, front50, front99};
    const char *const keys[3] = {"file", "front50", "front99"};
    for (int k = 0; k < 3; k++) {
        ipcb_sbuf_printf(&vars, "; %s=", keys[k]);
        ipcb_gnuplot_string(&vars, files[k]);
    }
    rc = ipcb_chart_plot(cr, "latency_vs_cpu.gp", &vars, out, err, errlen);
    ipcb_sbuf_free(&vars);
    return rc;
}

int ipcb_chart_latency_vs_cpu(struct ipcb_chart_run *cr, char *err, size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    size_t n_pat;
    const struct ipcb_pattern *const *pats = ipcb_patterns(&n_pat);
    size_t *idx = calloc(in->n_rows + 1, sizeof *idx);
    if (!idx) {
        snprintf(err, errlen, "out of memory drawing latency_vs_cpu");
        return -ENOMEM;
    }
    int rc = 0;
    for (size_t p = 0; p < n_pat && rc == 0; p++)
        for (size_t s = 0; s < in->n_sizes && rc == 0; s++)
            rc = chart_one(cr, pats[p], in->sizes[s], idx, err, errlen);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing latency_vs_cpu");
    free(idx);
    return rc;
}
