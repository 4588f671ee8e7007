/* The charts of `ipcbench plot`: for each, a few whitespace-separated data
 * files in DIR/plots/data/ (kept, so a chart can be redrawn or restyled by
 * hand) and one gnuplot script run with the paths and titles it needs. A
 * row's pattern says, by its figure, which charts it belongs in. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/reader.h"
#include "common/sbuf.h"
#include "ipcbench/pattern.h"
#include "ipcbench/results.h"
#include "plot/chart_files.h"
#include "plot/charts.h"
#include "plot/gnuplot.h"

/* latency_by_size (p50 and p99 of the latency rows) or throughput_by_size
 * (MiB/s of the throughput rows): one data file per transport that has such
 * rows */
static int chart_by_size(struct ipcb_chart_run *cr, enum ipcb_figure figure, char *err,
                         size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    int latency = figure == IPCB_FIGURE_LATENCY;
    const char *kind = latency ? "latency_by_size" : "throughput_by_size";
    char (*files)[PATH_MAX] = calloc(in->n_transports, sizeof *files);
    size_t *ids = calloc(in->n_transports, sizeof *ids), n = 0;
    struct ipcb_sbuf vars = {0};
    double ymin = INFINITY, ymax = 0;
    int rc = 0;
    if (!files || !ids) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t t = 0; t < in->n_transports && rc == 0; t++) {
        FILE *f = NULL;
        char safe[128];
        ipcb_file_safe_name(in->transports[t], safe, sizeof safe);
        /* rows in size order, as the lines join them */
        for (size_t s = 0; s < in->n_sizes && rc == 0; s++)
            for (size_t i = 0; i < in->n_rows; i++) {
                const struct ipcb_chart_row *r = &in->rows[i];
                if (r->transport != t || r->size != in->sizes[s] ||
                    r->pattern->figure != figure || (latency && !r->timed))
                    continue;
                if (!f && !(f = ipcb_chart_open_data(cr, files[n], PATH_MAX, "%s-%zu-%s.dat",
                                                     kind, t + 1, safe))) {
                    snprintf(err, errlen, "cannot write %s: %s", files[n], strerror(errno));
                    rc = -EIO;
                    break;
                }
                double lo = latency ? r->p50_us : r->mib_per_s;
                double hi = latency ? fmax(r->p50_us, r->p99_us) : r->mib_per_s;
                if (!(lo > 0))
                    break;          /* nothing a log axis can show */
                ymin = fmin(ymin, lo);
                ymax = fmax(ymax, hi);
                if (latency)        /* ? for a p99 too few messages back */
                    fprintf(f, r->p99_us > 0 ? "%llu %.6g %.6g\n" : "%llu %.6g ?\n",
                            (unsigned long long)r->size, r->p50_us, r->p99_us);
                else
                    fprintf(f, "%llu %.6g\n", (unsigned long long)r->size, r->mib_per_s);
                break;
            }
        if (f) {
            if (rc == 0)
                rc = ipcb_chart_close_data(f, files[n], err, errlen);
            else
                fclose(f);
            ids[n++] = t;
        }
    }
    if (rc || n == 0 || ymax <= 0)
        goto out;
    char out[PATH_MAX], script[64];
    ipcb_chart_path(out, sizeof out, "%s/%s", cr->plots_dir, kind);
    snprintf(script, sizeof script, "%s.gp", kind);
    ipcb_chart_common_vars(&vars, cr, out, 1);
    ipcb_sbuf_printf(&vars, "; ymin=%.6g; ymax=%.6g", ymin, ymax);
    ipcb_chart_array_vars(&vars, cr, ids, files, n);
    if ((rc = ipcb_chart_floor_vars(cr, &vars, err, errlen)) == 0)
        rc = ipcb_chart_plot(cr, script, &vars, out, err, errlen);
out:
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing %s", kind);
    ipcb_sbuf_free(&vars);
    free(files);
    free(ids);
    return rc;
}

/* an .hgrm file's percentile lines into "one_over_1_minus_p value_us" lines;
 * the closing 100% line has no finite x and is left out, like HdrHistogram's
 * own plotter does. Returns the points written, or the reader's -errno. */
static long hgrm_to_data(const char *hgrm, FILE *out, double *xmax, double *ymin,
                         double *ymax)
{
    struct ipcb_hgrm h;
    int rc = ipcb_hgrm_read(hgrm, &h);
    if (rc)
        return rc;
    long points = 0;
    for (size_t i = 0; i < h.n_points; i++) {
        double x = h.points[i].one_over_1_minus_p, value = h.points[i].value;
        if (!isfinite(x) || x < 1 || !(value > 0))
            continue;
        fprintf(out, "%.6g %.6g\n", x, value);
        *xmax = fmax(*xmax, x);
        *ymin = fmin(*ymin, value);
        *ymax = fmax(*ymax, value);
        points++;
    }
    ipcb_hgrm_free(&h);
    return points;
}

