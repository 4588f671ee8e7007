/* What the command line asked for, handed to the driver. */
#ifndef IPCBENCH_PLAN_H
#define IPCBENCH_PLAN_H

/* the default run's cap on one measurement's timed span (plan.cap_ns) */
#define IPCB_DEFAULT_CAP_NS 250000000ull

#include <stddef.h>
#include <stdint.h>

#include "ipcbench/pattern.h"
#include "ipcbench/transport.h"
#include "ipcbench/units.h"

/* rows of transports: enough for -t all --wait all */
#define IPCB_MAX_TRANSPORTS 128
#define IPCB_MAX_PATTERNS 16
#define IPCB_MAX_GROUPS 64

#define IPCB_DEFAULT_COUNT 10000
#define IPCB_DEFAULT_WARMUP 500
#define IPCB_DEFAULT_TIMEOUT_NS (10ull * 1000000000ull)
#define IPCB_DEFAULT_THRESHOLD_PCT 5.0

enum ipcb_command { IPCB_CMD_RUN, IPCB_CMD_LIST, IPCB_CMD_PLOT, IPCB_CMD_CLEANUP,
                    IPCB_CMD_HELP, IPCB_CMD_VERSION, IPCB_CMD_COMPLETE, IPCB_CMD_COMPARE,
                    IPCB_CMD_REPORT, IPCB_CMD_SYNC, IPCB_CMD_VERDICT };

/* --clock: auto (the default) is the TSC where the kernel trusts it */
enum ipcb_clock_choice { IPCB_CLOCK_AUTO, IPCB_CLOCK_MONOTONIC, IPCB_CLOCK_TSC };

static inline const char *ipcb_clock_name(enum ipcb_clock_choice c)
{
    return c == IPCB_CLOCK_TSC ? "tsc" : c == IPCB_CLOCK_MONOTONIC ? "monotonic" : "auto";
}

struct ipcb_plan {
    enum ipcb_command command;
    const struct ipcb_transport *transports[IPCB_MAX_TRANSPORTS];
    size_t n_transports;
    const char *transport_list; /* -t LIST as given (or its default, all) */
    const char *wait_list;      /* --wait LIST as given, NULL when not */
    const char *pattern_list;   /* -p LIST as given, NULL when not */
    const char *size_list;      /* -s LIST as given (or its default) */
    const char *cpu_list;       /* --cpu as given, NULL when not */
    const char *percentiles_list;   /* --percentiles as given, NULL when not */
    const struct ipcb_pattern *patterns[IPCB_MAX_PATTERNS];
    size_t n_patterns;
    uint64_t sizes[IPCB_SIZE_LIST_MAX];
    size_t n_sizes;
    uint64_t count;             /* timed messages; 0 when duration bounds the run */
    uint64_t duration_ns;       /* 0 when count bounds the run */
    /* the default count's time cap: a run given neither -n nor -d counts
     * its messages but ends each measurement after this long, in the
     * patterns whose producer can end it (pingpong, stream, pipeline,
     * server, workers); 0: none */
    uint64_t cap_ns;
    uint64_t warmup;
    uint64_t timeout_ns;        /* a side silent this long fails the run */
    /* the first side of a pattern on cpu[0], every other side on cpu[1];
     * -1 = not pinned */
    int cpu[2];
    const char *cpu_mode;       /* "same", "cross", "pair" or NULL (not pinned) */
    size_t groups;              /* --pairs: groups of sides at once, each on its own channels */
    size_t repeat;              /* --repeat: each cell measured this often, round by round */
    int rt_prio;                /* --rt-prio: SCHED_FIFO priority of every side, 0 = none */
    int mlock;                  /* --mlock: every side locks its memory before measuring */
    int verify_full;            /* stream: check every payload byte, not only stamps */
    int sides_threads;          /* --sides threads: a measurement's sides are threads of one process */
    enum ipcb_clock_choice clock;   /* --clock as asked; what it came to is ipcb_tsc_mult */
    int quiet;
    int asked_help, asked_version;  /* -h, -V */
    const char *outdir;         /* NULL: results/<date>-<host>/ */
    const char *csv_path;
    const char *json_path;
    const char *json_stream_path;   /* --json-stream: a line per finished cell */
    const char *complete_what;  /* for `complete`: the list it prints */
    /* for `compare`, which also takes -o (where the chart goes), --csv and -q */
    char **compare_dirs;        /* the results directories, the first the reference */
    size_t n_compare_dirs;
    double threshold_pct;       /* --threshold: a larger change is a difference */
    int fail_on_regression;     /* exit 1 when a cell is worse */
    const char *plot_dir;       /* the results directory of `plot` and `report` */
    const char *report_out;     /* `report -o FILE`; NULL: DIR/report.html */
    const char *markdown_path;  /* --markdown FILE: table and verdict as Markdown */
    double margin_pct;          /* --margin: the verdict's ties without intervals */
    int argc;
    char **argv;
};

/* cli/args.c: parse argv into plan (every option of ipcb_options(), then
 * cli/plan_make.c's lists); 0, or -EINVAL with one line in err */
int ipcb_parse_args(int argc, char **argv, struct ipcb_plan *plan,
                    char *err, size_t errlen);

/* cli/wait_rows.c: every transport of the plan (or only `only`, which
 * must be there) replaced by its rows for the wait strategies in LIST, in
 * order: itself for its own strategy, its variant "<transport>/<strategy>",
 * or a row to skip when it has no such strategy; option names the option in
 * err. 0, or -EINVAL with one line in err. */
int ipcb_wait_expand(struct ipcb_plan *plan, const char *list,
                     const struct ipcb_transport *only, const char *option,
                     char *err, size_t errlen);

#endif
