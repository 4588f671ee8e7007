/* Reading and writing one column of a result, and the words docs/outputs.md
 * uses for a column's rules: what the writers and the repeat merge call on
 * an entry of the column table (columns.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/columns.h"

/* the value of the column's type at base + offset */
static void read_field(const struct ipcb_column *c, const void *base, size_t offset,
                       struct ipcb_value *v)
{
    const char *at = (const char *)base + offset;
    switch (c->type) {
    case IPCB_COLUMN_INTEGER: memcpy(&v->integer, at, sizeof v->integer); break;
    case IPCB_COLUMN_REAL: memcpy(&v->real, at, sizeof v->real); break;
    case IPCB_COLUMN_TEXT: memcpy(&v->text, at, sizeof v->text); break;
    }
}

bool ipcb_column_get(const struct ipcb_column *c, const struct ipcb_result *r,
                     struct ipcb_value *v)
{
    if (c->when != IPCB_WHEN_ALWAYS && r->status != IPCB_OK)
        return false;
    if (c->when == IPCB_WHEN_TIMED && r->stats.count == 0)
        return false;
    if (c->is_percentile) {
        if (r->stats.count < ipcb_percentile_needs(c->percentile))
            return false;
        /* a row made of repeats reports the median of theirs, where it keeps one */
        if (r->repeats > 1 && c->ci_offset) {
            double median;
            memcpy(&median, (const char *)r + c->ci_offset, sizeof median);
            v->integer = (uint64_t)(median + 0.5);
            return !isnan(median);
        }
        if (r->hist)
            v->integer = ipcb_hist_percentile(r->hist, c->percentile);
        else if (c->offset)
            read_field(c, r, c->offset, v); /* a default column: the row's stats */
        else
            return false;
        return true;
    }
    if (c->get)
        return c->get(r, v);
    read_field(c, r, c->offset, v);
    return true;
}

bool ipcb_column_get_pair(const struct ipcb_column *c, const struct ipcb_pair_result *p,
                          struct ipcb_value *v)
{
    if (!c->in_pairs)
        return false;
    if (c->is_percentile && p->messages < ipcb_percentile_needs(c->percentile))
        return false;
    read_field(c, p, c->pair_offset, v);
    if (c->when != IPCB_WHEN_TIMED)
        return true;
    /* a pair keeps no count of timed messages: its latencies are 0 when it timed none */
    return c->type == IPCB_COLUMN_REAL ? v->real != 0.0 : v->integer != 0;
}

int ipcb_column_set(const struct ipcb_column *c, struct ipcb_result *r,
                    const struct ipcb_value *v)
{
    if (c->set) {
        c->set(r, v);
        return 0;
    }
    if (c->get)
        return -EINVAL;     /* composed from other figures: nothing to write to */
    char *at = (char *)r + c->offset;
    switch (c->type) {
    case IPCB_COLUMN_INTEGER: memcpy(at, &v->integer, sizeof v->integer); break;
    case IPCB_COLUMN_REAL: memcpy(at, &v->real, sizeof v->real); break;
    case IPCB_COLUMN_TEXT: memcpy(at, &v->text, sizeof v->text); break;
    }
    return 0;
}

const char *ipcb_column_repeats_text(const struct ipcb_column *c)
{
    switch (c->repeats) {
    case IPCB_REPEATS_UNSET: return "";
    case IPCB_REPEATS_AGREE: return "the same in every repeat (a difference fails the row)";
    case IPCB_REPEATS_SUM: return "added up";
    case IPCB_REPEATS_MIN: return "the least of the repeats";
    case IPCB_REPEATS_MAX: return "the most of the repeats";
    case IPCB_REPEATS_MEDIAN:
        return c->ci_offset ? "the median, its 95 % interval in the _ci_ columns"
                            : "the median";
    case IPCB_REPEATS_PER_MESSAGE: return "all repeats' CPU time over all their messages";
    case IPCB_REPEATS_SLOWEST: return "from the repeat that kept its schedule worst";
    case IPCB_REPEATS_MERGED: return "from the repeats' histograms merged";
    case IPCB_REPEATS_DERIVED: return "from the merged row's other figures";
    case IPCB_REPEATS_COUNT: return "how many repeats were ok";
    case IPCB_REPEATS_STATUS:
        return "ok when every repeat was; else the failed one, or a first one skipped or "
               "interrupted";
    }
    return "";
}

const char *ipcb_column_when_text(const struct ipcb_column *c)
{
    switch (c->when) {
    case IPCB_WHEN_ALWAYS: return "never";
    case IPCB_WHEN_OK: return "status not ok";
    case IPCB_WHEN_TIMED: return "status not ok, or nothing timed";
    }
    return "";
}
