/* The results on the report page (page.h): the summary table and the
 * warnings about its rows. Every text that comes from the results directory
 * goes through ipcb_html_text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcbench/columns.h"
#include "ipcbench/pattern.h"
#include "ipcbench/units.h"
#include "output/show.h"
#include "report/html.h"
#include "report/page.h"

#define FEW_MESSAGES 1000       /* fewer timed messages than this: a warning */
#define TAIL_SAMPLES 10         /* a percentile with fewer beyond it: a warning */
#define MAX_PERCENTILES 16      /* percentile columns looked at */

double ipcb_report_percentile(const char *column)
{
    size_t digits = strspn(column + (column[0] == 'p'), "0123456789");
    if (column[0] != 'p' || digits < 2 || strcmp(column + 1 + digits, "_ns") != 0)
        return 0;
    char fraction[32];
    snprintf(fraction, sizeof fraction, "0.%.*s", (int)digits, column + 1);
    return strtod(fraction, NULL);
}

/* "p999_ns" as people write it: "p99.9" */
static void percentile_label(const char *column, char *buf, size_t len)
{
    size_t digits = strspn(column + 1, "0123456789");
    if (digits > 2)
        snprintf(buf, len, "p%.2s.%.*s", column + 1, (int)(digits - 2), column + 3);
    else
        snprintf(buf, len, "p%.*s", (int)digits, column + 1);
}

/* the row's field as a number; 0 when it is one */
static int number(const struct ipcb_summary *s, size_t row, const char *column, double *v)
{
    char ignored[1];
    return ipcb_summary_number(s, row, column, v, ignored, sizeof ignored);
}

const char *ipcb_page_field(const struct ipcb_summary *s, size_t row, const char *column)
{
    const char *v = ipcb_summary_field(s, row, column);
    return v ? v : "";
}

/* whether fewer than TAIL_SAMPLES of the messages lie beyond percentile p */
static int thin_tail(double messages, double p)
{
    return p > 0 && messages * (1 - p) < TAIL_SAMPLES;
}

/* ---- the summary table ---- */

/* "pipe pingpong 4k": which measurement a row is */
static void row_name(struct ipcb_sbuf *b, const struct ipcb_summary *s, size_t row)
{
    double size;
    char text[32];
    if (number(s, row, IPCB_COL_SIZE, &size) == 0 && size < 1e18)
        ipcb_format_size((uint64_t)size, text, sizeof text);
    else
        snprintf(text, sizeof text, "%.31s", ipcb_page_field(s, row, IPCB_COL_SIZE));
    ipcb_html_textf(b, "%s %s %s", ipcb_page_field(s, row, IPCB_COL_TRANSPORT),
                    ipcb_page_field(s, row, IPCB_COL_PATTERN), text);
}

/* the status as the text table shows it: losses and pairs after an ok */
static void status_cell(struct ipcb_sbuf *b, const struct ipcb_report_input *in, size_t row)
{
    const char *status = ipcb_page_field(&in->summary, row, IPCB_COL_STATUS);
    int ok = ipcb_status_ok(status);
    double errors;
    ipcb_sbuf_printf(b, "<td class=\"text status%s\">", ok ? " ok" : "");
    ipcb_html_text(b, status);
    if (ok && number(&in->summary, row, IPCB_COL_ERRORS, &errors) == 0 && errors > 0)
        ipcb_sbuf_printf(b, ", %.0f lost or reordered", errors);
    if (ok && in->meta.pairs > 1)
        ipcb_sbuf_printf(b, ", %lld pairs together", in->meta.pairs);
    ipcb_sbuf_printf(b, "</td>");
}

