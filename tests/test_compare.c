/* compare's verdict: the threshold rule either way, the interval rule when
 * both rows carry intervals, the figure a cell is judged by, the ratios. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "compare/cells.h"
#include "compare/parts.h"
#include "compare/verdict.h"

static struct ipcb_figure_sample plain(double value)
{
    return (struct ipcb_figure_sample){.value = value};
}

static struct ipcb_figure_sample with_ci(double value, double low, double high)
{
    return (struct ipcb_figure_sample){.value = value, .has_ci = 1, .ci_low = low,
                                       .ci_high = high};
}

/* other against ref; lower is better for a latency */
static void expect(const char *what, struct ipcb_figure_sample ref,
                   struct ipcb_figure_sample other, int latency, double threshold,
                   enum ipcb_verdict verdict, enum ipcb_verdict_rule rule)
{
    struct ipcb_judgement j = ipcb_judge(&ref, &other, latency, threshold);
    CHECK(j.verdict == verdict && j.rule == rule, "%s: %s by %s (got %s by %s, %+.2f%%)", what,
          ipcb_verdict_name(verdict), ipcb_rule_name(rule), ipcb_verdict_name(j.verdict),
          ipcb_rule_name(j.rule), j.change_pct);
}

static void threshold_rule(void)
{
    const enum ipcb_verdict_rule T = IPCB_RULE_THRESHOLD;
    expect("p50 20% higher", plain(1000), plain(1200), 1, 5, IPCB_VERDICT_WORSE, T);
    expect("p50 20% lower", plain(1000), plain(800), 1, 5, IPCB_VERDICT_BETTER, T);
    expect("p50 2% higher at 5%", plain(1000), plain(1020), 1, 5, IPCB_VERDICT_SAME, T);
    expect("p50 2% higher at 1%", plain(1000), plain(1020), 1, 1, IPCB_VERDICT_WORSE, T);
    expect("p50 2% lower at 1%", plain(1000), plain(980), 1, 1, IPCB_VERDICT_BETTER, T);
    expect("exactly the threshold is not more", plain(1000), plain(1050), 1, 5,
           IPCB_VERDICT_SAME, T);
    expect("rate 20% higher", plain(1e6), plain(1.2e6), 0, 5, IPCB_VERDICT_BETTER, T);
    expect("rate 20% lower", plain(1e6), plain(0.8e6), 0, 5, IPCB_VERDICT_WORSE, T);
    expect("equal at threshold 0", plain(1000), plain(1000), 1, 0, IPCB_VERDICT_SAME, T);
    expect("any change at threshold 0", plain(1000), plain(1001), 1, 0, IPCB_VERDICT_WORSE, T);
    expect("a rate from nothing", plain(0), plain(10), 0, 5, IPCB_VERDICT_BETTER, T);
    expect("nothing both times", plain(0), plain(0), 0, 5, IPCB_VERDICT_SAME, T);
    expect("an interval on one side only", with_ci(1000, 900, 1100), plain(1200), 1, 5,
           IPCB_VERDICT_WORSE, T);

    struct ipcb_figure_sample ref = plain(1000), other = plain(1200);
    struct ipcb_judgement j = ipcb_judge(&ref, &other, 1, 5);
    CHECK(fabs(j.change_pct - 20) < 1e-9, "the change is +20%% (%g)", j.change_pct);
}

static void interval_rule(void)
{
    const enum ipcb_verdict_rule I = IPCB_RULE_INTERVALS;
    expect("20% higher, intervals overlap", with_ci(1000, 900, 1150),
           with_ci(1200, 1100, 1350), 1, 5, IPCB_VERDICT_SAME, I);
    expect("3% higher, intervals apart", with_ci(1000, 990, 1010), with_ci(1030, 1025, 1035),
           1, 5, IPCB_VERDICT_WORSE, I);
    expect("3% lower, intervals apart", with_ci(1000, 990, 1010), with_ci(970, 965, 975), 1, 5,
           IPCB_VERDICT_BETTER, I);
    expect("intervals that touch overlap", with_ci(1000, 990, 1010), with_ci(1020, 1010, 1030),
           1, 5, IPCB_VERDICT_SAME, I);
    expect("a rate's interval above", with_ci(1e6, 0.99e6, 1.01e6),
           with_ci(1.02e6, 1.015e6, 1.025e6), 0, 5, IPCB_VERDICT_BETTER, I);
    expect("a rate's interval below", with_ci(1e6, 0.99e6, 1.01e6),
           with_ci(0.98e6, 0.975e6, 0.985e6), 0, 5, IPCB_VERDICT_WORSE, I);
}

