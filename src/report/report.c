/* `ipcbench report DIR`: read the results directory as plot does, draw its
 * charts with plot's own code, and write one HTML page that needs nothing
 * but itself: the stylesheet and every chart are inside it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcbench/units.h"
#include "plot/plot.h"
#include "report/html.h"
#include "report/page.h"
#include "report/report.h"

#define MAX_CHARTS 512

/* one more line for the incomplete-run box */
__attribute__((format(printf, 2, 3)))
static void incomplete(struct ipcb_report_input *in, const char *fmt, ...)
{
    if (in->n_incomplete == IPCB_REPORT_REASONS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->incomplete[in->n_incomplete++], sizeof in->incomplete[0], fmt, ap);
    va_end(ap);
}

/* summary.csv, every row; *why gets the reader's line when there is none */
static int read_summary(struct ipcb_report_input *in, char *why, size_t whylen)
{
    const struct ipcb_summary_query q = {.dir = in->dir, .every_row = true,
                                         .up_to_error = true};
    int rc = ipcb_summary_load(&q, &in->summary, why, whylen);
    if (rc == -ENOENT) {
        incomplete(in, "no summary.csv: the run wrote no results");
        return rc;
    }
    if (rc) {
        incomplete(in, "summary.csv could not be read: %s", why);
        return rc;
    }
    in->have_summary = 1;
    if (in->summary.cut_short)
        incomplete(in, "summary.csv breaks off (%s); the rows before that are shown", why);
    else if (in->summary.n_columns == 0)
        incomplete(in, "summary.csv is empty");
    size_t interrupted = 0;
    for (size_t i = 0; i < in->summary.n_rows; i++) {
        const char *status = ipcb_page_field(&in->summary, i, IPCB_COL_STATUS);
        interrupted += strncmp(status, "interrupted", 11) == 0;
    }
    if (interrupted)
        incomplete(in, "%zu %s interrupted: the run stopped before the end of its plan",
                   interrupted, interrupted == 1 ? "measurement was" : "measurements were");
    return 0;
}

static int read_meta(struct ipcb_report_input *in)
{
    char why[600];
    int rc = ipcb_meta_read(in->dir, &in->meta, why, sizeof why);
    if (rc == -ENOENT)
        incomplete(in, "no meta.json: the machine and the settings were not recorded");
    else if (rc)
        incomplete(in, "meta.json could not be read: %s", why);
    else if (in->meta.complete == 0)
        incomplete(in, "meta.json says the run did not finish");
    return rc;
}

/* ---- the charts ---- */

struct chart {
    char name[256];             /* the file's name in plots/ */
    int rank;                   /* the charts' order on the page: plot's own */
    unsigned long long size;    /* of a chart for one message size */
};

static const char *const chart_kinds[] = {"latency_vs_cpu-", "latency_by_size",
                                          "throughput_by_size", "percentiles-", "bars-",
                                          "latency_vs_load-"};
#define CPU_RANK 0              /* latency_vs_cpu: the first, beside the verdict */
#define N_KINDS (sizeof chart_kinds / sizeof chart_kinds[0])

static void chart_kind(struct chart *c)
{
    for (c->rank = 0; c->rank < (int)N_KINDS; c->rank++) {
        size_t n = strlen(chart_kinds[c->rank]);
        if (strncmp(c->name, chart_kinds[c->rank], n) == 0) {
            const char *dash = strrchr(c->name + n - 1, '-');
            c->size = dash ? strtoull(dash + 1, NULL, 10) : 0;
            return;
        }
    }
}