static int chart_percentiles(struct ipcb_chart_run *cr, uint64_t size, char *err, size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    char (*files)[PATH_MAX] = calloc(in->n_transports, sizeof *files);
    size_t *ids = calloc(in->n_transports, sizeof *ids), n = 0;
    struct ipcb_sbuf vars = {0};
    double xmax = 1, ymin = INFINITY, ymax = 0;
    int rc = 0;
    if (!files || !ids) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < in->n_rows && rc == 0; i++) {
        const struct ipcb_chart_row *r = &in->rows[i];
        const char *name = in->transports[r->transport];
        if (r->pattern->figure != IPCB_FIGURE_LATENCY || !r->timed || r->size != size)
            continue;
        char hgrm[PATH_MAX], safe[128];
        ipcb_file_safe_name(name, safe, sizeof safe);
        int named = ipcb_hgrm_path(in->dir, name, r->pattern->name, size, hgrm, sizeof hgrm);
        FILE *f = ipcb_chart_open_data(cr, files[n], PATH_MAX, "percentiles-%llu-%zu-%s.dat",
                                       (unsigned long long)size, r->transport + 1, safe);
        if (!f) {
            snprintf(err, errlen, "cannot write %s: %s", files[n], strerror(errno));
            rc = -EIO;
            break;
        }
        long points = named ? named : hgrm_to_data(hgrm, f, &xmax, &ymin, &ymax);
        rc = ipcb_chart_close_data(f, files[n], err, errlen);
        if (rc == 0 && points == -ENOMEM)
            rc = -ENOMEM;
        if (rc == 0 && points <= 0) {
            char why[128] = "has no percentile lines";
            if (points == -ENOENT)
                snprintf(why, sizeof why, "is missing");
            else if (points < 0)
                snprintf(why, sizeof why, "cannot be read (%s)", strerror((int)-points));
            if (!cr->quiet)
                fprintf(stderr, "ipcbench: %s %s; %s left out of the percentile chart\n",
                        hgrm, why, name);
            unlink(files[n]);
            continue;
        }
        ids[n++] = r->transport;
    }
    if (rc || n == 0)
        goto out;
    char out[PATH_MAX];
    ipcb_chart_path(out, sizeof out, "%s/percentiles-%llu", cr->plots_dir,
                    (unsigned long long)size);
    ipcb_chart_common_vars(&vars, cr, out, 0);
    ipcb_sbuf_printf(&vars, "; size=%llu; xmax=%.6g; ymin=%.6g; ymax=%.6g",
                     (unsigned long long)size, xmax, ymin, ymax);
    ipcb_chart_array_vars(&vars, cr, ids, files, n);
    rc = ipcb_chart_plot(cr, "percentiles.gp", &vars, out, err, errlen);
out:
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing the percentile chart");
    ipcb_sbuf_free(&vars);
    free(files);
    free(ids);
    return rc;
}

/* one figure of a bar group, or ? when there is none; min and max follow it */
static void put_figure(FILE *f, double v, double *min, double *max)
{
    if (v > 0) {
        fprintf(f, " %.6g", v);
        *min = fmin(*min, v);
        *max = fmax(*max, v);
    } else {
        fputs(" ?", f);
    }
}

/* one row per transport measured at this size, "name" p50_us p99_us
 * latency_msgs_per_s throughput_msgs_per_s latency_cpu_us throughput_cpu_us,
 * ? for missing: the figures of its latency row and of its throughput row */
