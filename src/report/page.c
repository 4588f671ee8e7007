/* The parts of the report page above the results (page.h): the heading,
 * the machine, its hardware floor and the settings. Every text that comes
 * from the results directory goes through ipcb_html_text. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/units.h"
#include "report/html.h"
#include "report/page.h"
#include "report/style.h"

void ipcb_page_date(struct ipcb_sbuf *b, const char *date_utc)
{
    char date[64];
    size_t n = strlen(date_utc);
    snprintf(date, sizeof date, "%s", date_utc);
    /* 2026-11-24T19:48:15Z -> 2026-11-24 19:48:15 UTC */
    if (n >= 17 && n < sizeof date - 4 && date[10] == 'T' && date[n - 1] == 'Z') {
        date[10] = ' ';
        snprintf(date + n - 1, sizeof date - (n - 1), " UTC");
    }
    ipcb_html_text(b, date);
}

/* ---- the heading ---- */

static size_t count_transports(const struct ipcb_summary *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        const char *name = ipcb_page_field(s, i, IPCB_COL_TRANSPORT);
        size_t j = 0;
        while (j < i && strcmp(ipcb_page_field(s, j, IPCB_COL_TRANSPORT), name) != 0)
            j++;
        n += j == i;
    }
    return n;
}

void ipcb_page_head(struct ipcb_sbuf *b, const struct ipcb_report_input *in)
{
    const struct ipcb_meta_fields *m = &in->meta;
    ipcb_sbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<title>ipcbench report");
    if (*m->host) {
        ipcb_sbuf_printf(b, ": ");
        ipcb_html_text(b, m->host);
    }
    if (*m->date_utc) {
        ipcb_sbuf_printf(b, ", ");
        ipcb_page_date(b, m->date_utc);
    }
    ipcb_sbuf_printf(b, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n<main>\n<header>\n"
                        "<p class=\"kicker\">ipcbench report</p>\n<h1>", ipcb_report_css,
                     ipcb_report_css_answer);
    if (*m->host) {
        ipcb_sbuf_printf(b, "IPC benchmark on ");
        ipcb_html_text(b, m->host);
    } else {
        ipcb_sbuf_printf(b, "IPC benchmark");
    }
    ipcb_sbuf_printf(b, "</h1>\n<p class=\"sub\">");
    const char *sep = "";
    if (*m->date_utc) {
        ipcb_page_date(b, m->date_utc);
        sep = " &middot; ";
    }
    if (*m->version) {
        ipcb_sbuf_printf(b, "%sipcbench ", sep);
        ipcb_html_text(b, m->version);
        sep = " &middot; ";
    }
    if (in->have_summary) {
        size_t t = count_transports(&in->summary);
        ipcb_sbuf_printf(b, "%s%zu %s, %zu %s", sep, t, t == 1 ? "transport" : "transports",
                         in->summary.n_rows,
                         in->summary.n_rows == 1 ? "measurement" : "measurements");
        sep = " &middot; ";
    }
    if (!*sep)
        ipcb_sbuf_printf(b, "date, host and version not recorded");
    ipcb_sbuf_printf(b, "</p>\n");
    if (*m->command_line) {
        ipcb_sbuf_printf(b, "<pre class=\"cmd\"><code>$ ");
        ipcb_html_text(b, m->command_line);
        ipcb_sbuf_printf(b, "</code></pre>\n");
    }
    if (in->n_incomplete) {
        ipcb_sbuf_printf(b, "<div class=\"banner\" role=\"alert\"><strong>Incomplete run.</strong>"
                            " What this page shows is what the results directory holds:\n<ul>\n");
        for (size_t i = 0; i < in->n_incomplete; i++) {
            ipcb_sbuf_printf(b, "<li>");
            ipcb_html_text(b, in->incomplete[i]);
            ipcb_sbuf_printf(b, "</li>\n");
        }
        ipcb_sbuf_printf(b, "</ul>\n</div>\n");
    }
    ipcb_sbuf_printf(b, "</header>\n");
}

