/* ipcbench: parse the command line, hand the plan to the driver, write. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "cli/cli.h"
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
    if (p->clock_tsc && ipcb_clock_use_tsc(err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        if (made_dir)
            rmdir(outdir);
        return 2;
    }
    /* every fifo and AF_UNIX cell, and the run's ledger, need $TMPDIR */
    const char *tmp = getenv("TMPDIR");
    if (tmp && *tmp && access(tmp, W_OK | X_OK) != 0) {
        fprintf(stderr, "ipcbench: TMPDIR=%s cannot hold the run's private directories (%s); "
                "point it at a writable directory, or unset it to use /tmp\n", tmp,
                strerror(errno));
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
    out.table = out.sink.stdout_taken ? stderr : stdout;
    if (!p->quiet)
        ipcb_write_table_header(out.table);
    int outcome = ipcb_run_plan(p, &res, on_row, &out);
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
    if (!p->quiet)
        fprintf(stderr, "results in %s/\n", outdir);
    if (outcome > 1)
        fprintf(stderr, "ipcbench: interrupted by SIG%s; partial results written\n",
                sigabbrev_np(outcome));
    for (size_t i = 0; i < res.n_rows; i++) {
        free(res.rows[i].hist);
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
    case IPCB_CMD_RUN: return cmd_run(&plan);
    case IPCB_CMD_CLEANUP: return ipcb_cleanup(plan.quiet);
    case IPCB_CMD_COMPARE: return ipcb_compare(&plan);
    case IPCB_CMD_PLOT: {
        /* bad input or no gnuplot: 2; gnuplot or writing failed: 1 */
        int rc = ipcb_plot(plan.plot_dir, NULL, plan.quiet, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "ipcbench: %s\n", err);
        return rc == 0 ? 0 : rc == -EIO ? 1 : 2;
    }
    }
    return 2;
}
