/* `ipcbench plot DIR`: charts from a results directory, drawn by gnuplot.
 *
 * gnuplot reads neither quoted CSV nor JSON well, so the reading is ours
 * (common/reader.h); this file turns what it read into the charts' input:
 * the ok rows with their figures, the transports in order, the sizes, a
 * subtitle.
 * charts.c draws them with the scripts gnuplot.c finds. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "common/sbuf.h"
#include "ipcbench/pattern.h"
#include "ipcbench/units.h"
#include "plot/charts.h"
#include "plot/gnuplot.h"
#include "plot/plot.h"

static int add_transport(struct ipcb_chart_input *in, const char *name, size_t *index)
{
    for (size_t i = 0; i < in->n_transports; i++)
        if (strcmp(in->transports[i], name) == 0) {
            *index = i;
            return 0;
        }
    char **t = realloc(in->transports, (in->n_transports + 1) * sizeof *t);
    if (!t)
        return -ENOMEM;
    in->transports = t;
    if (!(t[in->n_transports] = strdup(name)))
        return -ENOMEM;
    *index = in->n_transports++;
    return 0;
}

static int add_size(struct ipcb_chart_input *in, uint64_t size)
{
    size_t i = 0;
    while (i < in->n_sizes && in->sizes[i] < size)
        i++;
    if (i < in->n_sizes && in->sizes[i] == size)
        return 0;
    uint64_t *s = realloc(in->sizes, (in->n_sizes + 1) * sizeof *s);
    if (!s)
        return -ENOMEM;
    in->sizes = s;
    memmove(s + i + 1, s + i, (in->n_sizes - i) * sizeof *s);
    s[i] = size;
    in->n_sizes++;
    return 0;
}

/* row i of the summary into in->rows */
static int take_row(struct ipcb_chart_input *in, const struct ipcb_summary *sum, size_t i,
                    char *err, size_t errlen)
{
    size_t record = sum->rows[i].record;
    const char *pattern = ipcb_summary_field(sum, i, IPCB_COL_PATTERN);
    const char *transport = ipcb_summary_field(sum, i, IPCB_COL_TRANSPORT);
    struct ipcb_chart_row r = {.pattern = ipcb_pattern_of_row(pattern)};
    if (!r.pattern) {
        snprintf(err, errlen, "%s, row %zu: unknown pattern '%s'", sum->source, record,
                 pattern);
        return -EINVAL;
    }
    double size, p50_ns, p99_ns;
    int rc;
    if ((rc = ipcb_summary_number(sum, i, IPCB_COL_SIZE, &size, err, errlen)) != 0 ||
        (rc = ipcb_summary_number(sum, i, IPCB_COL_MSGS_PER_S, &r.msgs_per_s, err,
                                  errlen)) != 0 ||
        (rc = ipcb_summary_number(sum, i, IPCB_COL_MIB_PER_S, &r.mib_per_s, err,
                                  errlen)) != 0)
        return rc;
    if (size < 1 || size > 1e15 || size != floor(size)) {
        snprintf(err, errlen, "%s, row %zu: size_bytes '%s' is not a message size",
                 sum->source, record, ipcb_summary_field(sum, i, IPCB_COL_SIZE));
        return -EINVAL;
    }
    r.size = (uint64_t)size;
    /* an ok row without latency figures is one where nothing was timed; its
     * empty fields are no error, so what the reader says of them is dropped.
     * p99 is empty, too, when fewer than 1000 messages were timed: then the
     * row has a median and no p99 (p99_us 0) */
    char ignored[1];
    if (ipcb_summary_number(sum, i, IPCB_COL_P50_NS, &p50_ns, ignored, sizeof ignored) == 0 &&
        p50_ns > 0) {
        r.timed = 1;
        r.p50_us = p50_ns / 1e3;
        if (ipcb_summary_number(sum, i, IPCB_COL_P99_NS, &p99_ns, ignored, sizeof ignored) == 0)
            r.p99_us = p99_ns / 1e3;
    }
    double ns;
    if (ipcb_summary_number(sum, i, "offered_per_s", &r.offered_per_s, ignored,
                            sizeof ignored) != 0)
        r.offered_per_s = 0;
    if (ipcb_summary_number(sum, i, "p999_ns", &ns, ignored, sizeof ignored) == 0)
        r.p999_us = ns / 1e3;
    if (ipcb_summary_number(sum, i, "p99_uncorrected_ns", &ns, ignored, sizeof ignored) == 0)
        r.p99_uncorrected_us = ns / 1e3;
    double cpu_ns;
    if (ipcb_summary_number(sum, i, IPCB_COL_CPU_NS_PER_MSG, &cpu_ns, ignored,
                            sizeof ignored) == 0)
        r.cpu_us_per_msg = cpu_ns / 1e3;
    if (!*transport) {
        snprintf(err, errlen, "%s, row %zu: empty transport name", sum->source, record);
        return -EINVAL;
    }
    rc = add_transport(in, transport, &r.transport);
    if (rc == 0)
        rc = add_size(in, r.size);
    if (rc == 0) {
        struct ipcb_chart_row *rows = realloc(in->rows, (in->n_rows + 1) * sizeof *rows);
        if (!rows)
            rc = -ENOMEM;
        else
            (in->rows = rows)[in->n_rows++] = r;
    }
    if (rc)
        snprintf(err, errlen, "out of memory reading %s", sum->source);
    return rc;
}