static void cell(struct ipcb_sbuf *b, const struct ipcb_report_input *in, size_t row,
                 const struct ipcb_column *c)
{
    const struct ipcb_summary *s = &in->summary;
    const char *text = ipcb_page_field(s, row, c->name);
    char shown[640];
    double messages;
    if (c->table.show == IPCB_SHOW_STATUS) {
        status_cell(b, in, row);
        return;
    }
    if (!ipcb_show_field(c, text, shown, sizeof shown)) {
        ipcb_sbuf_printf(b, "<td%s>", c->table.show == IPCB_SHOW_PLAIN ? " class=\"text\"" : "");
        ipcb_html_text(b, shown);
        ipcb_sbuf_printf(b, "</td>");
        return;
    }
    double p = ipcb_report_percentile(c->name);
    if (number(s, row, IPCB_COL_MESSAGES, &messages) == 0 && thin_tail(messages, p))
        ipcb_sbuf_printf(b, "<td class=\"thin\" title=\"fewer than %d messages beyond this "
                            "percentile: see the warnings\">%s</td>", TAIL_SAMPLES, shown);
    else
        ipcb_sbuf_printf(b, "<td>%s</td>", shown);
}

/* what each pattern of the table measures, from the pattern registry */
static void pattern_notes(struct ipcb_sbuf *b, const struct ipcb_summary *s)
{
    size_t n_all;
    const struct ipcb_pattern *const *all = ipcb_patterns(&n_all);
    for (size_t k = 0; k < n_all; k++) {
        size_t i = 0;
        while (i < s->n_rows && strcmp(ipcb_page_field(s, i, IPCB_COL_PATTERN), all[k]->name) != 0)
            i++;
        if (i == s->n_rows)
            continue;
        ipcb_sbuf_printf(b, "<p class=\"note\"><b>");
        ipcb_html_text(b, all[k]->name);
        ipcb_sbuf_printf(b, "</b>: ");
        ipcb_html_text(b, all[k]->summary);
        ipcb_sbuf_printf(b, "; its latency columns are %s times.</p>\n",
                         strcmp(all[k]->latency_kind, "rtt") == 0 ? "round-trip"
                                                                   : all[k]->latency_kind);
    }
}

void ipcb_page_table(struct ipcb_sbuf *b, const struct ipcb_report_input *in,
                     size_t n_warnings)
{
    const struct ipcb_summary *s = &in->summary;
    ipcb_sbuf_printf(b, "<section>\n<h2 id=\"results\">Results</h2>\n");
    if (!in->have_summary || s->n_rows == 0) {
        ipcb_sbuf_printf(b, "<p class=\"none\">%s</p>\n</section>\n",
                         in->have_summary ? "summary.csv holds no rows."
                                          : "No summary.csv: no results to show.");
        return;
    }
    ipcb_sbuf_printf(b, "<p class=\"lead\">One row per transport, pattern and message size, "
                        "as the table on stdout shows it. ");
    if (n_warnings)
        ipcb_sbuf_printf(b, "<a href=\"#warnings\">%zu %s</a> below.", n_warnings,
                         n_warnings == 1 ? "warning" : "warnings");
    else
        ipcb_sbuf_printf(b, "No warnings.");
    ipcb_sbuf_printf(b, "</p>\n<div class=\"table-wrap\">\n<table>\n<thead><tr>");
    const struct ipcb_column *cols[64];
    size_t n = ipcb_show_columns(s, cols, 64);
    for (size_t c = 0; c < n; c++) {
        int text = cols[c]->table.show == IPCB_SHOW_PLAIN ||
                   cols[c]->table.show == IPCB_SHOW_STATUS;
        ipcb_sbuf_printf(b, "<th%s title=\"", text ? " class=\"text\"" : "");
        ipcb_html_text(b, cols[c]->description);
        ipcb_sbuf_printf(b, "\">");
        ipcb_html_text(b, cols[c]->table.title);
        ipcb_sbuf_printf(b, "</th>");
    }
    ipcb_sbuf_printf(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const char *status = ipcb_page_field(s, i, IPCB_COL_STATUS);
        int first = i == 0 || strcmp(ipcb_page_field(s, i, IPCB_COL_TRANSPORT),
                                     ipcb_page_field(s, i - 1, IPCB_COL_TRANSPORT)) != 0;
        int ok = ipcb_status_ok(status);
        ipcb_sbuf_printf(b, "<tr class=\"%s%s%s\">", first ? "first " : "", ok ? "ok" : "not-ok",
                         strncmp(status, "skipped", 7) == 0 ? " skipped" : "");
        for (size_t c = 0; c < n; c++)
            cell(b, in, i, cols[c]);
        ipcb_sbuf_printf(b, "</tr>\n");
    }
    ipcb_sbuf_printf(b, "</tbody>\n</table>\n</div>\n");
    pattern_notes(b, s);
    ipcb_sbuf_printf(b, "</section>\n");
}

