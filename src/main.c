/* ipcbench: parse the command line, hand the plan to the driver, write. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "run/cleanup.h"
#include "measure/clock.h"
#include "run/driver.h"
#include "ipcbench/plan.h"
#include "ipcbench/results.h"
#include "measure/machine.h"
#include "output/results_dir.h"
#include "plot/plot.h"
#include "report/report.h"

static void print_row(const struct ipcb_result *r, void *arg)
{
    const struct ipcb_plan *p = arg;
    if (!p->quiet) {
        ipcb_write_table_row(stdout, r);
        fflush(stdout);
    }
}

static int write_extra(const char *path, int (*fn)(FILE *, const struct ipcb_results *),
                       const struct ipcb_results *res)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) {
        fprintf(stderr, "ipcbench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = fn(f, res);
    if (f != stdout && fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, "ipcbench: writing %s failed\n", path);
    return rc;
}

static int cmd_run(struct ipcb_plan *p)
{
    char outdir[4096], err[512];
    if (ipcb_prepare_outdir(p->outdir, outdir, sizeof outdir, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        return 2;
    }
    if (p->clock_tsc && ipcb_clock_use_tsc(err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        rmdir(outdir); /* made a moment ago, still empty */
        return 2;
    }
    struct ipcb_results res = {0};
    ipcb_collect_meta(p, &res.meta);
    if (!p->quiet)
        ipcb_write_table_header(stdout);
    int outcome = ipcb_run_plan(p, &res, print_row, p);
    struct rusage self;
    if (getrusage(RUSAGE_SELF, &self) == 0)
        res.meta.driver_max_rss_kib = self.ru_maxrss;

    int rc = outcome == 0 ? 0 : outcome == 1 ? 1 : 128 + outcome;
    if (ipcb_write_results_dir(outdir, &res, err, sizeof err) != 0) {
        fprintf(stderr, "ipcbench: %s\n", err);
        rc = rc ? rc : 1;
    }
    if (p->csv_path && write_extra(p->csv_path, ipcb_write_csv, &res))
        rc = rc ? rc : 1;
    if (p->json_path && write_extra(p->json_path, ipcb_write_json, &res))
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
    case IPCB_CMD_PLOT: {
        /* bad input or no gnuplot: 2; gnuplot or writing failed: 1 */
        int rc = ipcb_plot(plan.plot_dir, NULL, plan.quiet, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "ipcbench: %s\n", err);
        return rc == 0 ? 0 : rc == -EIO ? 1 : 2;
    }
    case IPCB_CMD_REPORT: {
        /* bad input: 2; the page could not be made or written: 1 */
        int rc = ipcb_report(plan.plot_dir, plan.report_out, plan.quiet, stderr, err,
                             sizeof err);
        if (rc != 0)
            fprintf(stderr, "ipcbench: %s\n", err);
        return rc == 0 ? 0 : rc == -EIO || rc == -ENOMEM ? 1 : 2;
    }
    }
    return 2;
}