static int chart_bars(struct ipcb_chart_run *cr, uint64_t size, char *err, size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    char path[PATH_MAX];
    FILE *f = ipcb_chart_open_data(cr, path, sizeof path, "bars-%llu.dat",
                                   (unsigned long long)size);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -EIO;
    }
    size_t n = 0;
    double latency_min = INFINITY, latency_max = 0, rate_min = INFINITY, rate_max = 0;
    double cpu_min = INFINITY, cpu_max = 0;
    for (size_t t = 0; t < in->n_transports; t++) {
        const struct ipcb_chart_row *lat = NULL, *thr = NULL;
        for (size_t i = 0; i < in->n_rows; i++) {
            const struct ipcb_chart_row *r = &in->rows[i];
            if (r->transport == t && r->size == size && r->pattern->figure != IPCB_FIGURE_LOAD)
                *(r->pattern->figure == IPCB_FIGURE_LATENCY ? &lat : &thr) = r;
        }
        if (!lat && !thr)
            continue;
        fputc('"', f);
        for (const char *c = in->transports[t]; *c; c++)
            fputc(*c == '"' ? '\'' : (unsigned char)*c < 0x20 ? ' ' : *c, f);
        fputc('"', f);
        if (lat && lat->timed) {
            fprintf(f, lat->p99_us > 0 ? " %.6g %.6g" : " %.6g ?", lat->p50_us, lat->p99_us);
            latency_min = fmin(latency_min, lat->p50_us);
            latency_max = fmax(latency_max, fmax(lat->p50_us, lat->p99_us));
        } else {
            fputs(" ? ?", f);
        }
        const struct ipcb_chart_row *rates[2] = {lat, thr};
        for (int k = 0; k < 2; k++)
            put_figure(f, rates[k] ? rates[k]->msgs_per_s : 0, &rate_min, &rate_max);
        /* what each message cost in CPU, beside what it took in time */
        for (int k = 0; k < 2; k++)
            put_figure(f, rates[k] ? rates[k]->cpu_us_per_msg : 0, &cpu_min, &cpu_max);
        fputc('\n', f);
        n++;
    }
    int rc = ipcb_chart_close_data(f, path, err, errlen);
    if (rc || n == 0 || rate_max <= 0)
        return rc;
    if (latency_max <= 0)
        latency_min = 0;            /* no latency here: the script leaves out that panel */
    if (cpu_max <= 0)
        cpu_min = 0;                /* no CPU figures (an older run): nor that one */
    char out[PATH_MAX];
    ipcb_chart_path(out, sizeof out, "%s/bars-%llu", cr->plots_dir, (unsigned long long)size);
    struct ipcb_sbuf vars = {0};
    ipcb_chart_common_vars(&vars, cr, out, 0);
    ipcb_sbuf_printf(&vars, "; size=%llu; ntransports=%zu; latency_min=%.6g; "
                     "latency_max=%.6g; rate_min=%.6g; rate_max=%.6g; cpu_min=%.6g; "
                     "cpu_max=%.6g; file=", (unsigned long long)size, n, latency_min,
                     latency_max, rate_min, rate_max, cpu_min, cpu_max);
    ipcb_gnuplot_string(&vars, path);
    rc = ipcb_chart_plot(cr, "bars.gp", &vars, out, err, errlen);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing the bar chart");
    ipcb_sbuf_free(&vars);
    return rc;
}

/* one transport's rate rows at one size into its data file, by offered
 * rate: "offered p50 p99 p99.9 p99_uncorrected" (µs, ? when missing);
 * order is scratch for n_rows indices. 0 when it has none, 1 when written. */
