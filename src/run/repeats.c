/* --repeat: the repeat collector keeps each cell's measurements until its
 * last round; the merge then makes the cell's row from them one output
 * column at a time, each column saying how its repeats combine
 * (ipcbench/columns.h), so a new column needs no code here. */
#include "run/repeats.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcbench/columns.h"
#include "measure/confidence.h"

int ipcb_repeats_init(struct ipcb_repeats *rs, size_t n_cells, size_t rounds)
{
    *rs = (struct ipcb_repeats){.n_cells = n_cells, .rounds = rounds};
    rs->reps = calloc(n_cells * rounds, sizeof *rs->reps);
    rs->done = calloc(n_cells, sizeof *rs->done);
    rs->emitted = calloc(n_cells, 1);
    if (!rs->reps || !rs->done || !rs->emitted) {
        ipcb_repeats_free(rs);
        return -ENOMEM;
    }
    return 0;
}

void ipcb_repeats_free(struct ipcb_repeats *rs)
{
    free(rs->reps);
    free(rs->done);
    free(rs->emitted);
    *rs = (struct ipcb_repeats){0};
}

struct ipcb_result *ipcb_repeats_slot(struct ipcb_repeats *rs, size_t cell, size_t round)
{
    struct ipcb_result *first = &rs->reps[cell * rs->rounds];
    if (round > 0 && first->status != IPCB_OK)
        return NULL;    /* skipped or failed: once is enough */
    return &first[round];
}

void ipcb_repeats_done(struct ipcb_repeats *rs, size_t cell, size_t round)
{
    rs->reps[cell * rs->rounds + round].round = round + 1;
    rs->done[cell]++;
}

int ipcb_repeats_pending(const struct ipcb_repeats *rs, size_t cell)
{
    return rs->done[cell] && !rs->emitted[cell];
}

void ipcb_repeats_emit(struct ipcb_repeats *rs, size_t cell, struct ipcb_result *row)
{
    ipcb_aggregate_repeats(row, &rs->reps[cell * rs->rounds], rs->done[cell]);
    rs->emitted[cell] = 1;
}

/* what the merge of one cell looks at */
struct merge {
    const struct ipcb_result *reps;
    size_t n;
    size_t ok;          /* repeats whose status is ok */
    size_t slowest;     /* the ok repeat that kept its rate schedule worst */
};

/* true and the value when repeat r has one in column c; an empty text is
 * none, as it is in the CSV */
static bool value_of(const struct ipcb_column *c, const struct ipcb_result *r,
                     struct ipcb_value *v)
{
    if (r->status != IPCB_OK || !ipcb_column_get(c, r, v))
        return false;
    return c->type != IPCB_COLUMN_TEXT || (v->text && v->text[0]);
}

static double as_real(const struct ipcb_column *c, const struct ipcb_value *v)
{
    return c->type == IPCB_COLUMN_INTEGER ? (double)v->integer : v->real;
}

static void format_value(const struct ipcb_column *c, const struct ipcb_value *v, char *buf,
                         size_t len)
{
    switch (c->type) {
    case IPCB_COLUMN_INTEGER: snprintf(buf, len, "%llu", (unsigned long long)v->integer); break;
    case IPCB_COLUMN_REAL: snprintf(buf, len, "%g", v->real); break;
    case IPCB_COLUMN_TEXT: snprintf(buf, len, "%.60s", v->text); break;
    }
}

/* IPCB_REPEATS_AGREE: the first value the repeats have, into the row; 0, or
 * -EINVAL with the row failed when a later one differs (a driver that
 * measured two different things as one cell) */
