/* --help: the core's options, then each plugin's own and the patterns,
 * read from the registries so a new one shows up without an edit here. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"

/* text whose lines after the first start in the help column */
static void help_lines(FILE *f, const char *text)
{
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        fprintf(f, "%s%.*s\n", s == text ? "" : "                         ", (int)n, s);
        s += n;
        if (*s == '\n')
            s++;
    }
}

void ipcb_usage(FILE *f)
{
    fprintf(f,
"usage: ipcbench [run] [options]     measure IPC mechanisms\n"
"       ipcbench sync [options]      measure synchronization primitives: hand-off\n"
"                                    latency, and contention of --procs processes\n"
"                                    (--primitive, --procs, --section-bytes)\n"
"       ipcbench list                transports, what each carries, live limits\n"
"       ipcbench plot [-q] DIR       charts of a results directory into DIR/plots/\n"
"                                    (needs gnuplot)\n"
"       ipcbench compare [options] A B [C ...]\n"
"                                    results directories side by side, each\n"
"                                    against A: --threshold PCT (default 5),\n"
"                                    --fail-on-regression (exit 1 when worse),\n"
"                                    -o DIR for the chart (default A/plots/),\n"
"                                    --csv FILE\n"
"       ipcbench report DIR          one HTML page of DIR, charts inline, into\n"
"                                    DIR/report.html (-o FILE: there instead)\n"
"       ipcbench cleanup             remove what runs killed with SIGKILL left behind\n"
"\n"
"  -t, --transport LIST   transports by name, or all (default: all; variants such\n"
"                         as pipe/epoll only by name or --wait)\n"
"      --wait LIST        how each side waits, each strategy a row of its own\n"
"                         <transport>/<strategy>: block (default), spin, poll,\n"
"                         epoll, uring for descriptors and posix-mq; block,\n"
"                         spin for sysv-mq; sem (default), sysv-sem, futex,\n"
"                         eventfd, spin, condvar, signal for shm; or all.\n"
"                         One a transport lacks is a skipped row (alone: an\n"
"                         error)\n"
"  -s, --size LIST        message sizes: 64,4k,1M or ranges 64..1M in powers of two;\n"
"                         units k, M, G are powers of 1024 (default: 64,4k,64k)\n"
"  -p, --pattern LIST     patterns by name (below), or all (default: all)\n"
"  -n, --count N          timed messages per measurement, 10k = 10000 (default: %d)\n"
"  -d, --duration TIME    time each measurement instead: 500ms, 2s, 1.5s\n"
"      --warmup N         messages sent and discarded first (default: %d)\n"
"      --cpu A,B          pin the producer to CPU A and the consumer (and any\n"
"                         further side) to CPU B; smt: two threads of one core,\n"
"                         core: two cores of one package, package: two packages;\n"
"                         same: both on one CPU; cross: on two different CPUs\n"
"                         (default: not pinned, the scheduler places them)\n"
"      --rt-prio N        run every side under SCHED_FIFO at priority N (1-99;\n"
"                         needs root, CAP_SYS_NICE or ulimit -r N)\n"
"      --mlock            every side locks its memory (mlockall) before measuring\n"
"      --pairs N          N groups of a pattern's sides at once, each on its own\n"
"                         channels: per-group and aggregate figures (default: 1)\n"
"      --clock CLOCK      auto (default: tsc where the kernel times with the\n"
"                         TSC itself, else monotonic), monotonic\n"
"                         (CLOCK_MONOTONIC) or tsc (the invariant TSC,\n"
"                         calibrated against CLOCK_MONOTONIC at start)\n"
"      --repeat N         measure each cell N times (1-100), round by round; the\n"
"                         row gives medians with 95%% confidence intervals\n"
"      --percentiles LIST latency percentiles to write, 0 to 100 (default:\n"
"                         50,90,99,99.9,99.99; 50 and 99 always); one with fewer\n"
"                         than 10 samples in its tail is left empty\n"
"      --verify MODE      stream check per message: stamps (sequence, tail and\n"
"                         page stamps; default) or full (every byte)\n"
"      --timeout TIME     fail a measurement that makes no progress this long\n"
"                         (default: 10s)\n",
            IPCB_DEFAULT_COUNT, IPCB_DEFAULT_WARMUP);
    /* two strings: a C99 compiler need take only 4095 characters in one */
    fputs(
"  -o, --output DIR       results directory (default: results/<UTC time>-<host>/)\n"
"      --csv FILE         also write the summary CSV to FILE\n"
"      --json FILE        also write the whole run as one JSON document\n"
"      --json-stream FILE one JSON object per line as each cell finishes\n"
"                         (a FILE of - is stdout; the table then goes to stderr)\n"
"  -q, --quiet            no table, no progress\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n", f);
    fprintf(f, "\nOptions of the transports and patterns:\n");
    const struct ipcb_option *opts[IPCB_MAX_PLUGIN_OPTIONS];
    size_t n = ipcb_plugin_options(opts, IPCB_MAX_PLUGIN_OPTIONS);
    for (size_t i = 0; i < n; i++) {
        char head[64];
        snprintf(head, sizeof head, "--%s%s%s", opts[i]->name, opts[i]->metavar ? " " : "",
                 opts[i]->metavar ? opts[i]->metavar : "");
        fprintf(f, "      %-18s ", head);
        help_lines(f, opts[i]->help);
    }
    size_t n_patterns;
    const struct ipcb_pattern *const *patterns = ipcb_patterns(&n_patterns);
    fprintf(f, "\nPatterns:\n");
    for (size_t i = 0; i < n_patterns; i++) {
        fprintf(f, "  %-22s ", patterns[i]->name);
        help_lines(f, patterns[i]->summary);
    }
    fprintf(f, "\nExit status: 0 all ok, 1 a measurement failed, 2 bad usage, "
               "128+N killed by signal N.\n");
}

