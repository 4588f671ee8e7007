/* --repeat's merge: a cell's row from its repeats, column by column as the
 * column table says. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ipcbench/columns.h"
#include "ipcbench/results.h"
#include "run/repeats.h"

/* every column says how its repeats combine, --percentiles' own too */
static void every_column_has_a_rule(void)
{
    const double extra[] = {75, 99.999};
    for (int pass = 0; pass < 2; pass++) {
        char err[128];
        if (pass == 1)
            CHECK(ipcb_columns_use_percentiles(extra, 2, err, sizeof err) == 0, "%s", err);
        size_t n;
        const struct ipcb_column *cols = ipcb_columns(&n);
        for (size_t c = 0; c < n; c++) {
            CHECK(cols[c].repeats != IPCB_REPEATS_UNSET, "column %s says how repeats combine",
                  cols[c].name);
            CHECK(*ipcb_column_repeats_text(&cols[c]), "column %s's rule in words",
                  cols[c].name);
        }
    }
    ipcb_columns_use_default();
}

/* a rate pattern's repeat: 1000 latencies of base ns, its schedule and pace */
static struct ipcb_result rate_repeat(uint64_t base, double max, double achieved)
{
    struct ipcb_hist *h = malloc(sizeof *h);
    ipcb_hist_init(h);
    for (uint64_t v = 0; v < 1000; v++)
        ipcb_hist_record(h, base + v);
    struct ipcb_result r = {.transport = "pipe", .pattern = "rate", .size_bytes = 64,
                            .messages = 1000, .seconds = 0.5, .msgs_per_s = achieved,
                            .latency_kind = "one-way", .hist = h, .procs = 2,
                            .offered_per_s = max / 2, .achieved_per_s = achieved,
                            .max_per_s = max, .behind_max_ns = base, .cpu_user_s = 0.25,
                            .cpu_ns_per_msg = (double)base, .status = IPCB_OK,
                            .roles = {{.role = "producer", .cpu_user_s = 0.125},
                                      {.role = "consumer", .ctx_switches = 3}},
                            .n_roles = 2};
    ipcb_hist_stats(h, &r.stats);
    return r;
}

static bool value(const char *column, const struct ipcb_result *r, struct ipcb_value *v)
{
    const struct ipcb_column *c = ipcb_column_find(column);
    CHECK(c != NULL, "column %s exists", column);
    return c && ipcb_column_get(c, r, v);
}

/* --rate 50% --repeat 3: each repeat measured its own maximum and offered
 * half of it; the row keeps a maximum, and its offered and achieved rates
 * (and that maximum) are one repeat's, the one that kept its pace worst */
static void rate_columns(void)
{
    struct ipcb_result reps[3] = {
        rate_repeat(1000, 4000, 1990),   /* 99.5 % of 2000 */
        rate_repeat(2000, 4100, 1800),   /* 87.8 % of 2050: the worst */
        rate_repeat(3000, 3900, 1949),   /* 99.9 % of 1950 */
    }, row;
    ipcb_aggregate_repeats(&row, reps, 3);
    struct ipcb_value v;
    CHECK(row.status == IPCB_OK && row.repeats == 3, "three ok repeats make an ok row (%s)",
          row.reason);
    CHECK(value("max_per_s", &row, &v) && v.real == 4100.0,
          "max_per_s survives the merge (%g)", row.max_per_s);
    CHECK(value("offered_per_s", &row, &v) && v.real == 2050.0,
          "offered_per_s is the worst-paced repeat's (%g)", v.real);
    CHECK(value("achieved_per_s", &row, &v) && v.real == 1800.0,
          "achieved_per_s is the same repeat's (%g)", v.real);
    CHECK(value("behind_max_ns", &row, &v) && v.integer == 3000,
          "behind_max_ns is the worst of all (%llu)", (unsigned long long)v.integer);
    CHECK(!ipcb_rate_kept(&row), "a row whose worst repeat fell behind did not keep its rate");
    /* the other rules on the same row */
    CHECK(value("messages", &row, &v) && v.integer == 3000, "messages add up");
    CHECK(value("cpu_user_s", &row, &v) && v.real == 0.75, "CPU adds up");
    CHECK(value("producer_cpu_user_s", &row, &v) && v.real == 0.375,
          "a role's CPU adds up (%g)", v.real);
    CHECK(value("consumer_ctx_switches", &row, &v) && v.integer == 9,
          "a role's context switches add up");
    CHECK(value("msgs_per_s", &row, &v) && v.real == 1949.0 &&
          row.rep_msgs_per_s[1] == 1800.0 && row.rep_msgs_per_s[2] == 1990.0,
          "msgs_per_s is the median, its interval the others (%g)", v.real);
    CHECK(value("cpu_ns_per_msg", &row, &v) && fabs(v.real - 2000.0) < 1e-9,
          "cpu_ns_per_msg over all messages (%g)", v.real);
    CHECK(value("p50_ns", &row, &v) && v.integer == (uint64_t)row.rep_p50_ns[0] &&
          v.integer > 2000 && v.integer < 3000, "p50 is the median repeat's (%llu)",
          (unsigned long long)v.integer);
    CHECK(value("min_ns", &row, &v) && v.integer == 1000 && value("max_ns", &row, &v) &&
          v.integer == 3999, "min and max from the merged histogram");
    CHECK(row.hist && row.hist->total == 3000 && row.stats.count == 3000,
          "the histograms merged");
    CHECK(value("latency_kind", &row, &v) && strcmp(v.text, "one-way") == 0, "latency_kind");
    CHECK(reps[0].hist == NULL && reps[1].hist == NULL, "the merge takes the histograms");
    free(row.hist);
}

