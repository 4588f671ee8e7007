/* ipcbench: parse the command line, hand the plan to the driver, write. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "cli/memory_bound.h"
#include "ipcbench/columns.h"
#include "ipcbench/units.h"
#include "compare/compare.h"
#include "run/cleanup.h"
#include "measure/clock.h"
#include "run/driver.h"
#include "ipcbench/plan.h"
#include "ipcbench/results.h"
#include "measure/machine.h"
#include "output/results_dir.h"
#include "output/sink.h"
#include "plot/plot.h"
#include "report/report.h"
#include "verdict/verdict.h"

/* what the driver hands back after each cell: the table line, and the cell
 * on disk at once */
struct run_out {
    const struct ipcb_plan *p;
    struct ipcb_sink sink;
    FILE *table;                /* stdout, or stderr when a data stream owns stdout */
    int write_failed;
};

static void on_row(const struct ipcb_result *r, void *arg)
{
    struct run_out *out = arg;
    char err[512];
    if (!out->p->quiet) {
        ipcb_write_table_row(out->table, r);
        fflush(out->table);
    }
    if (!out->write_failed && ipcb_sink_row(&out->sink, r, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        out->write_failed = 1;
    }
}

/* one note per percentile that some row had too few messages for */
static void percentile_notes(const struct ipcb_results *res)
{
    size_t n;
    const struct ipcb_column *cols = ipcb_columns(&n);
    for (size_t c = 0; c < n; c++) {
        if (!cols[c].is_percentile)
            continue;
        uint64_t needs = ipcb_percentile_needs(cols[c].percentile);
        size_t short_rows = 0;
        for (size_t i = 0; i < res->n_rows; i++)
            short_rows += res->rows[i].status == IPCB_OK && res->rows[i].stats.count &&
                          res->rows[i].stats.count < needs;
        if (short_rows)
            fprintf(stderr, "ipcbench: note: %s needs %llu timed messages for %d samples in "
                    "its tail; %zu row%s with fewer leave%s it empty (raise -n or -d)\n",
                    cols[c].name, (unsigned long long)needs, IPCB_TAIL_SAMPLES, short_rows,
                    short_rows == 1 ? "" : "s", short_rows == 1 ? "s" : "");
    }
}

/* one note when some rows' latency is of a sample of their messages */
static void sampled_note(const struct ipcb_results *res)
{
    size_t rows = 0;
    uint64_t least = UINT64_MAX, most = 0;
    for (size_t i = 0; i < res->n_rows; i++) {
        const struct ipcb_result *r = &res->rows[i];
        if (r->status != IPCB_OK || r->latency_every <= 1)
            continue;
        rows++;
        if (r->latency_every < least) least = r->latency_every;
        if (r->latency_every > most) most = r->latency_every;
    }
    if (rows == 0)
        return;
    char span[48];
    if (least == most)
        snprintf(span, sizeof span, "%llu", (unsigned long long)least);
    else
        snprintf(span, sizeof span, "%llu to %llu", (unsigned long long)least,
                 (unsigned long long)most);
    fprintf(stderr, "ipcbench: note: %zu row%s time%s the latency of one message in %s, "
            "where two clock reads would be a visible part of a message's time "
            "(latency_every); every message is still checked and counted "
            "(--latency-every 1 times each one)\n",
            rows, rows == 1 ? "" : "s", rows == 1 ? "s" : "", span);
}

static void on_repeat(const struct ipcb_result *r, void *arg)
{
    struct run_out *out = arg;
    char err[512];
    if (!out->write_failed && ipcb_sink_repeat(&out->sink, r, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        out->write_failed = 1;
    }
}

/* one line per cell whose repeats disagree by more than 5 % of their median */
static void interval_warnings(const struct ipcb_results *res)
{
    for (size_t i = 0; i < res->n_rows; i++) {
        const struct ipcb_result *r = &res->rows[i];
        if (r->status != IPCB_OK || r->repeats < 2)
            continue;
        const double *figs[] = {r->rep_p50_ns, r->rep_msgs_per_s};
        const char *names[] = {"p50", "msgs/s"};
        char sz[32];
        ipcb_format_size(r->size_bytes, sz, sizeof sz);
        for (int k = 0; k < 2; k++) {
            const double *f = figs[k];
            double half = f[0] > 0 ? (f[2] - f[1]) / 2.0 / f[0] : 0.0;
            if (half > 0.05)
                fprintf(stderr, "ipcbench: note: %s %s %s: the %s interval is +-%.0f%% of its "
                        "median over %llu repeats (%.4g .. %.4g); differences smaller than "
                        "that are noise\n", r->transport, r->pattern, sz, names[k],
                        half * 100.0, (unsigned long long)r->repeats, f[1], f[2]);
        }
    }
}

/* what the run needs of the machine before it measures: the clock asked
 * for, SCHED_FIFO for --rt-prio, a usable TMPDIR. 0, or -1 with err. */
static int machine_ready(const struct ipcb_plan *p, char *err, size_t errlen)
{
    /* auto takes the TSC only where the kernel trusts it, and otherwise
     * (or should calibration fail, which leaves it unset) stays with
     * CLOCK_MONOTONIC without a word: it is a default, not a request */
    if (p->clock == IPCB_CLOCK_AUTO) {
        if (ipcb_clock_tsc_trusted())
            (void)ipcb_clock_use_tsc(err, errlen);
    } else if (p->clock == IPCB_CLOCK_TSC && ipcb_clock_use_tsc(err, errlen) != 0) {
        return -1;
    }
    /* --rt-prio: find out now, not in every side, whether SCHED_FIFO is allowed
     * (the driver tries it on itself and goes back) */
    if (p->rt_prio) {
        struct sched_param rt = {.sched_priority = p->rt_prio}, normal = {0};
        if (sched_setscheduler(0, SCHED_FIFO, &rt) != 0) {
            snprintf(err, errlen, "--rt-prio %d: SCHED_FIFO is not permitted here (%s); "
                     "run as root, with CAP_SYS_NICE, or after ulimit -r %d", p->rt_prio,
                     strerror(errno), p->rt_prio);
            return -1;
        }
        sched_setscheduler(0, SCHED_OTHER, &normal);
    }
    /* every fifo and AF_UNIX cell, and the run's ledger, need $TMPDIR */
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp && access(tmp, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "TMPDIR=%s cannot hold the run's private directories (%s); "
                 "point it at a writable directory, or unset it to use /tmp", tmp,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int cmd_run(struct ipcb_plan *p)
{
    char outdir[4096], err[512];
    /* a directory this run makes is removed again if the run stops before
     * measuring; one the user had is left as it was */
    const int made_dir = !p->outdir || access(p->outdir, F_OK) != 0;
    if (ipcb_prepare_outdir(p->outdir, outdir, sizeof outdir, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return 2;
    }
    if (machine_ready(p, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        if (made_dir)
            rmdir(outdir);
        return 2;
    }
    struct ipcb_results res = {0};
    ipcb_collect_meta(p, &res.meta);
    struct run_out out = {.p = p};
    const struct ipcb_sink_paths paths = {p->csv_path, p->json_path, p->json_stream_path};
    if (ipcb_sink_open(&out.sink, outdir, &paths, &res.meta, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        ipcb_sink_close(&out.sink, NULL, err, sizeof err);
        if (made_dir)
            rmdir(outdir);
        return 2;
    }
    /* a data stream, or the Markdown at the end, owns stdout: the table goes aside */
    int md_stdout = p->markdown_path && strcmp(p->markdown_path, "-") == 0;
    out.table = out.sink.stdout_taken || md_stdout ? stderr : stdout;
    if (!p->quiet) {
        ipcb_memory_statement(p, stderr);
        ipcb_write_table_header(out.table);
    }
    int outcome = ipcb_run_plan(p, &res, on_row, on_repeat, &out);
    struct rusage self;
    if (getrusage(RUSAGE_SELF, &self) == 0)
        res.meta.driver_max_rss_kib = self.ru_maxrss;
    res.meta.complete = outcome <= 1;

    int rc = outcome == 0 ? 0 : outcome == 1 ? 1 : 128 + outcome;
    if (ipcb_sink_close(&out.sink, &res, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        rc = rc ? rc : 1;
    }
    if (out.write_failed)
        rc = rc ? rc : 1;
    if (!p->quiet) {
        percentile_notes(&res);
        sampled_note(&res);
        interval_warnings(&res);
    }
    if (ipcb_run_verdict(outdir, p, out.table) != 0)
        rc = rc ? rc : 1;
    if (!p->quiet)
        fprintf(stderr, "results in %s/\n", outdir);
    if (outcome > 1)
        fprintf(stderr, "ipcbench: interrupted by SIG%s; partial results written\n",
                sigabbrev_np(outcome));
    for (size_t i = 0; i < res.n_rows; i++) {
        free(res.rows[i].hist);
        free(res.rows[i].hist_uncorrected);
        free(res.rows[i].pairs);
    }
    free(res.rows);
    return rc;
}

int main(int argc, char **argv)
{
    struct ipcb_plan plan;
    char err[512];
    if (ipcb_parse_args(argc, argv, &plan, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return 2;
    }
    switch (plan.command) {
    case IPCB_CMD_HELP: ipcb_usage(stdout); return 0;
    case IPCB_CMD_VERSION: printf("ipcbench %s\n", IPCB_VERSION); return 0;
    case IPCB_CMD_LIST: return ipcb_list();
    case IPCB_CMD_RUN: case IPCB_CMD_SYNC: return cmd_run(&plan);
    case IPCB_CMD_CLEANUP: return ipcb_cleanup(plan.quiet);
    case IPCB_CMD_COMPLETE:
        if (ipcb_complete(stdout, plan.complete_what, err, sizeof err) == 0)
            return 0;
        fprintf(stderr, "ipcbench: %s\n", err);
        return 2;
    case IPCB_CMD_COMPARE: return ipcb_compare(&plan);
    case IPCB_CMD_VERDICT: return ipcb_verdict_command(&plan);
    case IPCB_CMD_PLOT: {
        /* bad input or no gnuplot: 2; gnuplot or writing failed: 1 */
        int rc = ipcb_plot(plan.plot_dir, NULL, plan.quiet, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "ipcbench: %s\n", err);
        return rc == 0 ? 0 : rc == -EIO ? 1 : 2;
    }
    case IPCB_CMD_REPORT: {
        /* bad input: 2; the page could not be made or written: 1 */
        int rc = ipcb_report(plan.plot_dir, plan.report_out, plan.margin_pct, plan.quiet,
                             stderr, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "ipcbench: %s\n", err);
        return rc == 0 ? 0 : rc == -EIO || rc == -ENOMEM ? 1 : 2;
    }
    }
    return 2;
}
