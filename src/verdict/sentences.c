/* One class's sentence of the verdict (parts.h): the rows tied with the
 * best in words a person can act on, the price beside them, then how far
 * behind the rest are. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/units.h"
#include "verdict/parts.h"

#define EVEN_SHARES 0.8         /* least share over most at or above: even */

/* what the group's figure says: "are tied at 5.5-5.7 us per round trip (p50)" */
static void figure_words(struct ipcb_sbuf *b, const struct ipcb_vjudge *j,
                         const struct ipcb_vsubject *s, size_t g, size_t n)
{
    const struct ipcb_verdict_kind *k = s->kind;
    const size_t *idx = j->pick;
    double lo, hi;
    ipcb_vj_span(j, idx, g, k->by == IPCB_BY_HOP ? 2 : 0, &lo, &hi);
    const char *tie = g > 1 ? "are tied at" : NULL;
    switch (k->by) {
    case IPCB_BY_P50:
        ipcb_sbuf_printf(b, " %s ", tie ? tie : n > 1 ? "is the fastest at" : "takes");
        ipcb_verdict_ns_range(b, lo, hi);
        ipcb_sbuf_printf(b, " per %s (p50)", k->unit);
        break;
    case IPCB_BY_HOP:
        ipcb_sbuf_printf(b, " %s ", tie ? tie : n > 1 ? "is the cheapest at" : "takes");
        ipcb_verdict_ns_range(b, lo, hi);
        ipcb_sbuf_printf(b, " per hop (p50 over the stages)");
        break;
    case IPCB_BY_RATE:
        ipcb_sbuf_printf(b, " %s ", tie ? tie : n > 1 ? "carries the most," : "carries");
        ipcb_verdict_rate_range(b, lo, hi);
        ipcb_sbuf_printf(b, " %ss/s", k->unit);
        break;
    case IPCB_BY_KNEE:
        if (!(hi > 0)) {        /* even the lightest load slipped its schedule */
            ipcb_sbuf_printf(b, " could not keep even the lightest load offered on "
                                "schedule");
            break;
        }
        ipcb_sbuf_printf(b, " %s p99 within 2x of the lightest load's up to ",
                         g > 1 ? "hold their" : "holds its");
        ipcb_verdict_rate_range(b, lo, hi);
        ipcb_sbuf_printf(b, " %ss/s offered", k->unit);
        break;
    }
}

/* fan-in, contention and the like: how evenly the senders shared */
static void fairness(struct ipcb_sbuf *b, const struct ipcb_vjudge *j, size_t g)
{
    double min_lo, min_hi, max_lo, max_hi;
    ipcb_vj_span(j, j->pick, g, 4, &min_lo, &min_hi);
    ipcb_vj_span(j, j->pick, g, 5, &max_lo, &max_hi);
    if (!(max_hi > 0))
        return;
    ipcb_sbuf_printf(b, ", one side's share %.2f to %.2f (%s)", min_lo, max_hi,
                     min_lo >= EVEN_SHARES * max_hi ? "even" : "uneven");
}

/* what the group costs: CPU per message, and the CPUs a spinning row holds */
static void price(struct ipcb_sbuf *b, const struct ipcb_vjudge *j,
                  const struct ipcb_vsubject *s, size_t g, int spinning)
{
    double lo, hi, procs_lo, procs_hi;
    ipcb_vj_span(j, j->pick, g, 1, &lo, &hi);
    if (spinning) {
        procs_lo = procs_hi = NAN;
        for (size_t k = 0; k < g; k++) {
            double p = j->rows[j->pick[k]].procs;
            procs_lo = isnan(procs_lo) || p < procs_lo ? p : procs_lo;
            procs_hi = isnan(procs_hi) || p > procs_hi ? p : procs_hi;
        }
        if (!(procs_hi > 2))
            ipcb_sbuf_printf(b, " and %s two CPUs busy", g > 1 ? "keep" : "keeps");
        else
            ipcb_sbuf_printf(b, " and %s %.0f processes spinning", g > 1 ? "keep" : "keeps",
                             procs_hi);
    }
    if (hi >= 0) {
        ipcb_sbuf_printf(b, ", ");
        ipcb_verdict_ns_range(b, lo, hi);
        ipcb_sbuf_printf(b, " CPU per %s", s->kind->unit);
    }
}

/* the rows of the class behind the group: "the other 9 take 7.9-34 us" */
static void rest(struct ipcb_sbuf *b, const struct ipcb_vjudge *j,
                 const struct ipcb_vsubject *s, size_t g, size_t n)
{
    if (n <= g)
        return;
    double lo, hi;
    const struct ipcb_verdict_kind *k = s->kind;
    ipcb_vj_span(j, j->pick + g, n - g, k->by == IPCB_BY_HOP ? 2 : 0, &lo, &hi);
    if (n - g == 1) {
        ipcb_sbuf_printf(b, "; %s ", j->rows[j->pick[g]].transport);
    } else {
        ipcb_sbuf_printf(b, "; the other %zu ", n - g);
    }
    int one = n - g == 1;
    switch (k->by) {
    case IPCB_BY_P50: case IPCB_BY_HOP:
        ipcb_sbuf_printf(b, "%s ", one ? "takes" : "take");
        ipcb_verdict_ns_range(b, lo, hi);
        break;
    case IPCB_BY_RATE:
        ipcb_sbuf_printf(b, "%s ", one ? "carries" : "carry");
        ipcb_verdict_rate_range(b, lo, hi);
        ipcb_sbuf_printf(b, " %ss/s", k->unit);
        break;
    case IPCB_BY_KNEE:
        if (!(hi > 0)) {
            ipcb_sbuf_printf(b, "could not keep the lightest load either");
            break;
        }
        ipcb_sbuf_printf(b, "%s ", one ? "holds it up to" : "hold it up to");
        ipcb_verdict_rate_range(b, lo, hi);
        ipcb_sbuf_printf(b, " %ss/s", k->unit);
        break;
    }
}

void ipcb_verdict_class(struct ipcb_sbuf *b, const struct ipcb_vjudge *j,
                        const struct ipcb_vsubject *s, size_t g, size_t n, int spinning)
{
    ipcb_sbuf_printf(b, "%s: ", spinning ? "Spinning" : "Blocking");
    ipcb_vj_names(b, j, j->pick, g);
    figure_words(b, j, s, g, n);
    if (s->kind->by == IPCB_BY_RATE)
        fairness(b, j, g);
    price(b, j, s, g, spinning);
    rest(b, j, s, g, n);
    /* every row tied by intervals: they are too wide to rank anything */
    if (g == n && n > 2 && ipcb_vj_figure(j, j->pick[0]).has_ci)
        ipcb_sbuf_printf(b, " (all %zu: their intervals are too wide to rank them; more "
                            "repeats, more messages or a quieter machine)", n);
    ipcb_sbuf_printf(b, ".");
}