static int agree(const struct ipcb_column *c, const struct merge *m, struct ipcb_result *row)
{
    struct ipcb_value first, v;
    size_t at = m->n;
    for (size_t i = 0; i < m->n; i++) {
        if (!value_of(c, &m->reps[i], at == m->n ? &first : &v))
            continue;
        if (at == m->n) {
            at = i;
            continue;
        }
        bool same = c->type == IPCB_COLUMN_TEXT ? strcmp(first.text, v.text) == 0
                    : c->type == IPCB_COLUMN_INTEGER ? first.integer == v.integer
                                                     : first.real == v.real;
        if (!same) {
            char a[64], b[64];
            format_value(c, &first, a, sizeof a);
            format_value(c, &v, b, sizeof b);
            row->status = IPCB_FAILED;
            snprintf(row->reason, sizeof row->reason,
                     "the repeats differ in %s: %s in repeat %zu, %s in repeat %zu", c->name,
                     a, at + 1, b, i + 1);
            return -EINVAL;
        }
    }
    if (at < m->n)
        ipcb_column_set(c, row, &first);
    return 0;
}

/* IPCB_REPEATS_MEDIAN: the median of k values, and its interval where the
 * column keeps one (NaN there when no repeat had a value) */
static void median(const struct ipcb_column *c, const double *values, size_t k,
                   struct ipcb_value *out, struct ipcb_result *row)
{
    struct ipcb_ci ci = {.median = NAN, .low = NAN, .high = NAN};
    if (k && ipcb_median_ci(values, k, &ci) == 0)
        row->ci_coverage = ci.coverage;
    if (c->ci_offset)
        memcpy((char *)row + c->ci_offset, (double[3]){ci.median, ci.low, ci.high},
               sizeof(double[3]));
    out->real = ci.median;
    out->integer = k ? (uint64_t)(ci.median + 0.5) : 0;
}

/* the sum, least, most, median or per-message mean of the ok repeats'
 * values in column c, into the row */
static void combine(const struct ipcb_column *c, const struct merge *m, struct ipcb_result *row)
{
    double values[IPCB_CI_MAX];
    struct ipcb_value v, acc = {0};
    size_t k = 0;
    double weighted = 0.0, messages = 0.0;
    for (size_t i = 0; i < m->n && k < IPCB_CI_MAX; i++) {
        if (!value_of(c, &m->reps[i], &v))
            continue;
        double x = as_real(c, &v);
        values[k] = x;
        weighted += x * (double)m->reps[i].messages;
        messages += (double)m->reps[i].messages;
        if (k++ == 0 || (c->repeats == IPCB_REPEATS_MIN && x < as_real(c, &acc)) ||
            (c->repeats == IPCB_REPEATS_MAX && x > as_real(c, &acc))) {
            acc = v;
        } else if (c->repeats == IPCB_REPEATS_SUM) {
            acc.integer += v.integer;   /* the column's type reads one of the two */
            acc.real += v.real;
        }
    }
    if (c->repeats == IPCB_REPEATS_MEDIAN)
        median(c, values, k, &acc, row);
    else if (k == 0)
        return;                         /* no value in any repeat: none in the row */
    if (c->repeats == IPCB_REPEATS_PER_MESSAGE)
        acc.real = messages > 0 ? weighted / messages : 0.0;
    /* a percentile's field holds the merged histogram's; its median is at ci_offset */
    if (!c->is_percentile && k)
        ipcb_column_set(c, row, &acc);
}

/* the row's value in column c from the repeats; 0, or -EINVAL when they
 * disagree where they must not */
static int merge_column(const struct ipcb_column *c, const struct merge *m,
                        struct ipcb_result *row)
{
    struct ipcb_value v = {0};
    switch (c->repeats) {
    case IPCB_REPEATS_AGREE:
        return agree(c, m, row);
    case IPCB_REPEATS_SUM:
    case IPCB_REPEATS_MIN:
    case IPCB_REPEATS_MAX:
    case IPCB_REPEATS_MEDIAN:
    case IPCB_REPEATS_PER_MESSAGE:
        combine(c, m, row);
        return 0;
    case IPCB_REPEATS_SLOWEST:
        if (value_of(c, &m->reps[m->slowest], &v))
            ipcb_column_set(c, row, &v);
        return 0;
    case IPCB_REPEATS_COUNT:
        v.integer = m->ok;
        v.real = (double)m->ok;
        ipcb_column_set(c, row, &v);
        return 0;
    case IPCB_REPEATS_UNSET:        /* refused by tests/test_output.c */
    case IPCB_REPEATS_MERGED:       /* the row's histograms, merged before */
    case IPCB_REPEATS_DERIVED:      /* its getter reads the merged figures */
    case IPCB_REPEATS_STATUS:       /* decided before */
        return 0;
    }
    return 0;
}