/* ---- the machine, the floor, the settings ---- */

static void term(struct ipcb_sbuf *b, const char *name)
{
    ipcb_sbuf_printf(b, "<dt>");
    ipcb_html_text(b, name);
    ipcb_sbuf_printf(b, "</dt><dd>");
}

static void not_recorded(struct ipcb_sbuf *b, const char *what)
{
    ipcb_sbuf_printf(b, "<span class=\"none\">%s</span>", what);
}

static void fact_text(struct ipcb_sbuf *b, const char *name, const char *value)
{
    term(b, name);
    if (*value)
        ipcb_html_text(b, value);
    else
        not_recorded(b, "not recorded");
    ipcb_sbuf_printf(b, "</dd>\n");
}

/* a time of the floor or the clock: 20.6 ns, 461 ns, 1.2 us */
static void figure_ns(struct ipcb_sbuf *b, double ns, const char *missing)
{
    char text[32];
    if (!isfinite(ns)) {
        not_recorded(b, missing);
        return;
    }
    if (ns < 100)
        snprintf(text, sizeof text, "%.1f ns", ns);
    else
        ipcb_format_ns((uint64_t)(ns + 0.5), text, sizeof text);
    ipcb_sbuf_printf(b, "%s", text);
}

static void figure_gib_s(struct ipcb_sbuf *b, double gib_s)
{
    if (isfinite(gib_s))
        ipcb_sbuf_printf(b, "%.2f GiB/s", gib_s);
    else
        not_recorded(b, "not measured");
}

/* messages a second in millions: 12.3 M msgs/s */
static void figure_msgs_s(struct ipcb_sbuf *b, double msgs_s)
{
    if (isfinite(msgs_s))
        ipcb_sbuf_printf(b, "%.1f M msgs/s", msgs_s / 1e6);
    else
        not_recorded(b, "not measured");
}

static void machine(struct ipcb_sbuf *b, const struct ipcb_meta_fields *m)
{
    ipcb_sbuf_printf(b, "<section class=\"card\">\n<h3>Machine</h3>\n<dl>\n");
    fact_text(b, "Host", m->host);
    fact_text(b, "CPU", m->cpu_model);
    term(b, "Cores");
    if (m->cores)
        ipcb_sbuf_printf(b, "%d online", m->cores);
    else
        not_recorded(b, "not recorded");
    ipcb_sbuf_printf(b, "</dd>\n");
    fact_text(b, "Kernel", m->kernel);
    term(b, "Clock");
    if (*m->clock)
        ipcb_html_text(b, m->clock);
    else
        not_recorded(b, "not recorded");
    if (isfinite(m->tsc_ghz))
        ipcb_sbuf_printf(b, " at %.3f GHz", m->tsc_ghz);
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "Clock read");
    figure_ns(b, m->clock_read_ns, "not recorded");
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "Clock step");
    figure_ns(b, m->clock_step_ns, "not recorded");
    ipcb_sbuf_printf(b, "</dd>\n");
    fact_text(b, "Pinning", m->pinning);
    ipcb_sbuf_printf(b, "</dl>\n</section>\n");
}

