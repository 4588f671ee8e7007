/* The output columns, each described once: summary.csv's header and rows,
 * the --json rows, the table on stdout and docs/outputs.md all follow this
 * list, so a new figure is one entry in src/output/columns.c. */
#ifndef IPCBENCH_COLUMNS_H
#define IPCBENCH_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipcbench/results.h"

enum ipcb_column_type {
    IPCB_COLUMN_INTEGER,        /* uint64_t, written plain */
    IPCB_COLUMN_REAL,           /* double, with the column's decimals in the CSV */
    IPCB_COLUMN_TEXT,
};

/* which rows have a value in the column; the others leave it empty */
enum ipcb_column_when {
    IPCB_WHEN_ALWAYS,           /* every row, whatever its status */
    IPCB_WHEN_OK,               /* rows whose status is ok */
    IPCB_WHEN_TIMED,            /* ok rows that timed messages (a latency histogram) */
};

/* how a value reads in the table on stdout */
enum ipcb_column_show {
    IPCB_SHOW_PLAIN,            /* text or integer as it is */
    IPCB_SHOW_SIZE,             /* bytes in binary units: 64, 4k, 1M */
    IPCB_SHOW_NS,               /* nanoseconds in a readable unit: 850 ns, 13.3 us, 1.25 ms */
    IPCB_SHOW_RATE,             /* per second in thousands or millions: 950, 69.1k, 4.20M */
    IPCB_SHOW_FIXED,            /* a real with table.decimals digits */
    IPCB_SHOW_STATUS,           /* the status, with what else the row says: losses, pairs */
};

/* How a cell measured several times (--repeat) makes its row's value in a
 * column from its ok repeats' values (src/run/repeats.c). A repeat without
 * a value in the column (see when, and an empty text) is left out. */
enum ipcb_repeats_rule {
    IPCB_REPEATS_UNSET,         /* no rule: tests/test_repeats.c refuses such a column */
    IPCB_REPEATS_AGREE,         /* the same in every repeat: the first's; a difference fails */
    IPCB_REPEATS_SUM,
    IPCB_REPEATS_MIN,
    IPCB_REPEATS_MAX,
    IPCB_REPEATS_MEDIAN,        /* the median; with ci_offset its interval too */
    IPCB_REPEATS_PER_MESSAGE,   /* the mean weighted by each repeat's messages */
    IPCB_REPEATS_SLOWEST,       /* from the repeat that kept its rate schedule worst */
    IPCB_REPEATS_MERGED,        /* from the repeats' histograms merged */
    IPCB_REPEATS_DERIVED,       /* computed by its getter from the row's other figures */
    IPCB_REPEATS_COUNT,         /* how many repeats were ok */
    IPCB_REPEATS_STATUS,        /* ok when all were, else the failed or first repeat */
};

/* one row's value in one column */
struct ipcb_value {
    uint64_t integer;
    double real;
    const char *text;           /* into the row, or into buf */
    char buf[600];              /* for a text the getter composes ("skipped: " and a reason) */
};

struct ipcb_column {
    const char *name;           /* CSV header and JSON key */
    const char *unit;           /* ns, s, bytes, 1/s, MiB/s, count, text */
    const char *description;    /* one line for docs/outputs.md */
    enum ipcb_column_type type;
    int decimals;               /* reals: digits after the point in the CSV */
    enum ipcb_column_when when;
    /* the value: a field of struct ipcb_result at offset, or get where no
     * field holds it; get sees only rows that pass when, and returns false
     * when the row has no value all the same */
    size_t offset;
    bool (*get)(const struct ipcb_result *r, struct ipcb_value *v);
    /* the other way, for the merge of repeats: a getter's column writes
     * through set, a field's at offset */
    void (*set)(struct ipcb_result *r, const struct ipcb_value *v);
    enum ipcb_repeats_rule repeats;
    /* IPCB_REPEATS_MEDIAN: where a row made of repeats keeps the median and
     * its interval, double[3] (results.h's rep_*); 0 for none. A percentile
     * of such a row is read from there, the others have it in their field. */
    size_t ci_offset;
    /* a latency percentile (is_percentile): read from the row's histogram,
     * and empty when its tail holds fewer than IPCB_TAIL_SAMPLES samples,
     * count x (1 - percentile/100) < 10, where it would only repeat the max */
    bool is_percentile;
    double percentile;
    /* a figure every pair of a --pairs run has too, at pair_offset in
     * struct ipcb_pair_result (same type as the row's) */
    bool in_pairs;
    size_t pair_offset;
    /* the table on stdout puts latency before rates, unlike the CSV, so
     * its columns have their own order */
    struct {
        int place;              /* left to right from 1; 0: not in the table */
        const char *title;
        int width;              /* printf's: negative aligns left, 0 leaves it unpadded */
        enum ipcb_column_show show;
        int decimals;           /* IPCB_SHOW_FIXED */
    } table;
};

#define IPCB_TAIL_SAMPLES 10
#define IPCB_MAX_PERCENTILES 16

/* --percentiles: the latency percentiles to write instead of the default
 * 50, 90, 99, 99.9, 99.99 (50 and 99 are always kept: the table and the
 * charts show them). Each is a column named by ipcb_percentile_name. 0, or
 * -EINVAL with one line in err (out of 0..100, too many). */
int ipcb_columns_use_percentiles(const double *p, size_t n, char *err, size_t errlen);
/* back to the default percentiles */
void ipcb_columns_use_default(void);
/* "p999_ns" for 99.9: the percentile's digits without the point, with a
 * leading 0 below 10 (5 -> p05_ns, 0.1 -> p001_ns), so no two collide */
void ipcb_percentile_name(double p, char *buf, size_t len);
/* timed messages a percentile needs before it has a value */
uint64_t ipcb_percentile_needs(double p);
/* the percentiles of --percentiles p[0..n) with 50 and 99 added, each once,
 * ascending, into want (IPCB_MAX_PERCENTILES at most) and their number *k;
 * 0, or -EINVAL with one line in err for one out of 0-100 or too many */
int ipcb_percentiles_wanted(const double *p, size_t n, double *want, size_t *k, char *err,
                            size_t errlen);

/* the columns in their CSV order; *n gets how many */
const struct ipcb_column *ipcb_columns(size_t *n);
/* the column of that name, NULL when none */
const struct ipcb_column *ipcb_column_find(const char *name);
/* the table's columns, left to right, into out (room for cap); returns how many */
size_t ipcb_table_columns(const struct ipcb_column **out, size_t cap);
/* true and the value in *v when row r has one in column c, false when the
 * field is empty for that row */
bool ipcb_column_get(const struct ipcb_column *c, const struct ipcb_result *r,
                     struct ipcb_value *v);
/* the same for one pair's figures; false for a column that is not per pair,
 * and for a latency a pair did not time */
bool ipcb_column_get_pair(const struct ipcb_column *c, const struct ipcb_pair_result *p,
                          struct ipcb_value *v);
/* writes v as row r's value in column c, by c's setter or at its offset;
 * 0, or -EINVAL for a column that has a getter and no setter */
int ipcb_column_set(const struct ipcb_column *c, struct ipcb_result *r,
                    const struct ipcb_value *v);
/* "added up", "the median", ...: how repeats combine, in words (docs/outputs.md) */
const char *ipcb_column_repeats_text(const struct ipcb_column *c);
/* "never", "status not ok", ...: when the column is empty, in words */
const char *ipcb_column_when_text(const struct ipcb_column *c);

#endif