/* ---- the warnings ---- */

/* "<li><b>WHAT</b> ", WHAT as HTML text */
static void warning_start(struct ipcb_sbuf *b, int bad, const char *what)
{
    ipcb_sbuf_printf(b, "<li%s><b>", bad ? " class=\"bad\"" : "");
    ipcb_html_text(b, what);
    ipcb_sbuf_printf(b, "</b> ");
}

/* rows that did not measure: their status names why */
static size_t not_ok_rows(struct ipcb_sbuf *b, const struct ipcb_summary *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        const char *status = ipcb_page_field(s, i, IPCB_COL_STATUS);
        if (ipcb_status_ok(status))
            continue;
        const char *colon = strchr(status, ':');
        char kind[32] = "Not measured";
        if (colon && colon > status && (size_t)(colon - status) < sizeof kind) {
            snprintf(kind, sizeof kind, "%.*s", (int)(colon - status), status);
            kind[0] = (char)(kind[0] >= 'a' && kind[0] <= 'z' ? kind[0] - 32 : kind[0]);
        }
        const char *reason = colon ? colon + 1 + (colon[1] == ' ') : status;
        warning_start(b, strncmp(status, "skipped", 7) != 0, kind);
        row_name(b, s, i);
        ipcb_sbuf_printf(b, ": ");
        ipcb_html_text(b, *reason ? reason : "no reason given");
        ipcb_sbuf_printf(b, "</li>\n");
        n++;
    }
    return n;
}

/* ok rows with few messages, or with losses */
static size_t small_or_lossy_rows(struct ipcb_sbuf *b, const struct ipcb_summary *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        double messages, errors;
        if (!ipcb_status_ok(ipcb_page_field(s, i, IPCB_COL_STATUS)))
            continue;
        if (number(s, i, IPCB_COL_MESSAGES, &messages) == 0 && messages < FEW_MESSAGES) {
            warning_start(b, 0, "Few samples");
            row_name(b, s, i);
            ipcb_sbuf_printf(b, ": %.0f messages timed, under %d; its percentiles are rough."
                                "</li>\n", messages, FEW_MESSAGES);
            n++;
        }
        if (number(s, i, IPCB_COL_ERRORS, &errors) == 0 && errors > 0) {
            warning_start(b, 0, "Losses");
            row_name(b, s, i);
            ipcb_sbuf_printf(b, ": %.0f messages lost or reordered.</li>\n", errors);
            n++;
        }
    }
    return n;
}

/* the percentile columns of the header and what they hold */
struct tails {
    const char *column[MAX_PERCENTILES];
    double p[MAX_PERCENTILES];
    size_t n;
    unsigned *thin;             /* per row: a bit for each column whose tail is thin */
    double *messages;           /* per row */
    size_t n_counted;           /* ok rows with a message count */
};

/* One warning for each set of percentiles with a thin tail that some rows
 * share (with a count per run, most rows share one); t->thin tells which. */
