/* compare's chart: for each directory after the first, the p50 ratio of
 * each cell as a horizontal bar from 1, drawn by plots/compare.gp. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"
#include "compare/parts.h"
#include "ipcbench/units.h"
#include "output/results_dir.h"
#include "plot/gnuplot.h"

/* the legend entry of a directory: its label and path, the path cut from
 * the left so a long one does not squeeze the chart */
static void legend_name(const struct ipcb_cmp_dir *d, char *buf, size_t len)
{
    const size_t keep = 40;
    size_t n = strlen(d->path);
    if (n <= keep)
        snprintf(buf, len, "%s: %s", d->label, d->path);
    else
        snprintf(buf, len, "%s: ...%s", d->label, d->path + n - keep);
}

/* "; array NAME[n] = ['a', 'b']" */
static void string_array(struct ipcb_sbuf *vars, const char *name, char (*items)[128], size_t n)
{
    ipcb_sbuf_printf(vars, "; array %s[%zu] = [", name, n);
    for (size_t i = 0; i < n; i++) {
        ipcb_sbuf_printf(vars, "%s", i ? ", " : "");
        ipcb_gnuplot_string(vars, items[i]);
    }
    ipcb_sbuf_printf(vars, "]");
}

/* whether some directory after the first has a p50 ratio in cell i */
static int has_ratio(const struct ipcb_comparison *c, size_t i)
{
    const struct ipcb_cmp_cell *cell = &c->cells[i];
    for (size_t d = 1; d < c->n_dirs; d++)
        if (cell->rows[0].ok && cell->rows[d].ok &&
            !isnan(ipcb_cmp_ratio(cell->rows[0].p50.value, cell->rows[d].p50.value)))
            return 1;
    return 0;
}

/* the data file, a line per cell with a ratio, a column per directory after
 * the first; the cells' labels into labels, the range into lo and hi */
static int write_data(const struct ipcb_comparison *c, const char *path, char (*labels)[128],
                      size_t *n, double *lo, double *hi, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -EIO;
    }
    fprintf(f, "# p50 over %s's, a column per directory from %s on; ? for none\n",
            c->dirs[0].label, c->dirs[1].label);
    *n = 0;
    for (size_t i = 0; i < c->n_cells; i++) {
        const struct ipcb_cmp_cell *cell = &c->cells[i];
        if (!has_ratio(c, i))
            continue;
        char size[32];
        ipcb_format_size(cell->size, size, sizeof size);
        snprintf(labels[(*n)++], 128, "%s %s %s", cell->transport, cell->pattern, size);
        for (size_t d = 1; d < c->n_dirs; d++) {
            double r = cell->rows[0].ok && cell->rows[d].ok ?
                ipcb_cmp_ratio(cell->rows[0].p50.value, cell->rows[d].p50.value) : NAN;
            if (isnan(r)) {
                fputs(d > 1 ? " ?" : "?", f);
                continue;
            }
            fprintf(f, d > 1 ? " %.6g" : "%.6g", r);
            *lo = fmin(*lo, r);
            *hi = fmax(*hi, r);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s", path);
        return -EIO;
    }
    return 0;
}

int ipcb_cmp_draw_chart(const struct ipcb_comparison *c, const char *out_dir, char *err,
                        size_t errlen)
{
    char scripts[PATH_MAX], made[PATH_MAX], data[PATH_MAX], out[PATH_MAX];
    size_t n_cells = 0;
    for (size_t i = 0; i < c->n_cells; i++)
        n_cells += has_ratio(c, i);
    if (n_cells == 0) {
        snprintf(err, errlen, "no cell has a p50 in %s and in another directory; "
                 "no chart drawn", c->dirs[0].label);
        return -ENODATA;
    }
    int rc;
    if ((rc = ipcb_gnuplot_check(err, errlen)) != 0 ||
        (rc = ipcb_gnuplot_find_scripts(scripts, sizeof scripts, err, errlen)) != 0)
        return rc;
    if ((size_t)snprintf(data, sizeof data, "%s/data", out_dir) >= sizeof data ||
        (size_t)snprintf(out, sizeof out, "%s/compare", out_dir) >= sizeof out) {
        snprintf(err, errlen, "chart directory name is too long");
        return -EIO;
    }
    if ((rc = ipcb_prepare_outdir(data, made, sizeof made, err, errlen)) != 0) {
        snprintf(err, errlen, "cannot make %s for the chart: %s", data, strerror(-rc));
        return -EIO;
    }
    char (*labels)[128] = calloc(n_cells, sizeof *labels);
    char (*names)[128] = calloc(c->n_dirs, sizeof *names);
    struct ipcb_sbuf vars = {0};
    double lo = INFINITY, hi = 0;
    if (!labels || !names) {
        snprintf(err, errlen, "out of memory drawing the chart");
        rc = -EIO;
        goto out;
    }
    strncat(data, "/compare.dat", sizeof data - strlen(data) - 1);
    if ((rc = write_data(c, data, labels, &n_cells, &lo, &hi, err, errlen)) != 0)
        goto out;
    for (size_t d = 1; d < c->n_dirs; d++)
        legend_name(&c->dirs[d], names[d - 1], sizeof names[0]);
    ipcb_sbuf_printf(&vars, "out=");
    ipcb_gnuplot_string(&vars, out);
    ipcb_sbuf_printf(&vars, "; machine=");
    char subtitle[PATH_MAX + 64];
    snprintf(subtitle, sizeof subtitle, "reference %s: %s", c->dirs[0].label, c->dirs[0].path);
    ipcb_gnuplot_string(&vars, subtitle);
    ipcb_sbuf_printf(&vars, "; reference=");
    ipcb_gnuplot_string(&vars, c->dirs[0].label);
    ipcb_sbuf_printf(&vars, "; file=");
    ipcb_gnuplot_string(&vars, data);
    ipcb_sbuf_printf(&vars, "; ncells=%zu; nothers=%zu; xmin=%.6g; xmax=%.6g; threshold=%.6g",
                     n_cells, c->n_dirs - 1, lo, hi, c->threshold_pct);
    string_array(&vars, "names", names, c->n_dirs - 1);
    string_array(&vars, "cells", labels, n_cells);
    if (ipcb_sbuf_error(&vars)) {
        snprintf(err, errlen, "out of memory drawing the chart");
        rc = -EIO;
        goto out;
    }
    rc = ipcb_gnuplot_run(scripts, "compare.gp", ipcb_sbuf_str(&vars), out, err, errlen);
out:
    ipcb_sbuf_free(&vars);
    free(labels);
    free(names);
    return rc;
}
