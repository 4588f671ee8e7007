/* compare's table and its CSV: every cell, one line per directory, with the
 * figures, their ratios against the first directory and the verdict. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare/parts.h"
#include "ipcbench/results.h"
#include "ipcbench/units.h"

/* a value shown in the unit of the first step it is below */
struct scale {
    double below, divisor;
    const char *format;
};

static void show_scaled(double v, const struct scale *steps, size_t n, char *buf, size_t len)
{
    if (isnan(v)) {
        snprintf(buf, len, "-");
        return;
    }
    size_t i = 0;
    while (i + 1 < n && v >= steps[i].below)
        i++;
    snprintf(buf, len, steps[i].format, v / steps[i].divisor);
}

void ipcb_cmp_show_ns(double ns, char *buf, size_t len)
{
    static const struct scale steps[] = {
        {1e3, 1, "%.0f ns"}, {1e6, 1e3, "%.1f us"}, {1e9, 1e6, "%.2f ms"}, {0, 1e9, "%.2f s"},
    };
    show_scaled(ns, steps, sizeof steps / sizeof steps[0], buf, len);
}

void ipcb_cmp_show_rate(double per_s, char *buf, size_t len)
{
    static const struct scale steps[] = {
        {1e3, 1, "%.0f"}, {1e6, 1e3, "%.1fk"}, {0, 1e6, "%.2fM"},
    };
    show_scaled(per_s, steps, sizeof steps / sizeof steps[0], buf, len);
}

void ipcb_cmp_show_ratio(double ratio, char *buf, size_t len)
{
    static const struct scale steps[] = {{1e3, 1, "%.3f"}, {0, 1, "%.0f"}};
    show_scaled(ratio, steps, sizeof steps / sizeof steps[0], buf, len);
}

/* what the last column says of directory d's row of cell */
static void verdict_text(const struct ipcb_comparison *c, const struct ipcb_cmp_cell *cell,
                         size_t d, char *buf, size_t len)
{
    const struct ipcb_cmp_row *r = &cell->rows[d], *ref = &cell->rows[0];
    struct ipcb_judgement j;
    int by_p50;
    if (!r->present)
        snprintf(buf, len, "not in this directory");
    else if (!r->ok)
        snprintf(buf, len, "%s", r->status);
    else if (d == 0)
        snprintf(buf, len, "reference");
    else if (!ref->present)
        snprintf(buf, len, "no verdict: not in %s", c->dirs[0].label);
    else if (!ref->ok)
        snprintf(buf, len, "no verdict: %s's row is not ok", c->dirs[0].label);
    else if (ipcb_cmp_judge(c, cell, d, &j, &by_p50) != 0)
        snprintf(buf, len, "no verdict: no figure in both");
    else if (j.rule == IPCB_RULE_INTERVALS)
        snprintf(buf, len, "%-6s  %s %+.1f%%, intervals %s", ipcb_verdict_name(j.verdict),
                 by_p50 ? "p50" : "msgs/s", j.change_pct,
                 j.verdict == IPCB_VERDICT_SAME ? "overlap" : "apart");
    else
        snprintf(buf, len, "%-6s  %s %+.1f%%, %s %g%%", ipcb_verdict_name(j.verdict),
                 by_p50 ? "p50" : "msgs/s", j.change_pct,
                 j.verdict == IPCB_VERDICT_SAME ? "within" : "beyond", c->threshold_pct);
}

/* the three ratios of directory d's row against the first directory's */
static void ratios(const struct ipcb_cmp_cell *cell, size_t d, double out[3])
{
    const struct ipcb_cmp_row *r = &cell->rows[d], *ref = &cell->rows[0];
    int both = r->ok && ref->ok;
    out[0] = both ? ipcb_cmp_ratio(ref->p50.value, r->p50.value) : NAN;
    out[1] = both ? ipcb_cmp_ratio(ref->p99_ns, r->p99_ns) : NAN;
    out[2] = both ? ipcb_cmp_ratio(ref->rate.value, r->rate.value) : NAN;
}

