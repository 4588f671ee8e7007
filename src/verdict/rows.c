/* summary.csv's rows as the verdict reads them (parts.h), and the ranges
 * its sentences print. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/cells.h"
#include "ipcbench/units.h"
#include "verdict/parts.h"

/* the pattern's sentence: by name first, then the default of its figure,
 * so a pattern added later gets a sensible one */
static const struct ipcb_verdict_kind kinds[] = {
    {"pingpong", IPCB_FIGURE_LATENCY, IPCB_BY_P50, "round trip", "request/response"},
    {"handoff", IPCB_FIGURE_LATENCY, IPCB_BY_P50, "hand-off", "hand-off"},
    {"stream", IPCB_FIGURE_THROUGHPUT, IPCB_BY_RATE, "message", "stream"},
    {"contention", IPCB_FIGURE_THROUGHPUT, IPCB_BY_RATE, "acquisition", "contention"},
    {"fanin", IPCB_FIGURE_THROUGHPUT, IPCB_BY_RATE, "message", "fan-in"},
    {"pipeline", IPCB_FIGURE_THROUGHPUT, IPCB_BY_HOP, "message", "pipeline"},
    {"rate", IPCB_FIGURE_LOAD, IPCB_BY_KNEE, "message", "open loop"},
    {NULL, IPCB_FIGURE_LATENCY, IPCB_BY_P50, "message", NULL},
    {NULL, IPCB_FIGURE_THROUGHPUT, IPCB_BY_RATE, "message", NULL},
    {NULL, IPCB_FIGURE_LOAD, IPCB_BY_KNEE, "message", NULL},
};
static const struct ipcb_verdict_kind per_hop_kind = {
    NULL, IPCB_FIGURE_THROUGHPUT, IPCB_BY_HOP, "message", NULL,
};

const struct ipcb_verdict_kind *ipcb_verdict_kind_of(const struct ipcb_pattern *p)
{
    if (!p)
        return NULL;
    size_t n = sizeof kinds / sizeof kinds[0];
    for (size_t i = 0; i < n; i++)
        if (kinds[i].pattern && strcmp(kinds[i].pattern, p->name) == 0)
            return &kinds[i];
    if (p->per_hop)
        return &per_hop_kind;
    for (size_t i = 0; i < n; i++)
        if (!kinds[i].pattern && kinds[i].figure == p->figure)
            return &kinds[i];
    return NULL;
}

/* a number field: NAN when empty, absent or not a number */
static double field(const struct ipcb_summary *s, size_t i, const char *column)
{
    const char *text = ipcb_summary_field(s, i, column);
    double v;
    char ignored[1];
    if (!text || !*text || ipcb_summary_number(s, i, column, &v, ignored, sizeof ignored) != 0)
        return NAN;
    return v;
}

static struct ipcb_figure_sample sample(const struct ipcb_summary *s, size_t i,
                                        const char *column, const char *lo, const char *hi)
{
    struct ipcb_figure_sample f = {.value = field(s, i, column), .ci_low = field(s, i, lo),
                                   .ci_high = field(s, i, hi)};
    f.has_ci = !isnan(f.value) && !isnan(f.ci_low) && !isnan(f.ci_high);
    return f;
}

/* the wait strategy holds its CPU: "spin", "spin-..." or "...-spin", as the
 * strategy after the slash (shm/spin) or as the primitive itself (sync's
 * spin lock) */
static int spins(const char *transport)
{
    const char *w = strrchr(transport, '/');
    w = w ? w + 1 : transport;
    size_t n = strlen(w);
    return strcmp(w, "spin") == 0 || strncmp(w, "spin-", 5) == 0 ||
           (n > 5 && strcmp(w + n - 5, "-spin") == 0);
}