/* IPCB_REPEATS_SLOWEST: the ok repeat whose producer kept its schedule
 * worst, the lowest achieved over offered, so that the row's offered,
 * achieved and maximum are one measurement's; the first ok repeat when
 * none had a schedule */
static size_t slowest_repeat(const struct ipcb_result *reps, size_t n)
{
    size_t at = n;
    double worst = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (reps[i].status != IPCB_OK)
            continue;
        double pace = reps[i].offered_per_s > 0 ? reps[i].achieved_per_s / reps[i].offered_per_s
                                                : INFINITY;
        if (at == n || pace < worst) {
            at = i;
            worst = pace;
        }
    }
    return at;
}

/* the ok repeats' histograms (one of the two per repeat, at offset) as one,
 * and its figures into stats; NULL when they hold nothing */
static struct ipcb_hist *merge_hists(const struct ipcb_result *reps, size_t n, size_t offset,
                                     struct ipcb_hist_stats *stats)
{
    struct ipcb_hist *merged = malloc(sizeof *merged);
    memset(stats, 0, sizeof *stats);
    if (!merged)
        return NULL;
    ipcb_hist_init(merged);
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_hist *h;
        memcpy(&h, (const char *)&reps[i] + offset, sizeof h);
        if (reps[i].status == IPCB_OK && h)
            ipcb_hist_merge(merged, h);
    }
    if (!merged->total) {
        free(merged);
        return NULL;
    }
    ipcb_hist_stats(merged, stats);
    return merged;
}

/* every repeat was ok, or interrupted after the first: the row from the ok ones */
static void merge_ok(struct ipcb_result *row, const struct ipcb_result *reps, size_t n)
{
    struct merge m = {.reps = reps, .n = n, .slowest = slowest_repeat(reps, n)};
    for (size_t i = 0; i < n; i++)
        m.ok += reps[i].status == IPCB_OK;
    row->hist = merge_hists(reps, n, offsetof(struct ipcb_result, hist), &row->stats);
    row->hist_uncorrected = merge_hists(reps, n, offsetof(struct ipcb_result, hist_uncorrected),
                                        &row->stats_uncorrected);
    /* every column's rule; the row's own repeats count first, which the
     * getters of a row made of repeats go by */
    row->repeats = m.ok;
    size_t n_columns;
    const struct ipcb_column *cols = ipcb_columns(&n_columns);
    for (size_t c = 0; c < n_columns; c++) {
        if (merge_column(&cols[c], &m, row) != 0) {
            free(row->hist);
            free(row->hist_uncorrected);
            row->hist = row->hist_uncorrected = NULL;
            return;
        }
    }
}

void ipcb_aggregate_repeats(struct ipcb_result *row, struct ipcb_result *reps, size_t n)
{
    if (n == 0) {
        *row = (struct ipcb_result){.status = IPCB_FAILED, .reason = "no measurement"};
        return;
    }
    /* a failure anywhere fails the row; a first repeat that did not finish
     * (skipped, interrupted) is the row; a later one that was interrupted
     * leaves the row to those before it */
    size_t decides = n;
    for (size_t i = 0; i < n && decides == n; i++)
        if (reps[i].status == IPCB_FAILED)
            decides = i;
    if (decides == n && reps[0].status != IPCB_OK)
        decides = 0;
    /* the row starts as the repeat that decides it, or as the first: each
     * column's rule then gives it its value */
    *row = reps[decides < n ? decides : 0];
    row->hist = row->hist_uncorrected = NULL;
    row->pairs = NULL;
    row->n_pairs = 0;
    row->round = 0;
    if (decides == n)
        merge_ok(row, reps, n);
    for (size_t i = 0; i < n; i++) {
        free(reps[i].hist);
        free(reps[i].hist_uncorrected);
        free(reps[i].pairs);
        reps[i].hist = reps[i].hist_uncorrected = NULL;
        reps[i].pairs = NULL;
    }
}