void ipcb_cmp_print_table(FILE *f, const struct ipcb_comparison *c)
{
    int tw = 9, pw = 7;
    for (size_t i = 0; i < c->n_cells; i++) {
        int t = (int)strlen(c->cells[i].transport), p = (int)strlen(c->cells[i].pattern);
        tw = t > tw && t <= 24 ? t : tw;
        pw = p > pw && p <= 16 ? p : pw;
    }
    fprintf(f, "\n%-*s %-*s %6s  %-3s %9s %9s %9s %8s %8s %9s  %s\n", tw, "transport", pw,
            "pattern", "size", "dir", "p50", "p99", "msgs/s", "p50 x", "p99 x", "msgs/s x",
            "verdict");
    size_t partial = 0, not_ok = 0;
    for (size_t i = 0; i < c->n_cells; i++) {
        const struct ipcb_cmp_cell *cell = &c->cells[i];
        char size[32];
        ipcb_format_size(cell->size, size, sizeof size);
        int everywhere = 1;
        for (size_t d = 0; d < c->n_dirs; d++) {
            const struct ipcb_cmp_row *r = &cell->rows[d];
            char p50[32], p99[32], rate[32], x[3][32], verdict[640];
            double ratio[3];
            ipcb_cmp_show_ns(r->ok ? r->p50.value : NAN, p50, sizeof p50);
            ipcb_cmp_show_ns(r->ok ? r->p99_ns : NAN, p99, sizeof p99);
            ipcb_cmp_show_rate(r->ok ? r->rate.value : NAN, rate, sizeof rate);
            ratios(cell, d, ratio);
            for (int k = 0; k < 3; k++)
                ipcb_cmp_show_ratio(d ? ratio[k] : NAN, x[k], sizeof x[k]);
            verdict_text(c, cell, d, verdict, sizeof verdict);
            fprintf(f, "%-*s %-*s %6s  %-3s %9s %9s %9s %8s %8s %9s  %s\n", tw,
                    d ? "" : cell->transport, pw, d ? "" : cell->pattern, d ? "" : size,
                    c->dirs[d].label, p50, p99, rate, x[0], x[1], x[2], verdict);
            everywhere &= r->present;
            not_ok += r->present && !r->ok;
        }
        partial += !everywhere;
    }
    fprintf(f, "\n%zu cell%s; rows against %s's: %zu worse, %zu better, %zu the same; "
            "%zu cell%s not in every directory; %zu row%s not ok\n", c->n_cells,
            c->n_cells == 1 ? "" : "s", c->dirs[0].label, ipcb_cmp_count(c, IPCB_VERDICT_WORSE),
            ipcb_cmp_count(c, IPCB_VERDICT_BETTER), ipcb_cmp_count(c, IPCB_VERDICT_SAME),
            partial, partial == 1 ? "" : "s", not_ok, not_ok == 1 ? "" : "s");
    fprintf(f, "(x: the figure over %s's. A verdict compares the p50 of a latency pattern, "
            "else msgs/s:\n by their confidence intervals where both rows have them, else "
            "against the threshold of %g%%)\n", c->dirs[0].label, c->threshold_pct);
}

/* a number with the given decimals, or an empty field */
static void csv_number(FILE *f, double v, int decimals)
{
    fputc(',', f);
    if (!isnan(v))
        fprintf(f, "%.*f", decimals, v);
}

int ipcb_cmp_write_csv(FILE *f, const struct ipcb_comparison *c)
{
    fputs("transport,pattern,size_bytes,dir,p50_ns,p99_ns,msgs_per_s,p50_ratio,p99_ratio,"
          "msgs_per_s_ratio,verdict,rule,status\n", f);
    for (size_t i = 0; i < c->n_cells; i++) {
        const struct ipcb_cmp_cell *cell = &c->cells[i];
        for (size_t d = 0; d < c->n_dirs; d++) {
            const struct ipcb_cmp_row *r = &cell->rows[d];
            double ratio[3];
            struct ipcb_judgement j;
            int by_p50, judged = ipcb_cmp_judge(c, cell, d, &j, &by_p50) == 0;
            ipcb_write_csv_field(f, cell->transport);
            fputc(',', f);
            ipcb_write_csv_field(f, cell->pattern);
            fprintf(f, ",%llu,", (unsigned long long)cell->size);
            ipcb_write_csv_field(f, c->dirs[d].path);
            csv_number(f, r->ok ? r->p50.value : NAN, 0);
            csv_number(f, r->ok ? r->p99_ns : NAN, 0);
            csv_number(f, r->ok ? r->rate.value : NAN, 1);
            ratios(cell, d, ratio);
            for (int k = 0; k < 3; k++)
                csv_number(f, ratio[k], 4);
            fprintf(f, ",%s,%s,", judged ? ipcb_verdict_name(j.verdict) : "",
                    judged ? ipcb_rule_name(j.rule) : "");
            ipcb_write_csv_field(f, r->present ? r->status : "missing");
            fputc('\n', f);
        }
    }
    return ferror(f) ? -EIO : 0;
}