/* a measured row that still cannot stand beside the others */
static void left_out(struct ipcb_vrow *r, const struct ipcb_summary *s, size_t i)
{
    double errors = field(s, i, IPCB_COL_ERRORS), lost = field(s, i, "lost_updates");
    if (lost > 0)
        snprintf(r->why_out, sizeof r->why_out, "it lost %.0f updates (no lock)", lost);
    else if (errors > 0)
        snprintf(r->why_out, sizeof r->why_out, "it lost or reordered %.0f messages", errors);
    else if (r->kind && r->kind->by == IPCB_BY_P50 && !(r->p50.value > 0))
        snprintf(r->why_out, sizeof r->why_out, "it timed no message");
    else if (r->kind && r->kind->by == IPCB_BY_HOP && !(r->hop_ns > 0))
        snprintf(r->why_out, sizeof r->why_out, "it has no per-hop figure");
    else if (!r->kind)
        snprintf(r->why_out, sizeof r->why_out, "this build does not know its pattern");
    r->ok = !r->why_out[0];
}

struct ipcb_vrow *ipcb_vrows_read(const struct ipcb_summary *s, size_t *n)
{
    struct ipcb_vrow *rows = calloc(s->n_rows + 1, sizeof *rows);
    if (!rows)
        return NULL;
    for (size_t i = 0; i < s->n_rows; i++) {
        struct ipcb_vrow *r = &rows[i];
        const char *t = ipcb_summary_field(s, i, IPCB_COL_TRANSPORT);
        const char *p = ipcb_summary_field(s, i, IPCB_COL_PATTERN);
        const char *st = ipcb_summary_field(s, i, IPCB_COL_STATUS);
        double size = field(s, i, IPCB_COL_SIZE);
        r->transport = t ? t : "";
        r->pattern = p ? p : "";
        r->status = st ? st : "";
        r->pat = ipcb_pattern_of_row(r->pattern);
        r->kind = ipcb_verdict_kind_of(r->pat);
        r->size = size >= 0 && size < 0x1p53 ? (uint64_t)size : 0;
        r->spins = spins(r->transport);
        r->p50 = sample(s, i, IPCB_COL_P50_NS, IPCB_COL_P50_CI_LOW, IPCB_COL_P50_CI_HIGH);
        r->rate = sample(s, i, IPCB_COL_MSGS_PER_S, IPCB_COL_RATE_CI_LOW,
                         IPCB_COL_RATE_CI_HIGH);
        r->p99_ns = field(s, i, IPCB_COL_P99_NS);
        r->cpu_ns = field(s, i, IPCB_COL_CPU_NS_PER_MSG);
        r->hop_ns = field(s, i, "hop_ns");
        r->share_min = field(s, i, "share_min");
        r->share_max = field(s, i, "share_max");
        r->offered = field(s, i, "offered_per_s");
        r->procs = field(s, i, "procs");
        if (ipcb_status_ok(r->status))
            left_out(r, s, i);
    }
    *n = s->n_rows;
    return rows;
}

/* the unit a formatted figure ends in: "us" of "5.6 us", "k" of "640.0k" */
static const char *unit_of(const char *text)
{
    const char *sp = strrchr(text, ' ');
    if (sp)
        return sp + 1;
    size_t n = strlen(text);
    return n && (text[n - 1] == 'k' || text[n - 1] == 'M') ? text + n - 1 : text + n;
}

/* lo and hi as a range, one unit when they share it */
static void range(struct ipcb_sbuf *b, const char *lo, const char *hi)
{
    if (strcmp(lo, hi) == 0) {
        ipcb_sbuf_printf(b, "%s", lo);
        return;
    }
    const char *u = unit_of(lo);
    if (strcmp(u, unit_of(hi)) == 0 && *u)
        ipcb_sbuf_printf(b, "%.*s-%s", (int)(u - lo - (u[-1] == ' ')), lo, hi);
    else
        ipcb_sbuf_printf(b, "%s-%s", lo, hi);
}

void ipcb_verdict_ns_range(struct ipcb_sbuf *b, double lo, double hi)
{
    char a[32], z[32];
    ipcb_format_ns((uint64_t)(lo + 0.5), a, sizeof a);
    ipcb_format_ns((uint64_t)(hi + 0.5), z, sizeof z);
    range(b, a, z);
}

void ipcb_verdict_rate_range(struct ipcb_sbuf *b, double lo, double hi)
{
    char a[32], z[32];
    ipcb_format_rate(lo, a, sizeof a);
    ipcb_format_rate(hi, z, sizeof z);
    range(b, a, z);
}
