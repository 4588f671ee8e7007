/* Between report.c, which reads a results directory and draws its charts,
 * and page.c and rows.c, which write what was read as the parts of one HTML
 * page. */
#ifndef IPCB_REPORT_PAGE_H
#define IPCB_REPORT_PAGE_H

#include <stddef.h>

#include "common/reader.h"
#include "common/sbuf.h"

#define IPCB_REPORT_REASONS 8

struct ipcb_report_input {
    const char *dir;
    double margin_pct;                  /* the verdict's (--margin) */
    struct ipcb_meta_fields meta;       /* "not recorded" throughout without meta.json */
    int have_summary;                   /* summary.csv read, whole or up to a bad record */
    struct ipcb_summary summary;        /* every row, whatever its status */
    /* why the run counts as incomplete, one line each; none when it is whole */
    char incomplete[IPCB_REPORT_REASONS][600];
    size_t n_incomplete;
};

/* the percentile a column such as p999_ns holds (0.999), or 0 for any other */
double ipcb_report_percentile(const char *column);
/* the row's field in that column, "" when the header has no such column */
const char *ipcb_page_field(const struct ipcb_summary *s, size_t row, const char *column);

/* page.c */

/* <!doctype html> to <body>, with the stylesheet, then the heading: date,
 * host, version, the command line, and the incomplete-run box when there
 * is one */
void ipcb_page_head(struct ipcb_sbuf *b, const struct ipcb_report_input *in);
/* the machine, its hardware floor and the run's settings */
void ipcb_page_machine(struct ipcb_sbuf *b, const struct ipcb_report_input *in);
/* rows.c: the summary table: the text table's columns that summary.csv has, every
 * row; n_warnings is said above it, pointing to the warnings */
void ipcb_page_table(struct ipcb_sbuf *b, const struct ipcb_report_input *in,
                     size_t n_warnings);
/* the warnings, as <li> items into b; returns how many */
size_t ipcb_page_warnings(struct ipcb_sbuf *b, const struct ipcb_report_input *in);
/* answer.c: the verdict of the rows, as a list */
void ipcb_page_verdict(struct ipcb_sbuf *b, const struct ipcb_report_input *in);
/* a date as written in meta.json (2026-11-24T19:48:15Z) as people read it
 * (2026-11-24 19:48:15 UTC), HTML-escaped */
void ipcb_page_date(struct ipcb_sbuf *b, const char *date_utc);

#endif
