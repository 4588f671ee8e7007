/* The command line: parse and validate into a plan. Nothing here prints;
 * every refusal is one line in err and -EINVAL. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ipcbench/columns.h"
#include "measure/topology.h"
#include "ipcbench/plan.h"
#include "sync/sync_plan.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)
#define LARGEST_MESSAGE (64ull << 20)   /* the largest --size ipcbench sends */

enum { OPT_WARMUP = 256, OPT_CPU, OPT_CSV, OPT_JSON, OPT_JSON_STREAM, OPT_TIMEOUT,
       OPT_VERIFY, OPT_PAIRS, OPT_CLOCK, OPT_RT_PRIO, OPT_MLOCK, OPT_PERCENTILES, OPT_WAIT,
       OPT_REPEAT,
       OPT_PLUGIN = 1024 };
enum { OPT_THRESHOLD = 512, OPT_FAIL_ON_REGRESSION };    /* compare's */

/* the core's own options; the plugins' are added after them at parse time */
static const struct option core_opts[] = {
    {"transport", required_argument, NULL, 't'},
    {"size", required_argument, NULL, 's'},
    {"pattern", required_argument, NULL, 'p'},
    {"count", required_argument, NULL, 'n'},
    {"duration", required_argument, NULL, 'd'},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"cpu", required_argument, NULL, OPT_CPU},
    {"output", required_argument, NULL, 'o'},
    {"csv", required_argument, NULL, OPT_CSV},
    {"json", required_argument, NULL, OPT_JSON},
    {"json-stream", required_argument, NULL, OPT_JSON_STREAM},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"verify", required_argument, NULL, OPT_VERIFY},
    {"pairs", required_argument, NULL, OPT_PAIRS},
    {"clock", required_argument, NULL, OPT_CLOCK},
    {"rt-prio", required_argument, NULL, OPT_RT_PRIO},
    {"mlock", no_argument, NULL, OPT_MLOCK},
    {"percentiles", required_argument, NULL, OPT_PERCENTILES},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {"wait", required_argument, NULL, OPT_WAIT},
    {"threshold", required_argument, NULL, OPT_THRESHOLD},
    {"fail-on-regression", no_argument, NULL, OPT_FAIL_ON_REGRESSION},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

const struct option *ipcb_core_options(size_t *count)
{
    *count = sizeof core_opts / sizeof core_opts[0] - 1;
    return core_opts;
}

/* drop repeats, keep the order given */
static void drop_repeats(struct ipcb_plan *p)
{
    size_t w = 0;
    for (size_t i = 0; i < p->n_transports; i++) {
        size_t j = 0;
        while (j < w && p->transports[j] != p->transports[i])
            j++;
        if (j == w)
            p->transports[w++] = p->transports[i];
    }
    p->n_transports = w;
}

static int parse_transports(const char *s, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    char buf[512];
    if (!*s)
        FAIL("empty transport list (try 'ipcbench list' for the names, or 'all')");
    if (strlen(s) >= sizeof buf)
        FAIL("transport list too long");
    strcpy(buf, s);
    p->n_transports = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "all") == 0) {
            /* variants (shm/futex) only by name or --notify */
            for (size_t i = 0; i < n_all && p->n_transports < IPCB_MAX_TRANSPORTS; i++)
                if (!(all[i]->flags & IPCB_VARIANT))
                    p->transports[p->n_transports++] = all[i];
            continue;
        }
        const struct ipcb_transport *t = ipcb_transport_find(tok);
        if (!t) {
            /* the variants are too many to name here: `list` shows them */
            char names[400] = "";
            for (size_t i = 0; i < n_all; i++)
                if (!(all[i]->flags & IPCB_VARIANT)) {
                    strncat(names, all[i]->name, sizeof names - strlen(names) - 1);
                    strncat(names, ", ", sizeof names - strlen(names) - 1);
                }
            FAIL("unknown transport '%s' (known: %sall, and variants such as pipe/epoll: "
                 "see ipcbench list)", tok, names);
        }
        if (p->n_transports >= IPCB_MAX_TRANSPORTS)
            FAIL("too many transports (at most %d)", IPCB_MAX_TRANSPORTS);
        p->transports[p->n_transports++] = t;
    }
    if (p->n_transports == 0 || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
        FAIL("transport list '%s' has an empty item", s);
    drop_repeats(p);
    return 0;
}

/* The subcommands; usage is how the refusal of an unknown one names it, NULL
 * for those --help does not show (help, complete: for the completion
 * scripts). cli/complete.c lists the shown ones from here too. */