/* a row of a cell: ok with p50 and msgs/s (NAN for none) */
static struct ipcb_cmp_row row(double p50, double rate)
{
    return (struct ipcb_cmp_row){.present = 1, .ok = 1, .status = "ok", .p50 = plain(p50),
                                 .rate = plain(rate), .p99_ns = p50};
}

static void cell_figure(void)
{
    struct ipcb_cmp_dir dirs[2] = {{.path = "a", .label = "A"}, {.path = "b", .label = "B"}};
    struct ipcb_cmp_row rows[2] = {row(1000, 1e6), row(1200, 1.3e6)};
    struct ipcb_cmp_cell cell = {.transport = "pipe", .pattern = "pingpong", .size = 64,
                                 .latency = 1, .rows = rows};
    struct ipcb_comparison c = {.dirs = dirs, .n_dirs = 2, .cells = &cell, .n_cells = 1,
                                .threshold_pct = 5};
    struct ipcb_judgement j;
    int by_p50 = -1;
    int rc = ipcb_cmp_judge(&c, &cell, 1, &j, &by_p50);
    CHECK(rc == 0 && by_p50 == 1 && j.verdict == IPCB_VERDICT_WORSE,
          "a latency pattern by its p50 (%d, %d, %s)", rc, by_p50, ipcb_verdict_name(j.verdict));
    CHECK(ipcb_cmp_count(&c, IPCB_VERDICT_WORSE) == 1 && ipcb_cmp_count(&c, IPCB_VERDICT_SAME) == 0,
          "one worse row counted");

    cell.latency = 0;
    rc = ipcb_cmp_judge(&c, &cell, 1, &j, &by_p50);
    CHECK(rc == 0 && by_p50 == 0 && j.verdict == IPCB_VERDICT_BETTER,
          "a throughput pattern by msgs/s (%d, %d, %s)", rc, by_p50,
          ipcb_verdict_name(j.verdict));

    cell.latency = 1;
    rows[1].p50.value = NAN;
    rc = ipcb_cmp_judge(&c, &cell, 1, &j, &by_p50);
    CHECK(rc == 0 && by_p50 == 0, "a latency row that timed nothing: msgs/s (%d, %d)", rc,
          by_p50);

    rows[1] = (struct ipcb_cmp_row){.present = 1, .status = "skipped: too big"};
    CHECK(ipcb_cmp_judge(&c, &cell, 1, &j, &by_p50) == -ENODATA, "a skipped row: no verdict");
    rows[1] = (struct ipcb_cmp_row){0};
    CHECK(ipcb_cmp_judge(&c, &cell, 1, &j, &by_p50) == -ENODATA, "a missing row: no verdict");
    rows[1] = row(1000, 1e6);
    rows[0] = (struct ipcb_cmp_row){.present = 1, .status = "failed: oops"};
    CHECK(ipcb_cmp_judge(&c, &cell, 1, &j, &by_p50) == -ENODATA,
          "a reference that failed: no verdict");
    CHECK(ipcb_cmp_judge(&c, &cell, 0, &j, &by_p50) == -ENODATA,
          "the reference has no verdict of its own");
}

static void ratios_and_text(void)
{
    CHECK(fabs(ipcb_cmp_ratio(1000, 1200) - 1.2) < 1e-12, "ratio 1.2");
    CHECK(isnan(ipcb_cmp_ratio(0, 1200)) && isnan(ipcb_cmp_ratio(1000, NAN)),
          "no ratio without two figures");
    char buf[32];
    ipcb_cmp_show_ns(850, buf, sizeof buf);
    CHECK(strcmp(buf, "850 ns") == 0, "850 ns (%s)", buf);
    ipcb_cmp_show_ns(13300, buf, sizeof buf);
    CHECK(strcmp(buf, "13.3 us") == 0, "13.3 us (%s)", buf);
    ipcb_cmp_show_ns(NAN, buf, sizeof buf);
    CHECK(strcmp(buf, "-") == 0, "- for none (%s)", buf);
    ipcb_cmp_show_rate(4.2e6, buf, sizeof buf);
    CHECK(strcmp(buf, "4.20M") == 0, "4.20M (%s)", buf);
    ipcb_cmp_show_ratio(INFINITY, buf, sizeof buf);
    CHECK(strcmp(buf, "inf") == 0, "an infinite ratio stays in bounds (%s)", buf);
    ipcb_cmp_show_ratio(0.8333, buf, sizeof buf);
    CHECK(strcmp(buf, "0.833") == 0, "0.833 (%s)", buf);
}

int main(void)
{
    threshold_rule();
    interval_rule();
    cell_figure();
    ratios_and_text();
    return checks_done();
}