static void thin_tail_warning(struct ipcb_sbuf *b, const struct ipcb_summary *s,
                              const struct tails *t, size_t first_row)
{
    unsigned mask = t->thin[first_row];
    double messages = t->messages[first_row];
    size_t rows = 0, same = 1;
    for (size_t j = first_row; j < s->n_rows; j++)
        if (t->thin[j] == mask) {
            rows++;
            same &= t->messages[j] == messages;
        }
    warning_start(b, 0, "Thin tail");
    const char *sep = "";
    for (size_t k = 0; k < t->n; k++) {
        if (!(mask & (1u << k)))
            continue;
        char label[32];
        percentile_label(t->column[k], label, sizeof label);
        ipcb_sbuf_printf(b, "%s%s", sep, label);
        char beyond[32];
        snprintf(beyond, sizeof beyond, "%.2g", messages * (1 - t->p[k]));
        if (same)
            ipcb_sbuf_printf(b, " (%s %s beyond it)", beyond,
                             strcmp(beyond, "1") == 0 ? "message" : "messages");
        sep = ", ";
    }
    ipcb_sbuf_printf(b, " would rest on fewer than %d samples (messages &times; (1 &minus; p) "
                     "&lt; %d), so %s left empty", TAIL_SAMPLES, TAIL_SAMPLES,
                     mask & (mask - 1) ? "they are" : "it is");
    if (same && rows == t->n_counted && rows > 1) {
        /* a count per run makes it every row: no need to name them */
        ipcb_sbuf_printf(b, " in every measured row, each of %.0f messages; more messages "
                            "(-n) fill %s.</li>\n", messages, mask & (mask - 1) ? "them" : "it");
        return;
    }
    ipcb_sbuf_printf(b, " in %zu %s", rows, rows == 1 ? "row" : "rows");
    if (same)
        ipcb_sbuf_printf(b, " of %.0f messages", messages);
    ipcb_sbuf_printf(b, ": ");
    sep = "";
    for (size_t j = first_row; j < s->n_rows; j++)
        if (t->thin[j] == mask) {
            ipcb_sbuf_printf(b, "%s", sep);
            row_name(b, s, j);
            if (!same)
                ipcb_sbuf_printf(b, " (%.0f)", t->messages[j]);
            sep = ", ";
        }
    ipcb_sbuf_printf(b, "; more messages (-n) fill %s.</li>\n", mask & (mask - 1) ? "them" : "it");
}

static size_t thin_tails(struct ipcb_sbuf *b, const struct ipcb_summary *s)
{
    struct tails t = {.thin = calloc(s->n_rows + 1, sizeof *t.thin),
                      .messages = calloc(s->n_rows + 1, sizeof *t.messages)};
    size_t n = 0;
    if (!t.thin || !t.messages) {
        b->oom = 1;
        goto out;
    }
    for (size_t c = 0; c < s->n_columns && t.n < MAX_PERCENTILES; c++)
        if ((t.p[t.n] = ipcb_report_percentile(s->columns[c])) > 0)
            t.column[t.n++] = s->columns[c];
    for (size_t i = 0; i < s->n_rows; i++) {
        double v;
        if (!ipcb_status_ok(ipcb_page_field(s, i, IPCB_COL_STATUS)) ||
            number(s, i, IPCB_COL_MESSAGES, &t.messages[i]) != 0)
            continue;
        t.n_counted++;
        for (size_t k = 0; k < t.n; k++)
            /* ipcbench leaves such a percentile empty; an older run printed it */
            if (number(s, i, IPCB_COL_P50_NS, &v) == 0 && thin_tail(t.messages[i], t.p[k]))
                t.thin[i] |= 1u << k;
    }
    for (size_t i = 0; i < s->n_rows; i++) {
        size_t j = 0;
        while (j < i && t.thin[j] != t.thin[i])
            j++;
        if (t.thin[i] && j == i) {  /* a set not told with an earlier row */
            thin_tail_warning(b, s, &t, i);
            n++;
        }
    }
out:
    free(t.thin);
    free(t.messages);
    return n;
}

size_t ipcb_page_warnings(struct ipcb_sbuf *b, const struct ipcb_report_input *in)
{
    if (!in->have_summary)
        return 0;
    size_t n = not_ok_rows(b, &in->summary);
    n += small_or_lossy_rows(b, &in->summary);
    return n + thin_tails(b, &in->summary);
}