static const struct ipcb_command_name commands[] = {
    {"run", IPCB_CMD_RUN, "run"},
    {"sync", IPCB_CMD_SYNC, "sync"},
    {"list", IPCB_CMD_LIST, "list"},
    {"plot", IPCB_CMD_PLOT, "plot DIR"},
    {"compare", IPCB_CMD_COMPARE, "compare A B"},
    {"report", IPCB_CMD_REPORT, "report DIR"},
    {"cleanup", IPCB_CMD_CLEANUP, "cleanup"},
    {"help", IPCB_CMD_HELP, NULL},
    {"complete", IPCB_CMD_COMPLETE, NULL},
};

const struct ipcb_command_name *ipcb_commands(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

/* pattern names from the registry, or all; repeats dropped, order kept */
static int parse_patterns(const char *s, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all;
    const struct ipcb_pattern *const *all = ipcb_patterns(&n_all);
    char buf[256], names[256] = "";
    for (size_t i = 0; i < n_all; i++)
        if (all[i]->runs_on == IPCB_ON_TRANSPORT)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     names[0] ? ", " : "", all[i]->name);
    if (!*s || strlen(s) >= sizeof buf || s[0] == ',' || s[strlen(s) - 1] == ',' ||
        strstr(s, ",,"))
        FAIL("pattern list '%s' is empty or has an empty item (use %s or all)", s, names);
    strcpy(buf, s);
    p->n_patterns = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const struct ipcb_pattern *pick[IPCB_MAX_PATTERNS];
        size_t n_pick = 0;
        if (strcmp(tok, "all") == 0) {
            for (size_t i = 0; i < n_all && n_pick < IPCB_MAX_PATTERNS; i++)
                if (all[i]->runs_on == IPCB_ON_TRANSPORT)
                    pick[n_pick++] = all[i];
        } else if ((pick[0] = ipcb_pattern_find(tok)) != NULL) {
            if (pick[0]->runs_on != IPCB_ON_TRANSPORT)
                FAIL("pattern '%s' runs on synchronization primitives: ipcbench sync", tok);
            n_pick = 1;
        } else {
            FAIL("unknown pattern '%s' (use %s or all)", tok, names);
        }
        for (size_t i = 0; i < n_pick; i++) {
            size_t j = 0;
            while (j < p->n_patterns && p->patterns[j] != pick[i])
                j++;
            if (j == p->n_patterns && p->n_patterns < IPCB_MAX_PATTERNS)
                p->patterns[p->n_patterns++] = pick[i];
        }
    }
    return 0;
}

/* --percentiles 50,99.9,99.999: numbers from 0 to 100 */
static int parse_percentiles(const char *s, char *err, size_t errlen)
{
    double p[IPCB_MAX_PERCENTILES];
    size_t n = 0;
    if (!*s || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
        FAIL("--percentiles '%s' is empty or has an empty item (e.g. 50,99,99.9)", s);
    for (const char *at = s; *at;) {
        char *end;
        errno = 0;
        double v = strtod(at, &end);
        if (end == at || errno || (*end && *end != ',') || !(v >= 0.0 && v <= 100.0))
            FAIL("--percentiles: '%.*s' is not a percentile from 0 to 100", (int)strcspn(at, ","),
                 at);
        if (n == IPCB_MAX_PERCENTILES)
            FAIL("--percentiles: at most %d", IPCB_MAX_PERCENTILES);
        p[n++] = v;
        at = *end ? end + 1 : end;
    }
    return ipcb_columns_use_percentiles(p, n, err, errlen);
}

static int parse_cpu_number(const char *s, const cpu_set_t *allowed, int *cpu, char *err,
                            size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0)
        FAIL("--cpu: '%s' is not a CPU number (use A,B, e.g. --cpu 0,1)", s);
    if (v >= CPU_SETSIZE || !CPU_ISSET((int)v, allowed))
        FAIL("--cpu: CPU %ld is not available here (this process may use CPUs 0..%d)", v,
             CPU_COUNT(allowed) - 1);
    *cpu = (int)v;
    return 0;
}

