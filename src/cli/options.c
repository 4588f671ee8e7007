/* The core's options as data, and the one list of every option: these
 * first, then each transport's and pattern's own, in registry order. The
 * parser (cli/args.c), --help (cli/usage.c), `ipcbench complete`, the
 * man-page check and meta.json's plan all read this list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/memory_bound.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"

#define RUN IPCB_TAKES(IPCB_CMD_RUN)
#define SYNC IPCB_TAKES(IPCB_CMD_SYNC)
#define MEASURE (RUN | SYNC)
#define COMPARE IPCB_TAKES(IPCB_CMD_COMPARE)
#define VERDICT IPCB_TAKES(IPCB_CMD_VERDICT)
#define EVERY (~0u)

static void wait_names(char *buf, size_t len)
{
    (void)ipcb_wait_every_strategy_name(buf, len);
    ipcb_wrap_list(buf, 55);
}

static void transport_names(char *buf, size_t len)
{
    (void)ipcb_transport_names(buf, len);
    ipcb_wrap_list(buf, 55);
}

static const struct ipcb_option core[] = {
    {.name = "transport", .short_name = 't', .metavar = "LIST", .type = IPCB_OPT_LIST,
     .def = "all", .commands = RUN, IPCB_OPT_IN_PLAN(transport_list), .names = transport_names,
     .help = "transports by name, or all (variants such as pipe/epoll\n"
             "only by name or --wait); without -t, all but those that\n"
             "carry none of the sizes (signal). all is"},
    {.name = "wait", .metavar = "LIST", .type = IPCB_OPT_LIST, .commands = RUN,
     IPCB_OPT_IN_PLAN(wait_list),
     .names = wait_names,
     .help = "how each side waits, each strategy a row of its own\n"
             "<transport>/<strategy> (`ipcbench list` shows each\n"
             "transport's), or all. One a transport lacks is a\n"
             "skipped row (alone: an error). Without it each\n"
             "transport waits its own way (block; shm: sem). The\n"
             "strategies"},
    {.name = "size", .short_name = 's', .metavar = "LIST", .type = IPCB_OPT_LIST,
     .def = "64,4k,64k", .commands = RUN, IPCB_OPT_IN_PLAN(size_list),
     .help = "message sizes: 64,4k,1M or ranges 64..1M in powers\n"
             "of two; units k, M, G are powers of 1024; at most 64M"},
    {.name = "pattern", .short_name = 'p', .metavar = "LIST", .type = IPCB_OPT_LIST,
     .commands = MEASURE, IPCB_OPT_IN_PLAN(pattern_list),
     .help = "patterns by name (below), or all. Without it every\n"
             "pattern but those marked 'on request' below; sync\n"
             "takes those marked (sync)"},
    {.name = "count", .short_name = 'n', .metavar = "N", .type = IPCB_OPT_COUNT, .min = 1,
     .max = UINT64_MAX / 4, .def = "10000", .commands = MEASURE, IPCB_OPT_IN_PLAN(count),
     .help = "timed messages per measurement, 10k = 10000;\n"
             "without -n or -d, 10000 or 0.25 s of them, whichever\n"
             "comes first"},
    {.name = "duration", .short_name = 'd', .metavar = "TIME", .type = IPCB_OPT_DURATION,
     .min = 1, .commands = MEASURE, IPCB_OPT_IN_PLAN(duration_ns),
     .help = "time each measurement instead of counting:\n500ms, 2s, 1.5s"},
    {.name = "warmup", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 0, .max = 1000000000,
     .def = "500", .commands = MEASURE, IPCB_OPT_IN_PLAN(warmup),
     .help = "messages sent and discarded first"},
    {.name = "cpu", .metavar = "A,B", .type = IPCB_OPT_TEXT, .commands = MEASURE,
     IPCB_OPT_IN_PLAN(cpu_list),
     .help = "pin the producer to CPU A and the consumer (and any\n"
             "further side) to CPU B; smt: two threads of one core,\n"
             "core: two cores of one package, package: two packages;\n"
             "same: both on one CPU; cross: on two different CPUs.\n"
             "Without it the scheduler places the sides"},
    {.name = "rt-prio", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 1, .max = 99,
     .commands = MEASURE, IPCB_OPT_IN_PLAN(rt_prio),
     .help = "run every side under SCHED_FIFO at priority N (1-99;\n"
             "needs root, CAP_SYS_NICE or ulimit -r N)"},
    {.name = "mlock", .type = IPCB_OPT_FLAG, .commands = MEASURE, IPCB_OPT_IN_PLAN(mlock),
     .help = "every side locks its memory (mlockall) before measuring"},
    {.name = "pairs", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 1, .max = IPCB_MAX_GROUPS,
     .def = "1", .commands = MEASURE, IPCB_OPT_IN_PLAN(groups),
     .help = "N groups of a pattern's sides at once, each on its own\n"
             "channels: per-group and aggregate figures"},
    {.name = "clock", .metavar = "CLOCK", .type = IPCB_OPT_CHOICE,
     .choices = "auto,monotonic,tsc", .def = "auto", .commands = MEASURE,
     IPCB_OPT_IN_PLAN(clock),
     .help = "auto: tsc where the kernel times with the TSC itself,\n"
             "else monotonic; monotonic (CLOCK_MONOTONIC); tsc (the\n"
             "invariant TSC, calibrated against CLOCK_MONOTONIC at\n"
             "start)"},
    {.name = "repeat", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 1, .max = 100,
     .commands = MEASURE, IPCB_OPT_IN_PLAN(repeat),
     .help = "measure each cell N times (1-100), round by round; the\n"
             "row gives medians with 95% confidence intervals"},
    {.name = "percentiles", .metavar = "LIST", .type = IPCB_OPT_LIST, .commands = MEASURE,
     IPCB_OPT_IN_PLAN(percentiles_list),
     .help = "latency percentiles to write, 0 to 100 (without it\n"
             "50,90,99,99.9,99.99; 50 and 99 always); one with fewer\n"
             "than 10 samples in its tail is left empty"},
    {.name = "verify", .metavar = "MODE", .type = IPCB_OPT_CHOICE, .choices = "stamps,full",
     .def = "stamps", .commands = RUN, IPCB_OPT_IN_PLAN(verify_full),
     .help = "stream check per message: stamps (sequence, tail and\n"
             "page stamps) or full (every byte)"},
    {.name = "max-memory", .metavar = "SIZE", .type = IPCB_OPT_SIZE, .min = 1,
     .commands = RUN, IPCB_OPT_INTO(ipcb_max_memory_opt),
     .help = "refuse a run one of whose cells would map more than\n"
             "SIZE: its channels (ring slots or pool buffers x\n"
             "size) and each side's 3 buffers of size. Without it a\n"
             "quarter of the RAM"},
    {.name = "sides", .metavar = "HOW", .type = IPCB_OPT_CHOICE, .choices = "processes,threads",
     .def = "processes", .commands = MEASURE, IPCB_OPT_IN_PLAN(sides_threads),
     .help = "run a pattern's sides as forked processes or as\n"
             "threads of one process (what isolation costs)"},
    {.name = "timeout", .metavar = "TIME", .type = IPCB_OPT_DURATION, .min = 100000000,
     .def = "10s", .commands = MEASURE, IPCB_OPT_IN_PLAN(timeout_ns),
     .help = "fail a measurement that makes no progress this long"},
    {.name = "output", .short_name = 'o', .metavar = "DIR", .type = IPCB_OPT_TEXT,
     .commands = MEASURE | COMPARE | IPCB_TAKES(IPCB_CMD_REPORT), IPCB_OPT_IN_PLAN(outdir),
     .help = "results directory (run, sync; without it\n"
             "results/<UTC time>-<host>/); compare: where the chart\n"
             "goes (without it A/plots/); report: the page's file"},
    {.name = "csv", .metavar = "FILE", .type = IPCB_OPT_TEXT, .commands = MEASURE | COMPARE,
     IPCB_OPT_IN_PLAN(csv_path), .help = "also write the summary CSV to FILE"},
    {.name = "json", .metavar = "FILE", .type = IPCB_OPT_TEXT, .commands = MEASURE,
     IPCB_OPT_IN_PLAN(json_path), .help = "also write the whole run as one JSON document"},
    {.name = "json-stream", .metavar = "FILE", .type = IPCB_OPT_TEXT, .commands = MEASURE,
     IPCB_OPT_IN_PLAN(json_stream_path),
     .help = "one JSON object per line as each cell finishes\n"
             "(a FILE of - is stdout; the table then goes to stderr)"},
    {.name = "threshold", .metavar = "PCT", .type = IPCB_OPT_TEXT, .def = "5",
     .commands = COMPARE, IPCB_OPT_IN_PLAN(threshold_pct), .parse = ipcb_parse_percentage,
     .help = "a larger change is a difference"},
    {.name = "margin", .metavar = "PCT", .type = IPCB_OPT_TEXT, .def = "10",
     .commands = MEASURE | VERDICT | IPCB_TAKES(IPCB_CMD_REPORT), IPCB_OPT_IN_PLAN(margin_pct),
     .parse = ipcb_parse_percentage,
     .help = "the verdict: rows without repeats' intervals\n"
             "within PCT of the best are tied"},
    {.name = "markdown", .metavar = "FILE", .type = IPCB_OPT_TEXT, .commands = MEASURE | VERDICT,
     IPCB_OPT_IN_PLAN(markdown_path),
     .help = "the table and the verdict as Markdown, with the\n"
             "machine line (- is stdout)"},
    {.name = "fail-on-regression", .type = IPCB_OPT_FLAG, .commands = COMPARE,
     IPCB_OPT_IN_PLAN(fail_on_regression), .help = "exit 1 when a cell is worse"},
    {.name = "quiet", .short_name = 'q', .type = IPCB_OPT_FLAG,
     .commands = MEASURE | COMPARE | IPCB_TAKES(IPCB_CMD_PLOT) | IPCB_TAKES(IPCB_CMD_REPORT) |
                 IPCB_TAKES(IPCB_CMD_CLEANUP) | VERDICT,
     IPCB_OPT_IN_PLAN(quiet), .help = "no table, no progress"},
    {.name = "help", .short_name = 'h', .type = IPCB_OPT_FLAG, .commands = EVERY,
     IPCB_OPT_IN_PLAN(asked_help), .help = "this text"},
    {.name = "version", .short_name = 'V', .type = IPCB_OPT_FLAG, .commands = EVERY,
     IPCB_OPT_IN_PLAN(asked_version), .help = "the version"},
};

#define N_CORE (sizeof core / sizeof core[0])

static const struct ipcb_option *all[IPCB_MAX_OPTIONS];
static size_t n_all;

static void add_list(const struct ipcb_option *const *list)
{
    for (; list && *list && n_all < IPCB_MAX_OPTIONS; list++) {
        size_t i = 0;
        while (i < n_all && all[i] != *list)
            i++;
        if (i == n_all)
            all[n_all++] = *list;
    }
}

const struct ipcb_option *const *ipcb_options(size_t *n)
{
    if (!n_all) {
        size_t n_t, n_p;
        const struct ipcb_transport *const *t = ipcb_transports(&n_t);
        const struct ipcb_pattern *const *p = ipcb_patterns(&n_p);
        for (size_t i = 0; i < N_CORE; i++)
            all[n_all++] = &core[i];
        for (size_t i = 0; i < n_t; i++)
            add_list(t[i]->options);
        for (size_t i = 0; i < n_p; i++)
            add_list(p[i]->options);
    }
    *n = n_all;
    return all;
}

const struct ipcb_option *ipcb_option_find(const char *name)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i]->name, name) == 0)
            return opts[i];
    return NULL;
}

int ipcb_option_is_core(const struct ipcb_option *o)
{
    return o >= core && o < core + N_CORE;
}

int ipcb_parse_percentage(const struct ipcb_option *o, const char *value, void *dest,
                          char *err, size_t errlen)
{
    char *end;
    double v = strtod(value, &end);
    if (end != value && *end == '%')
        end++;
    if (end == value || *end || !(v >= 0) || v > 1e6) {
        snprintf(err, errlen, "--%s '%s': expected a percentage of 0 or more, e.g. 5 or 2.5",
                 o->name, value);
        return -EINVAL;
    }
    memcpy(dest, &v, sizeof v);
    return 0;
}