static int load_data(struct ipcb_chart_run *cr, size_t t, uint64_t size, size_t *order,
                     char *file, double range[4], char *err, size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    size_t k = 0;
    for (size_t i = 0; i < in->n_rows; i++) {
        const struct ipcb_chart_row *r = &in->rows[i];
        if (r->transport != t || r->size != size || r->pattern->figure != IPCB_FIGURE_LOAD ||
            !r->timed || !(r->offered_per_s > 0) || !(r->p50_us > 0))
            continue;
        size_t j = k++;
        for (; j > 0 && in->rows[order[j - 1]].offered_per_s > r->offered_per_s; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    if (k == 0)
        return 0;
    char safe[128];
    ipcb_file_safe_name(in->transports[t], safe, sizeof safe);
    FILE *f = ipcb_chart_open_data(cr, file, PATH_MAX, "latency_vs_load-%llu-%zu-%s.dat",
                                   (unsigned long long)size, t + 1, safe);
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", file, strerror(errno));
        return -EIO;
    }
    for (size_t j = 0; j < k; j++) {
        const struct ipcb_chart_row *r = &in->rows[order[j]];
        double v[4] = {r->p50_us, r->p99_us, r->p999_us, r->p99_uncorrected_us};
        range[0] = fmin(range[0], r->offered_per_s);
        range[1] = fmax(range[1], r->offered_per_s);
        fprintf(f, "%.6g", r->offered_per_s);
        for (size_t m = 0; m < 4; m++)
            put_figure(f, v[m], &range[2], &range[3]);
        fputc('\n', f);
    }
    int rc = ipcb_chart_close_data(f, file, err, errlen);
    return rc ? rc : 1;
}

/* latency_vs_load-<size>: each transport's rate rows at this size against
 * the offered rate, when there are any */
static int chart_load(struct ipcb_chart_run *cr, uint64_t size, char *err, size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    char (*files)[PATH_MAX] = calloc(in->n_transports, sizeof *files);
    size_t *ids = calloc(in->n_transports, sizeof *ids);
    size_t *order = calloc(in->n_rows + 1, sizeof *order);
    struct ipcb_sbuf vars = {0};
    double range[4] = {INFINITY, 0, INFINITY, 0};   /* x min, max; y min, max */
    size_t n = 0;
    int rc = files && ids && order ? 0 : -ENOMEM;
    for (size_t t = 0; t < in->n_transports && rc == 0; t++) {
        rc = load_data(cr, t, size, order, files[n], range, err, errlen);
        if (rc == 1) {
            ids[n++] = t;
            rc = 0;
        }
    }
    if (rc == 0 && n > 0 && range[3] > 0) {
        char out[PATH_MAX];
        ipcb_chart_path(out, sizeof out, "%s/latency_vs_load-%llu", cr->plots_dir,
                        (unsigned long long)size);
        ipcb_chart_common_vars(&vars, cr, out, 0);
        ipcb_sbuf_printf(&vars, "; size=%llu; xmin=%.6g; xmax=%.6g; ymin=%.6g; ymax=%.6g",
                         (unsigned long long)size, range[0], range[1], range[2], range[3]);
        ipcb_chart_array_vars(&vars, cr, ids, files, n);
        rc = ipcb_chart_plot(cr, "latency_vs_load.gp", &vars, out, err, errlen);
        ipcb_sbuf_free(&vars);
    }
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory drawing latency_vs_load");
    free(order);
    free(ids);
    free(files);
    return rc;
}


int ipcb_charts_draw(const struct ipcb_chart_input *in, const char *scripts_dir, int quiet,
                     char *err, size_t errlen)
{
    struct ipcb_chart_run cr = {.in = in, .scripts = scripts_dir, .quiet = quiet};
    int rc;
    if (ipcb_chart_path(cr.plots_dir, sizeof cr.plots_dir, "%s/plots", in->dir) != 0 ||
        ipcb_chart_path(cr.data_dir, sizeof cr.data_dir, "%s/plots/data", in->dir) != 0) {
        snprintf(err, errlen, "results directory name is too long");
        return -ENAMETOOLONG;
    }
    if ((rc = ipcb_chart_make_dir(cr.plots_dir, err, errlen)) != 0 ||
        (rc = ipcb_chart_make_dir(cr.data_dir, err, errlen)) != 0)
        return rc;
    static const char *const charts[] = {"latency_by_size.", "throughput_by_size.",
                                         "percentiles-", "bars-", "latency_vs_load-",
                                         "latency_vs_cpu-", NULL};
    static const char *const images[] = {".png", ".svg", NULL};
    static const char *const all[] = {"", NULL};
    static const char *const dat[] = {".dat", NULL};
    /* charts and data files of an earlier `plot` of this directory go first,
     * so none is left over from a size or transport no longer in summary.csv */
    ipcb_chart_remove_old(cr.plots_dir, charts, images);
    ipcb_chart_remove_old(cr.data_dir, all, dat);

    if ((rc = chart_by_size(&cr, IPCB_FIGURE_LATENCY, err, errlen)) == 0)
        rc = chart_by_size(&cr, IPCB_FIGURE_THROUGHPUT, err, errlen);
    for (size_t s = 0; s < in->n_sizes && rc == 0; s++)
        rc = chart_percentiles(&cr, in->sizes[s], err, errlen);
    for (size_t s = 0; s < in->n_sizes && rc == 0; s++)
        rc = chart_bars(&cr, in->sizes[s], err, errlen);
    for (size_t s = 0; s < in->n_sizes && rc == 0; s++)
        rc = chart_load(&cr, in->sizes[s], err, errlen);
    if (rc == 0)
        rc = ipcb_chart_latency_vs_cpu(&cr, err, errlen);
    if (rc == 0 && !quiet) {
        for (size_t i = 0; i < cr.n_written; i++)
            printf("%s.png\n%s.svg\n", cr.written[i], cr.written[i]);
        printf("(chart data in %s/)\n", cr.data_dir);
    }
    for (size_t i = 0; i < cr.n_written; i++)
        free(cr.written[i]);
    free(cr.written);
    /* out of memory half way through is a failed plot, not bad input */
    return rc == -ENOMEM ? -EIO : rc;
}