static int parse_cpus(const char *s, int cpu[2], char *err, size_t errlen)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        FAIL("--cpu: cannot read this process's CPU affinity");
    /* the first one or two CPUs this process may use */
    int first = -1, second = -1;
    for (int c = 0; c < CPU_SETSIZE && second < 0; c++)
        if (CPU_ISSET(c, &allowed)) {
            if (first < 0) first = c;
            else second = c;
        }
    if (strcmp(s, "same") == 0) {
        cpu[0] = cpu[1] = first;
        return 0;
    }
    if (strcmp(s, "cross") == 0) {
        if (second < 0)
            FAIL("--cpu cross needs two CPUs, and this process may use only CPU %d", first);
        cpu[0] = first;
        cpu[1] = second;
        return 0;
    }
    int rc = ipcb_topology_pick(s, &allowed, cpu, err, errlen);
    if (rc != -EINVAL)
        return rc;
    const char *comma = strchr(s, ',');
    char a[32];
    if (!comma || strchr(comma + 1, ',') || (size_t)(comma - s) >= sizeof a)
        FAIL("--cpu '%s': expected A,B (producer and consumer CPU), same, cross, smt, core "
             "or package", s);
    memcpy(a, s, (size_t)(comma - s));
    a[comma - s] = '\0';
    rc = parse_cpu_number(a, &allowed, &cpu[0], err, errlen);
    if (rc == 0)
        rc = parse_cpu_number(comma + 1, &allowed, &cpu[1], err, errlen);
    return rc;
}

/* compare's --threshold: a percentage, 0 or more, "%" allowed after it */
static int parse_threshold(const char *s, double *pct, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s && *end == '%')
        end++;
    if (end == s || *end || errno || !(v >= 0) || v > 1e6)
        FAIL("--threshold '%s': expected a percentage of 0 or more, e.g. 5 or 2.5", s);
    *pct = v;
    return 0;
}

static int validate(struct ipcb_plan *p, int have_count, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->n_sizes; i++)
        if (p->sizes[i] > LARGEST_MESSAGE) {
            char sz[32];
            ipcb_format_size(p->sizes[i], sz, sizeof sz);
            FAIL("--size %s is larger than the largest message ipcbench sends (64M)", sz);
        }
    if (have_count && p->duration_ns)
        FAIL("give --count or --duration, not both");
    int on_stdout = 0;
    const char *const outputs[] = {p->csv_path, p->json_path, p->json_stream_path};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++)
        on_stdout += outputs[i] && strcmp(outputs[i], "-") == 0;
    if (on_stdout > 1)
        FAIL("only one of --csv -, --json - and --json-stream - can write to stdout");
    if (p->duration_ns)
        p->count = 0;
    /* one transport at one size it cannot carry is a mistake, not a skip */
    if (p->n_transports == 1 && p->n_sizes == 1) {
        char why[256];
        if (ipcb_check_limit(p->transports[0], p->sizes[0], 1, why, sizeof why) != 0)
            FAIL("--size %s", why);
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct ipcb_plan *p, char *err, size_t errlen);

