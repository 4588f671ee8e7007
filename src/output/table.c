/* The table on stdout, one row per measurement as it finishes: the output
 * columns (ipcbench/columns.h) that have a table title, in their order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcbench/columns.h"
#include "ipcbench/results.h"
#include "ipcbench/units.h"
#include "common/reader.h"
#include "output/show.h"

int ipcb_rate_kept(const struct ipcb_result *r)
{
    return r->offered_per_s <= 0 || (r->achieved_per_s >= 0.95 * r->offered_per_s &&
                                     r->behind_max_ns <= IPCB_RATE_BEHIND_MAX_NS);
}

int ipcb_rate_distorted(const struct ipcb_result *r)
{
    return r->offered_per_s > 0 && r->stats.count > 0 &&
           (r->lateness_p50_ns * 10 > r->stats.p50 || r->lateness_p99_ns * 10 > r->stats.p99);
}

const char *ipcb_status_text(const struct ipcb_result *r, char *buf, size_t len)
{
    switch (r->status) {
    case IPCB_OK:
        snprintf(buf, len, "ok");
        if (!ipcb_rate_kept(r)) {
            char offered[32], achieved[32];
            ipcb_format_rate(r->offered_per_s, offered, sizeof offered);
            ipcb_format_rate(r->achieved_per_s, achieved, sizeof achieved);
            if (r->achieved_per_s < 0.95 * r->offered_per_s) {
                snprintf(buf, len, "ok, could not keep %s/s (achieved %s/s)", offered,
                         achieved);
            } else {
                char behind[32];
                ipcb_format_ns(r->behind_max_ns, behind, sizeof behind);
                snprintf(buf, len, "ok, could not keep %s/s (%s behind)", offered, behind);
            }
        } else if (ipcb_rate_distorted(r)) {
            char p50[32], p99[32];
            ipcb_format_ns(r->lateness_p50_ns, p50, sizeof p50);
            ipcb_format_ns(r->lateness_p99_ns, p99, sizeof p99);
            snprintf(buf, len, "ok, producer late (p50 %s, p99 %s): corrected figures "
                     "partly its own", p50, p99);
        }
        break;
    case IPCB_SKIPPED: snprintf(buf, len, "skipped: %s", r->reason); break;
    case IPCB_FAILED: snprintf(buf, len, "failed: %s", r->reason); break;
    case IPCB_INTERRUPTED: snprintf(buf, len, "interrupted: %s", r->reason); break;
    }
    return buf;
}

/* the table's status: in an ok row, what else a reader should know at a glance */
static void status_notes(const struct ipcb_result *r, const char *status, char *buf, size_t len)
{
    snprintf(buf, len, "%s", status);
    if (r->status != IPCB_OK || !ipcb_rate_kept(r))
        return;
    if (r->errors)
        snprintf(buf, len, "ok, %llu lost or reordered", (unsigned long long)r->errors);
    if (r->lost_updates)
        snprintf(buf, len, "ok, %llu updates lost (no lock)",
                 (unsigned long long)r->lost_updates);
    if (r->share_max > 0 && r->procs > 1)
        snprintf(buf + strlen(buf), len - strlen(buf), ", shares %.2f-%.2f", r->share_min,
                 r->share_max);
    if (r->n_pairs)
        snprintf(buf + strlen(buf), len - strlen(buf), ", %zu pairs together", r->n_pairs);
}

/* a present value as the column shows it; r is NULL on a pair's line */
static void show(const struct ipcb_column *c, const struct ipcb_value *v,
                 const struct ipcb_result *r, char *buf, size_t len)
{
    switch (c->table.show) {
    case IPCB_SHOW_PLAIN:
        if (c->type == IPCB_COLUMN_TEXT)
            snprintf(buf, len, "%s", v->text);
        else if (c->type == IPCB_COLUMN_INTEGER)
            snprintf(buf, len, "%llu", (unsigned long long)v->integer);
        else
            snprintf(buf, len, "%g", v->real);
        break;
    case IPCB_SHOW_SIZE: ipcb_format_size(v->integer, buf, len); break;
    case IPCB_SHOW_NS:
        ipcb_format_ns(c->type == IPCB_COLUMN_REAL ? (uint64_t)(v->real + 0.5) : v->integer, buf,
                       len);
        break;
    case IPCB_SHOW_RATE: ipcb_format_rate(v->real, buf, len); break;
    case IPCB_SHOW_FIXED: snprintf(buf, len, "%.*f", c->table.decimals, v->real); break;
    case IPCB_SHOW_STATUS:
        if (r)
            status_notes(r, v->text, buf, len);
        else
            snprintf(buf, len, "%s", v->text);
        break;
    }
}

