/* ipcbench: parse the command line, hand the plan to the driver, write. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "run/cleanup.h"
#include "measure/clock.h"
#include "run/driver.h"
#include "ipcbench/plan.h"
#include "ipcbench/results.h"
#include "measure/machine.h"
#include "output/results_dir.h"
#include "plot/plot.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: ipcbench [run] [options]     measure IPC mechanisms\n"
"       ipcbench list                transports, what each carries, live limits\n"
"       ipcbench plot [-q] DIR       charts of a results directory into DIR/plots/\n"
"                                    (needs gnuplot)\n"
"       ipcbench cleanup             remove what runs killed with SIGKILL left behind\n"
"\n"
"  -t, --transport LIST   transports by name, or all (default: all; variants such\n"
"                         as shm/futex only by name or --notify)\n"
"  -s, --size LIST        message sizes: 64,4k,1M or ranges 64..1M in powers of two;\n"
"                         units k, M, G are powers of 1024 (default: 64,4k,64k)\n"
"  -p, --pattern LIST     pingpong (round-trip latency), stream (throughput), all\n"
"                         (default: all)\n"
"  -n, --count N          timed messages per measurement, 10k = 10000 (default: %d)\n"
"  -d, --duration TIME    time each measurement instead: 500ms, 2s, 1.5s\n"
"      --warmup N         messages sent and discarded first (default: %d)\n"
"      --cpu A,B          pin the producer to CPU A and the consumer to CPU B;\n"
"                         same: both on one CPU; cross: on two different CPUs\n"
"                         (default: not pinned, the scheduler places them)\n"
"      --pairs N          N producer/consumer pairs at once, each on its own\n"
"                         channel: per-pair and aggregate figures (default: 1)\n"
"      --ring-slots N     queue depth of ring transports (default: %d)\n"
"      --notify LIST      how shm's two sides wait for each other, each strategy\n"
"                         its own row shm/<strategy>: sem (default, row shm),\n"
"                         sysv-sem, futex, eventfd, spin, or all\n"
"      --clock CLOCK      monotonic (CLOCK_MONOTONIC, default) or tsc (the\n"
"                         invariant TSC, calibrated against it at start)\n"
"      --verify MODE      stream check per message: stamps (sequence, tail and\n"
"                         page stamps; default) or full (every byte)\n"
"      --timeout TIME     fail a measurement that makes no progress this long\n"
"                         (default: 10s)\n"
"  -o, --output DIR       results directory (default: results/<UTC time>-<host>/)\n"
"      --csv FILE         also write the summary CSV to FILE\n"
"      --json FILE        also write the whole run as one JSON document\n"
"  -q, --quiet            no table, no progress\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n"
"\n"
"Exit status: 0 all ok, 1 a measurement failed, 2 bad usage, 128+N killed by signal N.\n",
            IPCB_DEFAULT_COUNT, IPCB_DEFAULT_WARMUP, IPCB_DEFAULT_RING_SLOTS);
}

static int cmd_list(void)
{
    size_t n;
    const struct ipcb_transport *const *all = ipcb_transports(&n);
    printf("%-15s %-8s %-34s %s\n", "transport", "kind", "largest message (bytes)",
           "description");
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_transport *t = all[i];
        struct ipcb_limit lim;
        ipcb_transport_limit(t, &lim);
        char text[96];
        if (lim.max_message == 0)
            snprintf(text, sizeof text, "no limit");
        else if (lim.setting)
            snprintf(text, sizeof text, "%zu (%s)", lim.max_message, lim.setting);
        else
            snprintf(text, sizeof text, "%zu (fixed)", lim.max_message);
        printf("%-15s %-8s %-34s %s%s\n", t->name,
               t->flags & IPCB_STREAM ? "stream" : "message", text,
               t->flags & IPCB_VARIANT ? "(variant, not in all) " : "", t->summary);
    }
    return 0;
}

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
    case IPCB_CMD_HELP: usage(stdout); return 0;
    case IPCB_CMD_VERSION: printf("ipcbench %s\n", IPCB_VERSION); return 0;
    case IPCB_CMD_LIST: return cmd_list();
    case IPCB_CMD_RUN: return cmd_run(&plan);
    case IPCB_CMD_CLEANUP: return ipcb_cleanup(plan.quiet);
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