/* repeats that must agree and do not fail the row; so does a failure */
static void failures(void)
{
    struct ipcb_result reps[2] = {rate_repeat(1000, 4000, 2000), rate_repeat(1000, 4000, 2000)};
    reps[1].procs = 3;
    struct ipcb_result row;
    ipcb_aggregate_repeats(&row, reps, 2);
    CHECK(row.status == IPCB_FAILED && strstr(row.reason, "procs") && !row.hist,
          "repeats of different procs fail the row (%s)", row.reason);
    reps[0] = rate_repeat(1000, 4000, 2000);
    reps[1] = rate_repeat(1000, 4000, 2000);
    free(reps[1].hist);
    reps[1].hist = NULL;
    reps[1].status = IPCB_FAILED;
    strcpy(reps[1].reason, "consumer: wrong payload");
    ipcb_aggregate_repeats(&row, reps, 2);
    CHECK(row.status == IPCB_FAILED && strcmp(row.reason, "consumer: wrong payload") == 0 &&
          !row.hist, "a failed repeat fails the row with its reason (%s)", row.reason);
    CHECK(reps[0].hist == NULL, "and its histograms are freed");
}

/* a first repeat that timed nothing, or had too few for a p99 */
static void sparse(void)
{
    struct ipcb_result reps[2] = {rate_repeat(1000, 4000, 2000), rate_repeat(2000, 4000, 2000)};
    free(reps[0].hist);
    reps[0].hist = NULL;
    memset(&reps[0].stats, 0, sizeof reps[0].stats);
    reps[0].latency_kind = "";
    struct ipcb_result row;
    ipcb_aggregate_repeats(&row, reps, 2);
    struct ipcb_value v;
    CHECK(row.status == IPCB_OK && value("latency_kind", &row, &v) &&
          strcmp(v.text, "one-way") == 0, "latency_kind from the repeat that timed");
    CHECK(value("p50_ns", &row, &v) && v.integer == row.stats.p50,
          "p50 the one timed repeat's (%llu)", (unsigned long long)v.integer);
    free(row.hist);

    /* 500 timed messages each: no repeat has a p99, and the row has none */
    reps[0] = rate_repeat(1000, 4000, 2000);
    reps[1] = rate_repeat(1000, 4000, 2000);
    for (int i = 0; i < 2; i++) {
        ipcb_hist_init(reps[i].hist);
        for (uint64_t x = 0; x < 500; x++)
            ipcb_hist_record(reps[i].hist, 1000 + x);
        ipcb_hist_stats(reps[i].hist, &reps[i].stats);
    }
    ipcb_aggregate_repeats(&row, reps, 2);
    CHECK(!value("p99_ns", &row, &v) && !value("p99_ns_ci_low", &row, &v),
          "no repeat with a p99: none in the row, nor its interval");
    CHECK(value("p50_ns", &row, &v) && value("p50_ns_ci_low", &row, &v), "but a p50");
    free(row.hist);
}

int main(void)
{
    every_column_has_a_rule();
    rate_columns();
    failures();
    sparse();
    return checks_done();
}
