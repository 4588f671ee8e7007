/* The command line: one loop over the option table (cli/options.c) puts
 * each value where its entry says, then cli/plan_make.c makes the plan's
 * lists. Nothing here prints; every refusal is one line in err and
 * -EINVAL. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ipcbench/columns.h"
#include "ipcbench/plan.h"
#include "ipcbench/units.h"

#define OPT_BASE 1000   /* getopt's code for option i is OPT_BASE + i */

/* The subcommands; usage is how the refusal of an unknown one names it, NULL
 * for those --help does not show (help, complete: for the completion
 * scripts). cli/complete.c lists the shown ones from here too. */
static const struct ipcb_command_name commands[] = {
    {"run", IPCB_CMD_RUN, "run", "measure IPC mechanisms (the default)"},
    {"sync", IPCB_CMD_SYNC, "sync", "measure synchronization primitives:\n"
                                    "hand-off latency, and contention"},
    {"list", IPCB_CMD_LIST, "list", "transports, what each carries, and\ntheir live limits"},
    {"plot", IPCB_CMD_PLOT, "plot DIR", "charts of a results directory into\n"
                                        "DIR/plots/ (needs gnuplot)"},
    {"compare", IPCB_CMD_COMPARE, "compare A B", "results directories A B [C ...] side\n"
                                                 "by side, each against A"},
    {"report", IPCB_CMD_REPORT, "report DIR", "one HTML page of DIR, charts inline,\n"
                                              "into DIR/report.html"},
    {"verdict", IPCB_CMD_VERDICT, "verdict DIR", "which transports tie for best in DIR,\n"
                                                 "per pattern and size"},
    {"cleanup", IPCB_CMD_CLEANUP, "cleanup", "remove what runs killed with SIGKILL\nleft behind"},
    {"help", IPCB_CMD_HELP, NULL, NULL},
    {"complete", IPCB_CMD_COMPLETE, NULL, NULL},
};

const struct ipcb_command_name *ipcb_commands(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

/* what each option was given as in this parse (the last one counts) */
static const char *given[IPCB_MAX_OPTIONS];

static size_t index_of(const struct ipcb_option *o)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    size_t i = 0;
    while (i < n && opts[i] != o)
        i++;
    return i;
}

const char *ipcb_option_given(const struct ipcb_option *o)
{
    size_t i = index_of(o);
    return i < IPCB_MAX_OPTIONS ? given[i] : NULL;
}

static void *dest_of(const struct ipcb_option *o, struct ipcb_plan *p)
{
    return o->in_plan ? (char *)p + o->offset : o->var;
}

/* an unsigned number into a field of the entry's size */
static void store_number(const struct ipcb_option *o, void *dest, uint64_t v)
{
    if (o->size == sizeof(uint64_t)) {
        memcpy(dest, &v, sizeof v);
    } else {
        uint32_t narrow = (uint32_t)v;
        memcpy(dest, &narrow, sizeof narrow);
    }
}

static int choose(const struct ipcb_option *o, const char *value, int *index, char *err,
                  size_t errlen)
{
    char names[160] = "";
    int i = 0;
    for (const char *c = o->choices; *c; i++) {
        size_t len = strcspn(c, ",");
        if (strlen(value) == len && strncmp(c, value, len) == 0) {
            *index = i;
            return 0;
        }
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%.*s",
                 !*names ? "" : c[len] ? ", " : " or ", (int)len, c);
        c += len + (c[len] == ',');
    }
    IPCB_FAIL("--%s '%s': use %s", o->name, value, names);
}

/* the value into where the entry says, checked as its type says */
static int take(const struct ipcb_option *o, const char *value, struct ipcb_plan *p, char *err,
                size_t errlen)
{
    void *dest = dest_of(o, p);
    char why[IPCB_UNITS_ERR];
    uint64_t v = 0;
    if (o->parse)
        return o->parse(o, value, dest, err, errlen);
    switch (o->type) {
    case IPCB_OPT_FLAG: {
        int one = 1;
        memcpy(dest, &one, sizeof one);
        return 0;
    }
    case IPCB_OPT_COUNT: {
        char name[64];
        snprintf(name, sizeof name, "--%s", o->name);
        if (ipcb_parse_count_range(name, value, o->min, o->max, &v, err, errlen))
            return -EINVAL;
        break;
    }
    case IPCB_OPT_SIZE:
        if (ipcb_parse_size(value, &v, why, sizeof why))
            IPCB_FAIL("--%s: %s", o->name, why);
        if (o->max && v > o->max) {
            ipcb_format_size(o->max, why, sizeof why);
            IPCB_FAIL("--%s %s: at most %s", o->name, value, why);
        }
        break;
    case IPCB_OPT_DURATION:
        if (ipcb_parse_duration(value, &v, why, sizeof why))
            IPCB_FAIL("--%s: %s", o->name, why);
        if (v < o->min) {
            ipcb_format_ns(o->min, why, sizeof why);
            IPCB_FAIL("--%s %s is too short (at least %s)", o->name, value, why);
        }
        break;
    case IPCB_OPT_CHOICE: {
        int index;
        if (choose(o, value, &index, err, errlen))
            return -EINVAL;
        memcpy(dest, &index, sizeof index);
        return 0;
    }
    case IPCB_OPT_TEXT: case IPCB_OPT_LIST:
        if (!*value)
            IPCB_FAIL("--%s: an empty value (give %s)", o->name, o->metavar);
        memcpy(dest, &value, sizeof value);
        return 0;
    }
    store_number(o, dest, v);
    return 0;
}