static int read_rows(struct ipcb_chart_input *in, char *err, size_t errlen)
{
    static const char *const columns[] = {
        IPCB_COL_TRANSPORT, IPCB_COL_PATTERN, IPCB_COL_SIZE, IPCB_COL_MSGS_PER_S,
        IPCB_COL_MIB_PER_S, IPCB_COL_P50_NS, IPCB_COL_P99_NS, IPCB_COL_STATUS, NULL,
    };
    struct ipcb_summary sum;
    const struct ipcb_summary_query q = {.dir = in->dir, .required = columns};
    int rc = ipcb_summary_load(&q, &sum, err, errlen);
    if (rc)
        return rc;
    for (size_t i = 0; i < sum.n_rows && rc == 0; i++)
        rc = take_row(in, &sum, i, err, errlen);
    if (rc == 0 && sum.n_columns == 0) {
        snprintf(err, errlen, "%s is empty; nothing to plot", sum.source);
        rc = -EINVAL;
    } else if (rc == 0 && in->n_rows == 0) {
        snprintf(err, errlen, "%s has no rows with status ok; nothing to plot", sum.source);
        rc = -EINVAL;
    }
    ipcb_summary_free(&sum);
    return rc;
}

/* the subtitle: "AMD EPYC (2 cores), Linux 6.1.0 x86_64, 2026-11-24 19:48 UTC" */
static void read_machine(struct ipcb_chart_input *in)
{
    struct ipcb_meta_fields m;
    char err[512];
    int rc = ipcb_meta_read(in->dir, &m, err, sizeof err);
    if (rc == -ENOENT) {
        snprintf(in->machine, sizeof in->machine, "machine not recorded (no meta.json)");
        return;
    }
    if (rc) {
        /* the charts are still worth drawing; the subtitle says what is missing */
        snprintf(in->machine, sizeof in->machine, "machine not recorded (meta.json unreadable)");
        return;
    }
    for (size_t i = 0; i < m.floor.n_memcpy && in->n_memcpy < 8; i++) {
        uint64_t size;
        char why[128];
        if (m.floor.memcpy[i].gib_s > 0 &&
            ipcb_parse_size(m.floor.memcpy[i].size, &size, why, sizeof why) == 0) {
            in->memcpy_size[in->n_memcpy] = size;
            in->memcpy_gib_s[in->n_memcpy++] = m.floor.memcpy[i].gib_s;
        }
    }
    in->xcpu_gib_s = m.floor.present ? m.floor.xcpu_copy_64k_gib_s : NAN;
    char *date = m.date_utc;
    size_t date_len = strlen(date);
    /* 2026-11-24T19:48:15Z -> 2026-11-24 19:48 UTC */
    if (date_len >= 16 && date[10] == 'T' && date[date_len - 1] == 'Z') {
        date[10] = ' ';
        snprintf(date + 16, sizeof m.date_utc - 16, " UTC");
    }
    struct ipcb_sbuf b = {0};
    ipcb_sbuf_printf(&b, "%s", *m.cpu_model ? m.cpu_model : "unknown CPU");
    if (m.cores)
        ipcb_sbuf_printf(&b, " (%d %s)", m.cores, m.cores == 1 ? "core" : "cores");
    if (*m.kernel)
        ipcb_sbuf_printf(&b, ", %s", m.kernel);
    if (*date)
        ipcb_sbuf_printf(&b, ", %s", date);
    if (m.complete == 0)        /* killed, interrupted, or still running */
        ipcb_sbuf_printf(&b, " (incomplete run)");
    snprintf(in->machine, sizeof in->machine, "%s",
             ipcb_sbuf_error(&b) ? m.cpu_model : ipcb_sbuf_str(&b));
    ipcb_sbuf_free(&b);
}

static void free_input(struct ipcb_chart_input *in)
{
    for (size_t i = 0; i < in->n_transports; i++)
        free(in->transports[i]);
    free(in->transports);
    free(in->rows);
    free(in->sizes);
}

int ipcb_plot(const char *dir, const char *scripts_dir, int quiet, char *err, size_t errlen)
{
    struct ipcb_chart_input in = {.dir = dir, .xcpu_gib_s = NAN};
    char scripts[PATH_MAX];
    int rc;
    *err = '\0';

    if ((rc = ipcb_results_dir_check(dir, "plot", err, errlen)) != 0)
        return rc;
    if ((rc = read_rows(&in, err, errlen)) != 0)
        goto out;
    read_machine(&in);
    if ((rc = ipcb_gnuplot_check(err, errlen)) != 0)
        goto out;
    if (scripts_dir)
        snprintf(scripts, sizeof scripts, "%s", scripts_dir);
    else if ((rc = ipcb_gnuplot_find_scripts(scripts, sizeof scripts, err, errlen)) != 0)
        goto out;
    rc = ipcb_charts_draw(&in, scripts, quiet, err, errlen);
out:
    free_input(&in);
    return rc;
}
