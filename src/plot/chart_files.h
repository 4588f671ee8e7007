/* What every chart of charts.c does the same way: the data files it writes
 * into DIR/plots/data/, the variables its gnuplot script takes, and the
 * script's run (chart_files.c). Inside plot/ only. */
#ifndef IPCB_CHART_FILES_H
#define IPCB_CHART_FILES_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "plot/charts.h"

struct ipcb_sbuf;

/* one `ipcbench plot`: its input, where it draws, what it has drawn */
struct ipcb_chart_run {
    const struct ipcb_chart_input *in;
    const char *scripts;
    char plots_dir[PATH_MAX];
    char data_dir[PATH_MAX];
    char **written;             /* chart paths without extension */
    size_t n_written;
    int quiet;
};

/* a path into buf; -ENAMETOOLONG (and an empty buf) when it does not fit */
__attribute__((format(printf, 3, 4)))
int ipcb_chart_path(char *buf, size_t len, const char *fmt, ...);

/* a data file, named by fmt, in the run's data directory: open for
 * writing, its path in path; NULL with errno when it cannot be */
__attribute__((format(printf, 4, 5)))
FILE *ipcb_chart_open_data(struct ipcb_chart_run *cr, char *path, size_t len, const char *fmt,
                           ...);
/* closes f; -EIO (err names path) when anything written to it failed */
int ipcb_chart_close_data(FILE *f, const char *path, char *err, size_t errlen);

/* the variables every script takes: out, machine, and sizes when asked */
void ipcb_chart_common_vars(struct ipcb_sbuf *v, const struct ipcb_chart_run *cr,
                            const char *out, int sizes);
/* names[], files[] and ids[] (the colour of each transport) for n of them */
void ipcb_chart_array_vars(struct ipcb_sbuf *v, const struct ipcb_chart_run *cr,
                           const size_t *ids, char (*files)[PATH_MAX], size_t n);

/* the hardware floor's copies into data/floor.dat, "size_bytes
 * memcpy_gib_s xcpu_gib_s" (? where not measured) at each memcpy size and
 * each size of the run, and "; floor=PATH" into v ('' when the run has no
 * floor); 0 or -EIO with err */
int ipcb_chart_floor_vars(struct ipcb_chart_run *cr, struct ipcb_sbuf *v, char *err,
                          size_t errlen);

/* one chart by its script: drawn, and remembered for the list on stdout;
 * 0, -ENOMEM when vars ran out of memory, or gnuplot's -errno */
int ipcb_chart_plot(struct ipcb_chart_run *cr, const char *script, const struct ipcb_sbuf *vars,
                    const char *out, char *err, size_t errlen);

/* chart_cpu.c: latency_vs_cpu-<pattern>-<size> for every pattern and size
 * with timed rows that have a CPU figure; 0 or -errno with err */
int ipcb_chart_latency_vs_cpu(struct ipcb_chart_run *cr, char *err, size_t errlen);

/* the files in dir whose name begins with one of prefixes and ends in one
 * of exts, removed (NULL-terminated lists) */
void ipcb_chart_remove_old(const char *dir, const char *const *prefixes,
                           const char *const *exts);
/* path made a directory unless it is one; 0 or -errno with err */
int ipcb_chart_make_dir(const char *path, char *err, size_t errlen);

#endif