/* every option back to nothing, then to its default */
static int reset(struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    memset(given, 0, sizeof given);
    for (size_t i = 0; i < n; i++) {
        if (!opts[i]->in_plan)
            memset(opts[i]->var, 0, opts[i]->size);
        if (opts[i]->def && take(opts[i], opts[i]->def, p, err, errlen) != 0)
            return -EINVAL;
    }
    return 0;
}

/* argv[1] as a command, when it is not an option: *first is where the
 * options start */
static int command(int argc, char **argv, struct ipcb_plan *p, int *first, char *err,
                   size_t errlen)
{
    *first = 1;
    p->command = IPCB_CMD_RUN;
    if (argc < 2 || argv[1][0] == '-')
        return 0;
    char names[256] = "";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            p->command = commands[i].command;
            *first = 2;
            return 0;
        }
        if (commands[i].usage)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s, ",
                     commands[i].usage);
    }
    IPCB_FAIL("unknown command '%s' (use %sor --help)", argv[1], names);
}

/* getopt's tables from the option table */
static void getopt_tables(struct option *longs, char *shorts)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    char *s = shorts;
    *s++ = ':';
    for (size_t i = 0; i < n; i++) {
        int arg = opts[i]->type == IPCB_OPT_FLAG ? no_argument : required_argument;
        longs[i] = (struct option){opts[i]->name, arg, NULL, OPT_BASE + (int)i};
        if (opts[i]->short_name) {
            *s++ = opts[i]->short_name;
            if (arg == required_argument)
                *s++ = ':';
        }
    }
    *s = '\0';
    longs[n] = (struct option){NULL, 0, NULL, 0};
}

static const struct ipcb_option *by_short(int c)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    for (size_t i = 0; i < n; i++)
        if (opts[i]->short_name == c)
            return opts[i];
    return NULL;
}

/* the words after the options: results directories, a word for complete */
static int operands(struct ipcb_plan *p, int rest, char **words, const char *cmd, char *err,
                    size_t errlen)
{
    switch (p->command) {
    case IPCB_CMD_COMPARE:
        if (rest < 2)
            IPCB_FAIL("compare takes two or more results directories: ipcbench compare A B [C ...]");
        p->compare_dirs = words;
        p->n_compare_dirs = (size_t)rest;
        return 0;
    case IPCB_CMD_PLOT: case IPCB_CMD_REPORT: case IPCB_CMD_VERDICT:
        if (rest != 1)
            IPCB_FAIL("%s takes one results directory: ipcbench %s DIR", cmd, cmd);
        p->plot_dir = words[0];
        if (p->command == IPCB_CMD_REPORT)
            p->report_out = p->outdir;  /* -o names the page there */
        p->outdir = NULL;
        return 0;
    case IPCB_CMD_COMPLETE:
        if (rest != 1)
            IPCB_FAIL("complete takes one word: ipcbench complete transports");
        p->complete_what = words[0];
        return 0;
    default:
        if (rest > 0)
            IPCB_FAIL("unexpected argument '%s' (see --help)", words[0]);
        return 0;
    }
}

static int parse_args(int argc, char **argv, struct ipcb_plan *p, char *err, size_t errlen)
{
    struct option longs[IPCB_MAX_OPTIONS + 1];
    char shorts[2 * IPCB_MAX_OPTIONS + 2];
    size_t n_opts;
    const struct ipcb_option *const *opts = ipcb_options(&n_opts);
    int first;

    memset(p, 0, sizeof *p);
    p->argc = argc;
    p->argv = argv;
    ipcb_columns_use_default();
    if (command(argc, argv, p, &first, err, errlen) || reset(p, err, errlen))
        return -EINVAL;
    getopt_tables(longs, shorts);
    optind = 0; /* full reset: the parser may be called more than once */
    opterr = 0;
    int sub_argc = argc - first + 1;
    char **sub_argv = argv + first - 1;
    int c;
    while ((c = getopt_long(sub_argc, sub_argv, shorts, longs, NULL)) != -1) {
        const struct ipcb_option *o = c >= OPT_BASE && c < OPT_BASE + (int)n_opts
                                    ? opts[c - OPT_BASE] : c != ':' && c != '?' ? by_short(c)
                                    : NULL;
        if (c == ':')
            IPCB_FAIL("option '%s' needs a value (see --help)", sub_argv[optind - 1]);
        if (!o && optopt && optopt < 256)
            IPCB_FAIL("unknown option '-%c' (see --help)", optopt);
        if (!o)
            IPCB_FAIL("unknown option '%s' (see --help)", sub_argv[optind - 1]);
        if (take(o, optarg ? optarg : "", p, err, errlen))
            return -EINVAL;
        given[index_of(o)] = optarg ? optarg : "";
        if (p->asked_help || p->asked_version) {
            p->command = p->asked_help ? IPCB_CMD_HELP : IPCB_CMD_VERSION;
            return 0;
        }
    }
    if (operands(p, sub_argc - optind, sub_argv + optind, argv[1], err, errlen))
        return -EINVAL;
    return ipcb_plan_make(p, err, errlen);
}

int ipcb_parse_args(int argc, char **argv, struct ipcb_plan *p, char *err, size_t errlen)
{
    int rc = parse_args(argc, argv, p, err, errlen);
    /* the reason echoes what was typed: keep it one printable line */
    for (char *c = err; rc && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return rc;
}