static void hardware_floor(struct ipcb_sbuf *b, const struct ipcb_meta_floor *fl)
{
    ipcb_sbuf_printf(b, "<section class=\"card\">\n<h3>Hardware floor</h3>\n");
    if (!fl->present) {
        ipcb_sbuf_printf(b, "<p class=\"none\">Not measured in this run.</p>\n</section>\n");
        return;
    }
    ipcb_sbuf_printf(b, "<dl>\n");
    term(b, "Cache-line round trip");
    figure_ns(b, fl->cacheline_rtt_ns, "not measured");
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "Cross-CPU copy, 64k");
    figure_gib_s(b, fl->xcpu_copy_64k_gib_s);
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "SPSC ring, 64 B");
    figure_msgs_s(b, fl->spsc_64_msgs_per_s);
    ipcb_sbuf_printf(b, "</dd>\n");
    for (size_t i = 0; i < fl->n_memcpy; i++) {
        char name[48];
        snprintf(name, sizeof name, "memcpy %s", fl->memcpy[i].size);
        term(b, name);
        figure_gib_s(b, fl->memcpy[i].gib_s);
        ipcb_sbuf_printf(b, "</dd>\n");
    }
    term(b, "Clock read");
    figure_ns(b, fl->clock_read_ns, "not measured");
    ipcb_sbuf_printf(b, "</dd>\n</dl>\n<p class=\"note\">The least any IPC can cost here. ");
    if (fl->cacheline_cpus[0] >= 0)
        ipcb_sbuf_printf(b, "The cache line, the copy and the ring went between CPUs %d and %d. ",
                         fl->cacheline_cpus[0], fl->cacheline_cpus[1]);
    ipcb_sbuf_printf(b, "memcpy and the clock read ");
    if (*fl->measured_utc) {
        ipcb_sbuf_printf(b, "measured ");
        ipcb_page_date(b, fl->measured_utc);
    } else {
        ipcb_sbuf_printf(b, "measured once per boot");
    }
    if (fl->from_cache == 1)
        ipcb_sbuf_printf(b, ", by an earlier run of this boot");
    ipcb_sbuf_printf(b, ".</p>\n</section>\n");
}

/* how many rows have each kind of status: "10 ok, 2 skipped" */
static void row_counts(struct ipcb_sbuf *b, const struct ipcb_summary *s)
{
    static const char *const kinds[] = {"ok", "skipped", "failed", "interrupted"};
    size_t counted = 0;
    const char *sep = "";
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = 0, len = strlen(kinds[k]);
        for (size_t i = 0; i < s->n_rows; i++) {
            const char *status = ipcb_page_field(s, i, IPCB_COL_STATUS);
            n += strncmp(status, kinds[k], len) == 0 && (!status[len] || status[len] == ':');
        }
        if (n)
            ipcb_sbuf_printf(b, "%s%zu %s", sep, n, kinds[k]);
        sep = n ? ", " : sep;
        counted += n;
    }
    if (counted < s->n_rows)
        ipcb_sbuf_printf(b, "%s%zu other", sep, s->n_rows - counted);
    if (s->n_rows == 0)
        not_recorded(b, "none");
}

static void settings(struct ipcb_sbuf *b, const struct ipcb_report_input *in)
{
    const struct ipcb_meta_fields *m = &in->meta;
    ipcb_sbuf_printf(b, "<section class=\"card\">\n<h3>Settings</h3>\n<dl>\n");
    if (m->count > 0) {
        term(b, "Messages");
        ipcb_sbuf_printf(b, "%lld timed per measurement", m->count);
    } else if (m->duration_s > 0) {
        term(b, "Duration");
        ipcb_sbuf_printf(b, "%g s per measurement", m->duration_s);
    } else {
        term(b, "Messages");
        not_recorded(b, "not recorded");
    }
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "Warm-up");
    if (m->warmup >= 0)
        ipcb_sbuf_printf(b, "%lld untimed messages first", m->warmup);
    else
        not_recorded(b, "not recorded");
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "Pairs");
    if (m->pairs > 0)
        ipcb_sbuf_printf(b, "%lld at once", m->pairs);
    else
        not_recorded(b, "not recorded");
    ipcb_sbuf_printf(b, "</dd>\n");
    term(b, "Measurements");
    if (in->have_summary)
        row_counts(b, &in->summary);
    else
        not_recorded(b, "no summary.csv");
    ipcb_sbuf_printf(b, "</dd>\n</dl>\n</section>\n");
}

void ipcb_page_machine(struct ipcb_sbuf *b, const struct ipcb_report_input *in)
{
    ipcb_sbuf_printf(b, "<div class=\"facts\">\n");
    machine(b, &in->meta);
    hardware_floor(b, &in->meta.floor);
    settings(b, in);
    ipcb_sbuf_printf(b, "</div>\n");
}