/* by kind, then by what precedes the size (the pattern), then by size */
static int chart_order(const void *a, const void *b)
{
    const struct chart *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    const char *dx = strrchr(x->name, '-'), *dy = strrchr(y->name, '-');
    size_t nx = dx ? (size_t)(dx - x->name) : 0, ny = dy ? (size_t)(dy - y->name) : 0;
    int stem = strncmp(x->name, y->name, nx < ny ? nx : ny);
    if (stem || nx != ny)
        return stem ? stem : nx < ny ? -1 : 1;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* the SVG files of DIR/plots, in plot's order; -errno when it cannot be read */
static int list_charts(const char *dir, struct chart **out, size_t *n)
{
    char path[PATH_MAX];
    *out = NULL;
    *n = 0;
    snprintf(path, sizeof path, "%s/plots", dir);
    DIR *d = opendir(path);
    if (!d)
        return -errno;
    struct chart *charts = calloc(MAX_CHARTS, sizeof *charts);
    if (!charts) {
        closedir(d);
        return -ENOMEM;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && *n < MAX_CHARTS) {
        size_t len = strlen(e->d_name);
        if (len < 5 || len >= sizeof charts[0].name || strcmp(e->d_name + len - 4, ".svg") != 0)
            continue;
        snprintf(charts[*n].name, sizeof charts[0].name, "%s", e->d_name);
        chart_kind(&charts[(*n)++]);
    }
    closedir(d);
    qsort(charts, *n, sizeof *charts, chart_order);
    *out = charts;
    return 0;
}

/* what a chart shows, as its caption, and its file */
static void caption(struct ipcb_sbuf *b, const struct chart *c)
{
    char size[32], words[40];
    ipcb_format_size(c->size, size, sizeof size);
    size_t n = strlen(size);
    char unit = size[n - 1];
    /* 64 -> 64 B, 4k -> 4 KiB, as the charts' own titles put it */
    if (unit >= '0' && unit <= '9')
        snprintf(words, sizeof words, "%s B", size);
    else
        snprintf(words, sizeof words, "%.*s %ciB", (int)(n - 1), size, unit == 'k' ? 'K' : unit);
    ipcb_sbuf_printf(b, "<figcaption><b>");
    switch (c->rank) {
    case CPU_RANK:
        ipcb_sbuf_printf(b, "Latency against CPU per message, ");
        ipcb_html_textf(b, "%.*s at %s", (int)strcspn(c->name + 15, "-"), c->name + 15, words);
        break;
    case 1: ipcb_sbuf_printf(b, "Latency by message size"); break;
    case 2: ipcb_sbuf_printf(b, "Throughput by message size"); break;
    case 3: ipcb_sbuf_printf(b, "Round-trip distribution at %s", words); break;
    case 4: ipcb_sbuf_printf(b, "Every transport at %s", words); break;
    case 5: ipcb_sbuf_printf(b, "Latency against offered load at %s", words); break;
    default: ipcb_sbuf_printf(b, "Chart"); break;
    }
    ipcb_sbuf_printf(b, "</b> <span>plots/");
    ipcb_html_text(b, c->name);
    ipcb_sbuf_printf(b, "</span></figcaption>\n");
}

static void no_charts(struct ipcb_sbuf *b, FILE *notes, const char *why)
{
    ipcb_sbuf_printf(b, "<p class=\"none\">No charts: ");
    ipcb_html_text(b, why);
    ipcb_sbuf_printf(b, ".</p>\n");
    if (notes)
        fprintf(notes, "ipcbench: the report has no charts: %s\n", why);
}

/* one chart's file into the page, its ids prefixed with chart<k>- */
static void embed_chart(struct ipcb_sbuf *b, const char *dir, const struct chart *c, size_t k,
                        FILE *notes)
{
    char path[PATH_MAX], prefix[32];
    struct ipcb_sbuf svg = {0};
    snprintf(path, sizeof path, "%s/plots/%s", dir, c->name);
    snprintf(prefix, sizeof prefix, "chart%zu-", k + 1);
    ipcb_sbuf_printf(b, "<figure id=\"chart%zu\">\n", k + 1);
    caption(b, c);
    int rc = ipcb_sbuf_read_file(path, &svg);
    if (rc == 0)
        rc = ipcb_html_svg(b, svg.s, svg.len, prefix);
    if (rc) {
        const char *why = rc == -EINVAL ? "not an SVG file this page can hold" : strerror(-rc);
        ipcb_sbuf_printf(b, "<p class=\"none\">Left out: ");
        ipcb_html_textf(b, "%s: %s", c->name, why);
        ipcb_sbuf_printf(b, ".</p>\n");
        fprintf(notes, "ipcbench: the report leaves out %s: %s\n", path, why);
    }
    ipcb_sbuf_printf(b, "\n</figure>\n");
    ipcb_sbuf_free(&svg);
}

/* the charts as plot draws them, listed; 0, or -errno with why */
struct drawn {
    struct chart *list;
    size_t n;
    int rc;
    char why[512];
    long first;                 /* the latency_vs_cpu chart shown with the verdict, or -1 */
};

static void draw_charts(const struct ipcb_report_input *in, struct drawn *d)
{
    *d = (struct drawn){.first = -1};
    if (!in->have_summary) {
        d->rc = -ENOENT;
        snprintf(d->why, sizeof d->why, "there are no results to draw");
        return;
    }
    /* plot's own code and scripts, quietly: it lists its files on stdout */
    d->rc = ipcb_plot(in->dir, NULL, 1, d->why, sizeof d->why);
    if (d->rc == 0 && (d->rc = list_charts(in->dir, &d->list, &d->n)) != 0)
        snprintf(d->why, sizeof d->why, "cannot list %s/plots: %s", in->dir, strerror(-d->rc));
    for (size_t k = 0; k < d->n && d->first < 0; k++)
        if (d->list[k].rank == CPU_RANK)
            d->first = (long)k;
}

/* the first screen: the verdict, and beside it latency against CPU */
static void answer(struct ipcb_sbuf *b, const struct ipcb_report_input *in,
                   const struct drawn *d, FILE *notes)
{
    ipcb_sbuf_printf(b, "<section class=\"answer\" id=\"verdict\">\n<h2>Verdict</h2>\n"
                        "<p class=\"lead\">Which mechanism to choose on this machine: for "
                        "each pattern and size, the rows that cannot be told apart from the "
                        "best, and what they cost. The evidence follows: the "
                        "<a href=\"#results\">table</a>, the <a href=\"#machine\">machine and "
                        "its floor</a>, the <a href=\"#warnings\">warnings</a> and the "
                        "<a href=\"#charts\">charts</a>.</p>\n<div class=\"answer-grid\">\n");
    ipcb_page_verdict(b, in);
    if (d->first >= 0)
        embed_chart(b, in->dir, &d->list[d->first], (size_t)d->first, notes);
    ipcb_sbuf_printf(b, "</div>\n</section>\n");
}

static void charts(struct ipcb_sbuf *b, const struct ipcb_report_input *in,
                   const struct drawn *d, FILE *notes)
{
    ipcb_sbuf_printf(b, "<section>\n<h2 id=\"charts\">Charts</h2>\n");
    if (!in->have_summary) {
        /* said on stderr by the line about summary.csv */
        no_charts(b, NULL, d->why);
    } else if (d->rc) {
        no_charts(b, notes, d->why);
    } else {
        ipcb_sbuf_printf(b, "<p class=\"lead\">Drawn by <code>ipcbench plot</code>; the same "
                            "charts are in <code>");
        ipcb_html_text(b, in->dir);
        ipcb_sbuf_printf(b, "/plots/</code> as PNG and SVG.</p>\n");
        for (size_t k = 0; k < d->n; k++)
            if ((long)k != d->first)
                embed_chart(b, in->dir, &d->list[k], k, notes);
        if (d->n == 0)
            no_charts(b, notes, "ipcbench plot drew none");
    }
    ipcb_sbuf_printf(b, "</section>\n");
}

/* ---- the page ---- */

static int make_page(struct ipcb_sbuf *b, const struct ipcb_report_input *in, FILE *notes)
{
    struct ipcb_sbuf warnings = {0};
    size_t n_warnings = ipcb_page_warnings(&warnings, in);
    struct drawn d;
    draw_charts(in, &d);
    ipcb_page_head(b, in);
    answer(b, in, &d, notes);
    ipcb_page_table(b, in, n_warnings);
    ipcb_sbuf_printf(b, "<h2 id=\"machine\">Machine, floor and settings</h2>\n");
    ipcb_page_machine(b, in);
    ipcb_sbuf_printf(b, "<section>\n<h2 id=\"warnings\">Warnings</h2>\n");
    if (n_warnings)
        ipcb_sbuf_printf(b, "<ul class=\"warnings\">\n%s</ul>\n", ipcb_sbuf_str(&warnings));
    else if (in->have_summary)
        ipcb_sbuf_printf(b, "<p class=\"all-clear\">None: every measurement ran, and every "
                            "percentile shown rests on at least 10 messages.</p>\n");
    else
        ipcb_sbuf_printf(b, "<p class=\"none\">No summary.csv, so nothing to check.</p>\n");
    ipcb_sbuf_printf(b, "</section>\n");
    charts(b, in, &d, notes);
    free(d.list);
    ipcb_sbuf_printf(b, "<footer>Written by <code>ipcbench report</code> from <code>");
    ipcb_html_text(b, in->dir);
    ipcb_sbuf_printf(b, "</code>: summary.csv, meta.json and the charts of plots/. The page "
                        "holds everything it shows.</footer>\n</main>\n</body>\n</html>\n");
    int rc = ipcb_sbuf_error(&warnings);
    ipcb_sbuf_free(&warnings);
    return rc ? rc : ipcb_sbuf_error(b);
}

/* the page to path by way of path.tmp, so a failed write leaves no half page */
static int write_page(const char *path, const struct ipcb_sbuf *page, char *err,
                      size_t errlen)
{
    char tmp[PATH_MAX];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        snprintf(err, errlen, "cannot write %s: the name is too long", path);
        return -EIO;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int rc = fd < 0 ? -errno : 0;
    for (size_t done = 0; rc == 0 && done < page->len;) {
        ssize_t n = write(fd, page->s + done, page->len - done);
        if (n > 0)
            done += (size_t)n;
        else if (n == 0 || errno != EINTR)
            rc = n == 0 ? -EIO : -errno;
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc) {
        if (fd >= 0)
            unlink(tmp);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
        return -EIO;
    }
    return 0;
}

int ipcb_report(const char *dir, const char *out_path, double margin_pct, int quiet, FILE *notes,
                char *err, size_t errlen)
{
    struct ipcb_report_input in = {.dir = dir, .margin_pct = margin_pct};
    struct ipcb_sbuf page = {0};
    char path[PATH_MAX], summary_why[512] = "";
    *err = '\0';
    int rc = ipcb_results_dir_check(dir, "report", err, errlen);
    if (rc)
        return rc;
    if ((size_t)snprintf(path, sizeof path, "%s", out_path ? out_path : dir) >= sizeof path - 16) {
        snprintf(err, errlen, "-o: the file name is too long");
        return -ENAMETOOLONG;
    }
    if (!out_path)
        snprintf(path, sizeof path, "%s/report.html", dir);
    int summary_rc = read_summary(&in, summary_why, sizeof summary_why);
    int meta_rc = read_meta(&in);
    if (summary_rc == -ENOENT && meta_rc == -ENOENT) {
        snprintf(err, errlen, "no summary.csv or meta.json in '%s'; is it an ipcbench results "
                 "directory?", dir);
        return -ENOENT;
    }
    rc = make_page(&page, &in, notes);
    if (rc == 0)
        rc = write_page(path, &page, err, errlen);
    else
        snprintf(err, errlen, "out of memory making the report of %s", dir);
    ipcb_sbuf_free(&page);
    ipcb_summary_free(&in.summary);
    if (rc)
        return rc;
    if (!quiet)
        printf("%s\n", path);
    if (summary_rc) {
        /* the page is there, but the input was not what report is for */
        snprintf(err, errlen, "%s; %s shows only the machine and is marked incomplete",
                 summary_rc == -ENOENT ? "no summary.csv in the results directory"
                                       : summary_why, path);
        return summary_rc;
    }
    for (size_t i = 0; i < in.n_incomplete; i++)
        fprintf(notes, "ipcbench: incomplete run: %s\n", in.incomplete[i]);
    return 0;
}
