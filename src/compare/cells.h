/* The directories of `ipcbench compare`, read and matched: one cell per
 * (transport, pattern, size) found in any of them, holding each
 * directory's row of it. What compare.c, machines.c, cell_table.c and
 * chart.c share. */
#ifndef IPCB_CELLS_H
#define IPCB_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "common/reader.h"
#include "compare/verdict.h"

/* summary.csv's columns of a confidence interval (--repeat); absent in
 * runs without it */
#define IPCB_COL_P50_CI_LOW   "p50_ns_ci_low"
#define IPCB_COL_P50_CI_HIGH  "p50_ns_ci_high"
#define IPCB_COL_RATE_CI_LOW  "msgs_per_s_ci_low"
#define IPCB_COL_RATE_CI_HIGH "msgs_per_s_ci_high"

/* one directory's row of a cell */
struct ipcb_cmp_row {
    int present;                /* the directory has a row for this cell */
    int ok;                     /* and its status is ok */
    char *status;               /* as summary.csv has it; NULL when not present */
    struct ipcb_figure_sample p50;  /* value NAN when the row timed nothing */
    struct ipcb_figure_sample rate; /* msgs/s */
    double p99_ns;              /* NAN when the row timed nothing */
};

struct ipcb_cmp_cell {
    char *transport, *pattern;
    uint64_t size;
    /* its pattern's figure is a latency (pingpong): judged by p50 when both
     * rows have one; else (stream, or a pattern this build does not know)
     * by msgs/s */
    int latency;
    struct ipcb_cmp_row *rows;  /* one per directory, in the order given */
};

struct ipcb_cmp_dir {
    const char *path;           /* as given */
    char label[8];              /* A, B, ... Z, AA, AB ... */
    int have_meta;
    char meta_note[512];        /* why not, when have_meta is 0 */
    struct ipcb_meta_fields meta;
};

struct ipcb_comparison {
    struct ipcb_cmp_dir *dirs;  /* the first is the reference */
    size_t n_dirs;
    struct ipcb_cmp_cell *cells;    /* in order of first appearance, the first directory's first */
    size_t n_cells;
    double threshold_pct;
};

/* Reads every directory's summary.csv (all rows) and meta.json, and
 * matches the rows. 0; -ENOENT, -ENOTDIR or -EINVAL for a directory that
 * is missing or not a results directory, -ENOMEM; err names which. A
 * missing or unreadable meta.json is no error: have_meta says so. */
int ipcb_cmp_load(struct ipcb_comparison *c, char *const *dirs, size_t n_dirs,
                  double threshold_pct, char *err, size_t errlen);
void ipcb_cmp_free(struct ipcb_comparison *c);

/* directory dir's row of cell against the first directory's: 0 with *j and
 * *by_p50 (which figure decided), or -ENODATA when there is no verdict
 * (either row missing or not ok, or the figure absent) */
int ipcb_cmp_judge(const struct ipcb_comparison *c, const struct ipcb_cmp_cell *cell,
                   size_t dir, struct ipcb_judgement *j, int *by_p50);

/* how many rows of directories after the first have verdict v */
size_t ipcb_cmp_count(const struct ipcb_comparison *c, enum ipcb_verdict v);

/* other over ref, NAN unless both are above 0 */
double ipcb_cmp_ratio(double ref, double other);

#endif