int ipcb_parse_args(int argc, char **argv, struct ipcb_plan *p, char *err, size_t errlen)
{
    int rc = parse_args(argc, argv, p, err, errlen);
    /* the reason echoes what was typed: keep it one printable line */
    for (char *c = err; rc && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return rc;
}

/* an option a plugin owns, as given, to apply once the lists are final */
struct plugin_value {
    const struct ipcb_option *opt;
    const char *value;
};

static int parse_args(int argc, char **argv, struct ipcb_plan *p, char *err, size_t errlen)
{
    char why[IPCB_UNITS_ERR];
    int have_count = 0, have_sizes = 0, have_transports = 0, have_patterns = 0;
    const char *have_compare_option = NULL;
    const struct ipcb_option *plugin[IPCB_MAX_PLUGIN_OPTIONS];
    size_t n_plugin = ipcb_plugin_options(plugin, IPCB_MAX_PLUGIN_OPTIONS);
    struct plugin_value given[64];
    size_t n_given = 0;
    struct option long_opts[sizeof core_opts / sizeof core_opts[0] + IPCB_MAX_PLUGIN_OPTIONS];
    size_t n_long = sizeof core_opts / sizeof core_opts[0] - 1;

    memcpy(long_opts, core_opts, n_long * sizeof long_opts[0]);
    for (size_t i = 0; i < n_plugin; i++) {
        long_opts[n_long++] = (struct option){plugin[i]->name,
            plugin[i]->metavar ? required_argument : no_argument, NULL, OPT_PLUGIN + (int)i};
        if (plugin[i]->reset)
            plugin[i]->reset();
    }
    long_opts[n_long] = (struct option){NULL, 0, NULL, 0};

    memset(p, 0, sizeof *p);
    ipcb_columns_use_default();
    p->command = IPCB_CMD_RUN;
    p->count = IPCB_DEFAULT_COUNT;
    p->warmup = IPCB_DEFAULT_WARMUP;
    p->timeout_ns = IPCB_DEFAULT_TIMEOUT_NS;
    p->cpu[0] = p->cpu[1] = -1;
    p->groups = 1;
    p->threshold_pct = IPCB_DEFAULT_THRESHOLD_PCT;
    p->argc = argc;
    p->argv = argv;

    int first = 1;
    if (argc > 1 && argv[1][0] != '-') {
        size_t n;
        const struct ipcb_command_name *cmds = ipcb_commands(&n), *found = NULL;
        for (size_t i = 0; i < n && !found; i++)
            if (strcmp(argv[1], cmds[i].name) == 0)
                found = &cmds[i];
        if (!found) {
            char names[256] = "";
            for (size_t i = 0; i < n; i++)
                if (cmds[i].usage)
                    snprintf(names + strlen(names), sizeof names - strlen(names), "%s, ",
                             cmds[i].usage);
            FAIL("unknown command '%s' (use %sor --help)", argv[1], names);
        }
        p->command = found->command;
        first = 2;
    }

    optind = 0; /* full reset: the parser may be called more than once */
    opterr = 0;
    int sub_argc = argc - first + 1;
    char **sub_argv = argv + first - 1;
    int c;
    while ((c = getopt_long(sub_argc, sub_argv, ":t:s:p:n:d:o:qhV", long_opts, NULL)) != -1) {
        const char *arg = optarg;
        if (c >= OPT_PLUGIN && c < OPT_PLUGIN + (int)n_plugin) {
            if (n_given >= sizeof given / sizeof given[0])
                FAIL("too many transport and pattern options");
            given[n_given++] = (struct plugin_value){plugin[c - OPT_PLUGIN], arg ? arg : ""};
            continue;
        }
        switch (c) {
        case 't':
            if (parse_transports(arg, p, err, errlen)) return -EINVAL;
            have_transports = 1;
            break;
        case 's':
            if (ipcb_parse_size_list(arg, p->sizes, IPCB_SIZE_LIST_MAX, &p->n_sizes, why,
                                     sizeof why))
                FAIL("--size: %s", why);
            have_sizes = 1;
            break;
        case 'p':
            if (parse_patterns(arg, p, err, errlen)) return -EINVAL;
            have_patterns = 1;
            break;
        case 'n':
            if (ipcb_parse_count_range("--count", arg, 1, UINT64_MAX / 4, &p->count, err,
                                       errlen))
                return -EINVAL;
            have_count = 1;
            break;
        case 'd':
            if (ipcb_parse_duration(arg, &p->duration_ns, why, sizeof why))
                FAIL("--duration: %s", why);
            break;
        case OPT_WARMUP:
            if (ipcb_parse_count_range("--warmup", arg, 0, 1000000000ull, &p->warmup, err,
                                       errlen))
                return -EINVAL;
            break;
        case OPT_CPU:
            if (parse_cpus(arg, p->cpu, err, errlen)) return -EINVAL;
            p->cpu_mode = strchr(arg, ',') ? "pair" : arg;
            break;
        case 'o':
            if (!*arg) FAIL("-o: empty directory name");
            p->outdir = arg;
            break;
        case OPT_CSV: case OPT_JSON: case OPT_JSON_STREAM: {
            static const char *const names[] = {"--csv", "--json", "--json-stream"};
            const char **path[] = {&p->csv_path, &p->json_path, &p->json_stream_path};
            if (!*arg) FAIL("%s: empty file name", names[c - OPT_CSV]);
            *path[c - OPT_CSV] = arg;
            break;
        }
        case OPT_PAIRS: {
            uint64_t v;
            if (ipcb_parse_count_range("--pairs", arg, 1, IPCB_MAX_GROUPS, &v, err, errlen))
                return -EINVAL;
            p->groups = (size_t)v;
            break;
        }
        case OPT_TIMEOUT:
            if (ipcb_parse_duration(arg, &p->timeout_ns, why, sizeof why))
                FAIL("--timeout: %s", why);
            if (p->timeout_ns < 100000000ull)
                FAIL("--timeout %s is too short (at least 100ms)", arg);
            break;
        case OPT_RT_PRIO: {
            uint64_t v;
            uint64_t hi = (uint64_t)sched_get_priority_max(SCHED_FIFO);
            if (ipcb_parse_count_range("--rt-prio", arg, 1, hi, &v, err, errlen))
                return -EINVAL;
            p->rt_prio = (int)v;
            break;
        }
        case OPT_MLOCK: p->mlock = 1; break;
        case OPT_PERCENTILES:
            if (parse_percentiles(arg, err, errlen)) return -EINVAL;
            break;
        case OPT_REPEAT: {
            uint64_t v;
            if (ipcb_parse_count_range("--repeat", arg, 1, 100, &v, err, errlen))
                return -EINVAL;
            p->repeat = (size_t)v;
            break;
        }
        case OPT_WAIT:
            p->wait_list = arg;
            break;
        case OPT_CLOCK:
            if (strcmp(arg, "auto") == 0) p->clock = IPCB_CLOCK_AUTO;
            else if (strcmp(arg, "monotonic") == 0) p->clock = IPCB_CLOCK_MONOTONIC;
            else if (strcmp(arg, "tsc") == 0) p->clock = IPCB_CLOCK_TSC;
            else FAIL("--clock '%s': use auto, monotonic or tsc", arg);
            break;
        case OPT_VERIFY:
            if (strcmp(arg, "full") == 0) p->verify_full = 1;
            else if (strcmp(arg, "stamps") == 0) p->verify_full = 0;
            else FAIL("--verify '%s': use full or stamps", arg);
            break;
        case OPT_THRESHOLD:
            if (parse_threshold(arg, &p->threshold_pct, err, errlen)) return -EINVAL;
            have_compare_option = "--threshold";
            break;
        case OPT_FAIL_ON_REGRESSION:
            p->fail_on_regression = 1;
            have_compare_option = "--fail-on-regression";
            break;
        case 'q': p->quiet = 1; break;
        case 'h': p->command = IPCB_CMD_HELP; return 0;
        case 'V': p->command = IPCB_CMD_VERSION; return 0;
        case ':':
            FAIL("option '%s' needs a value (see --help)", sub_argv[optind - 1]);
        default:
            if (optopt && optopt < 256)
                FAIL("unknown option '-%c' (see --help)", optopt);
            FAIL("unknown option '%s' (see --help)", sub_argv[optind - 1]);
        }
    }
    int rest = sub_argc - optind;
    if (p->command == IPCB_CMD_COMPARE) {
        if (rest < 2)
            FAIL("compare takes two or more results directories: ipcbench compare A B [C ...]");
        p->compare_dirs = sub_argv + optind;
        p->n_compare_dirs = (size_t)rest;
        return 0;
    }
    if (have_compare_option)
        FAIL("%s is an option of compare (ipcbench compare A B [options])",
             have_compare_option);
    if (p->command == IPCB_CMD_PLOT || p->command == IPCB_CMD_REPORT) {
        const char *cmd = argv[1];
        if (rest != 1)
            FAIL("%s takes one results directory: ipcbench %s DIR", cmd, cmd);
        p->plot_dir = sub_argv[optind];
        if (p->command == IPCB_CMD_REPORT)
            p->report_out = p->outdir;  /* -o names the page there */
        p->outdir = NULL;
        return 0;
    }
    if (p->command == IPCB_CMD_COMPLETE) {
        if (rest != 1)
            FAIL("complete takes one word: ipcbench complete transports");
        p->complete_what = sub_argv[optind];
        return 0;
    }
    if (rest > 0)
        FAIL("unexpected argument '%s' (see --help)", sub_argv[optind]);
    if (p->command != IPCB_CMD_RUN && p->command != IPCB_CMD_SYNC)
        return 0;
    if (p->command == IPCB_CMD_SYNC) {
        if (have_transports || have_patterns || have_sizes || p->wait_list)
            FAIL("-t, -p, -s and --wait are options of run; sync takes --primitive, "
                 "--procs and --section-bytes");
        for (size_t i = 0; i < n_given; i++)
            if (given[i].opt->apply(given[i].value, p, err, errlen) != 0)
                return -EINVAL;
        if (ipcb_sync_plan(p, err, errlen) != 0)
            return -EINVAL;
        return validate(p, have_count, err, errlen);
    }
    if (!have_transports)
        parse_transports("all", p, err, errlen);
    if (!have_patterns) {
        /* all but the patterns run only when asked for */
        parse_patterns("all", p, err, errlen);
        size_t kept = 0;
        for (size_t i = 0; i < p->n_patterns; i++)
            if (!(p->patterns[i]->flags & IPCB_PATTERN_ON_REQUEST))
                p->patterns[kept++] = p->patterns[i];
        p->n_patterns = kept;
    }
    /* --wait, then the plugins' options in the order given: both rewrite
     * the transport list that -t made */
    if (p->wait_list && ipcb_wait_expand(p, p->wait_list, NULL, "--wait", err, errlen) != 0)
        return -EINVAL;
    for (size_t i = 0; i < n_given; i++)
        if (given[i].opt->apply(given[i].value, p, err, errlen) != 0)
            return -EINVAL;
    drop_repeats(p);
    if (!have_sizes) {
        static const uint64_t defaults[] = {64, 4096, 65536};
        memcpy(p->sizes, defaults, sizeof defaults);
        p->n_sizes = 3;
    }
    return validate(p, have_count, err, errlen);
}