/* One cell. An unpadded column (the status, free text) stands two spaces
 * from the right-aligned figures before it, the others one. */
static void cell(FILE *f, const struct ipcb_column *c, size_t i, const char *text)
{
    if (i)
        fputs(c->table.width ? " " : "  ", f);
    fprintf(f, "%*s", c->table.width, text);
}

void ipcb_write_table_header(FILE *f)
{
    const struct ipcb_column *cols[64];
    size_t n = ipcb_table_columns(cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < n; i++)
        cell(f, cols[i], i, cols[i]->table.title);
    fputc('\n', f);
}

/* Under a --pairs row, one line per pair: its label in the first column, its
 * own figures in the columns a pair has, blank elsewhere and nothing after
 * the last of them. */
static void pair_line(FILE *f, const struct ipcb_column *const *cols, size_t n, size_t k,
                      const struct ipcb_pair_result *pr)
{
    while (n > 1 && !cols[n - 1]->in_pairs)
        n--;
    for (size_t i = 0; i < n; i++) {
        char text[64] = "";
        struct ipcb_value v;
        if (i == 0)
            snprintf(text, sizeof text, "  pair %zu", k + 1);
        else if (ipcb_column_get_pair(cols[i], pr, &v))
            show(cols[i], &v, NULL, text, sizeof text);
        else if (cols[i]->in_pairs)
            snprintf(text, sizeof text, "-");
        cell(f, cols[i], i, text);
    }
    fputc('\n', f);
}

void ipcb_write_table_row(FILE *f, const struct ipcb_result *r)
{
    const struct ipcb_column *cols[64];
    size_t n = ipcb_table_columns(cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < n; i++) {
        char text[640];
        struct ipcb_value v;
        if (ipcb_column_get(cols[i], r, &v))
            show(cols[i], &v, r, text, sizeof text);
        else
            snprintf(text, sizeof text, "-");
        cell(f, cols[i], i, text);
    }
    fputc('\n', f);
    for (size_t k = 0; k < r->n_pairs; k++)
        pair_line(f, cols, n, k, &r->pairs[k]);
}

int ipcb_show_field(const struct ipcb_column *c, const char *text, char *buf, size_t len)
{
    char *end = NULL;
    double v = text && *text ? strtod(text, &end) : 0;
    int number = end && end != text && *end == '\0' && v >= 0 && v < 1e18;
    if (c->table.show == IPCB_SHOW_PLAIN || c->table.show == IPCB_SHOW_STATUS || !number) {
        snprintf(buf, len, "%s", text && *text ? text : "-");
        return 0;
    }
    uint64_t whole = (uint64_t)(v + 0.5);
    switch (c->table.show) {
    case IPCB_SHOW_SIZE: ipcb_format_size(whole, buf, len); break;
    case IPCB_SHOW_NS: ipcb_format_ns(whole, buf, len); break;
    case IPCB_SHOW_RATE: ipcb_format_rate(v, buf, len); break;
    default: snprintf(buf, len, "%.*f", c->table.decimals, v); break;
    }
    return 1;
}

size_t ipcb_show_columns(const struct ipcb_summary *s, const struct ipcb_column **out,
                         size_t cap)
{
    const struct ipcb_column *all[64];
    size_t n_all = ipcb_table_columns(all, 64), n = 0;
    for (size_t c = 0; c < n_all && n < cap; c++)
        if (ipcb_summary_column(s, all[c]->name) >= 0)
            out[n++] = all[c];
    return n;
}
