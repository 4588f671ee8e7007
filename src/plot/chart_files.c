/* The data files, script variables and gnuplot runs of chart_files.h. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sbuf.h"
#include "plot/chart_files.h"
#include "plot/gnuplot.h"

int ipcb_chart_path(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return -ENAMETOOLONG;
    }
    return 0;
}

int ipcb_chart_plot(struct ipcb_chart_run *cr, const char *script, const struct ipcb_sbuf *vars,
                    const char *out, char *err, size_t errlen)
{
    if (ipcb_sbuf_error(vars))
        return -ENOMEM;
    int rc = ipcb_gnuplot_run(cr->scripts, script, vars->s, out, err, errlen);
    if (rc == 0) {
        char **w = realloc(cr->written, (cr->n_written + 1) * sizeof *w);
        if (w) {
            cr->written = w;
            if ((w[cr->n_written] = strdup(out)) != NULL)
                cr->n_written++;
        }
    }
    return rc;
}

FILE *ipcb_chart_open_data(struct ipcb_chart_run *cr, char *path, size_t len, const char *fmt,
                           ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    if (ipcb_chart_path(path, len, "%s/%s", cr->data_dir, name) != 0) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    return fopen(path, "w");
}

int ipcb_chart_close_data(FILE *f, const char *path, char *err, size_t errlen)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s", path);
        return -EIO;
    }
    return 0;
}

void ipcb_chart_common_vars(struct ipcb_sbuf *v, const struct ipcb_chart_run *cr,
                            const char *out, int sizes)
{
    ipcb_sbuf_printf(v, "out=");
    ipcb_gnuplot_string(v, out);
    ipcb_sbuf_printf(v, "; machine=");
    ipcb_gnuplot_string(v, cr->in->machine);
    if (sizes) {
        ipcb_sbuf_printf(v, "; sizes='");
        for (size_t i = 0; i < cr->in->n_sizes; i++)
            ipcb_sbuf_printf(v, "%s%llu", i ? " " : "", (unsigned long long)cr->in->sizes[i]);
        ipcb_sbuf_printf(v, "'");
    }
}

void ipcb_chart_array_vars(struct ipcb_sbuf *v, const struct ipcb_chart_run *cr,
                           const size_t *ids, char (*files)[PATH_MAX], size_t n)
{
    ipcb_sbuf_printf(v, "; array names[%zu] = [", n);
    for (size_t i = 0; i < n; i++) {
        ipcb_sbuf_printf(v, "%s", i ? ", " : "");
        ipcb_gnuplot_string(v, cr->in->transports[ids[i]]);
    }
    ipcb_sbuf_printf(v, "]; array files[%zu] = [", n);
    for (size_t i = 0; i < n; i++) {
        ipcb_sbuf_printf(v, "%s", i ? ", " : "");
        ipcb_gnuplot_string(v, files[i]);
    }
    ipcb_sbuf_printf(v, "]; array ids[%zu] = [", n);
    for (size_t i = 0; i < n; i++)
        ipcb_sbuf_printf(v, "%s%zu", i ? ", " : "", ids[i] + 1);
    ipcb_sbuf_printf(v, "]");
}

void ipcb_chart_remove_old(const char *dir, const char *const *prefixes,
                           const char *const *exts)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        int ours = 0;
        for (size_t i = 0; prefixes[i] && dot; i++)
            if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) == 0)
                for (size_t j = 0; exts[j]; j++)
                    ours |= strcmp(dot, exts[j]) == 0;
        if (ours)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int ipcb_chart_make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        int rc = -errno;
        snprintf(err, errlen, "cannot make %s: %s", path, strerror(-rc));
        return rc;
    }
    return 0;
}

/* memcpy's GiB/s at size: measured there, or between the nearest two sizes
 * measured (on a log scale of size), or the end's beyond them; NAN for none */
static double memcpy_at(const struct ipcb_chart_input *in, uint64_t size)
{
    size_t below = SIZE_MAX, above = SIZE_MAX;
    for (size_t i = 0; i < in->n_memcpy; i++) {
        if (in->memcpy_size[i] <= size &&
            (below == SIZE_MAX || in->memcpy_size[i] > in->memcpy_size[below]))
            below = i;
        if (in->memcpy_size[i] >= size &&
            (above == SIZE_MAX || in->memcpy_size[i] < in->memcpy_size[above]))
            above = i;
    }
    if (below == SIZE_MAX && above == SIZE_MAX)
        return NAN;
    if (below == SIZE_MAX || above == SIZE_MAX || below == above)
        return in->memcpy_gib_s[below == SIZE_MAX ? above : below];
    double lo = log((double)in->memcpy_size[below]), hi = log((double)in->memcpy_size[above]);
    double t = (log((double)size) - lo) / (hi - lo);
    return in->memcpy_gib_s[below] + t * (in->memcpy_gib_s[above] - in->memcpy_gib_s[below]);
}

int ipcb_chart_floor_vars(struct ipcb_chart_run *cr, struct ipcb_sbuf *v, char *err,
                          size_t errlen)
{
    const struct ipcb_chart_input *in = cr->in;
    char path[PATH_MAX];
    if (in->n_memcpy == 0 && !(in->xcpu_gib_s > 0)) {
        ipcb_sbuf_printf(v, "; floor=''");
        return 0;
    }
    FILE *f = ipcb_chart_open_data(cr, path, sizeof path, "floor.dat");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -EIO;
    }
    /* the run's sizes, one line each, in order: the lines cover what was measured */
    for (size_t s = 0; s < in->n_sizes; s++) {
        double m = memcpy_at(in, in->sizes[s]);
        fprintf(f, "%llu", (unsigned long long)in->sizes[s]);
        fprintf(f, m > 0 ? " %.6g" : " ?", m);
        fprintf(f, in->xcpu_gib_s > 0 ? " %.6g\n" : " ?\n", in->xcpu_gib_s);
    }
    int rc = ipcb_chart_close_data(f, path, err, errlen);
    ipcb_sbuf_printf(v, "; floor=");
    ipcb_gnuplot_string(v, path);
    return rc;
}
