/* The plan's lists, made from the options' values once the parse is over:
 * transports (or sync's primitives), patterns and the instances a pattern
 * makes of itself (rate per --rate, contention per --procs), the rows of
 * the wait strategies, sizes and CPUs. Then every option given is checked
 * to be taken by someone in the plan, and the plan as a whole is checked.
 * The plugins only ever received their values; none edits the plan. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/memory_bound.h"
#include "ipcbench/columns.h"
#include "measure/topology.h"
#include "sync/sync_plan.h"

#define LARGEST_MESSAGE (64ull << 20)   /* the largest --size ipcbench sends */
#define MAX_ITEMS 64

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

static int transports_from(const char *list, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all, n;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    char buf[512], names[400];
    const char *items[MAX_ITEMS];
    (void)ipcb_transport_names(names, sizeof names);
    if (ipcb_split_list(list, "transport", "try 'ipcbench list' for the names, or 'all'", buf,
                        sizeof buf, items, MAX_ITEMS, &n, err, errlen))
        return -EINVAL;
    p->n_transports = 0;
    for (size_t k = 0; k < n; k++) {
        if (strcmp(items[k], "all") == 0) {
            /* variants (shm/futex) only by name or --wait; an absent
             * transport (built without its library) only by name */
            for (size_t i = 0; i < n_all && p->n_transports < IPCB_MAX_TRANSPORTS; i++)
                if (!(all[i]->flags & IPCB_VARIANT) && !all[i]->absent)
                    p->transports[p->n_transports++] = all[i];
            continue;
        }
        const struct ipcb_transport *t = ipcb_transport_find(items[k]);
        if (!t) /* the variants are too many to name here: `list` shows them */
            IPCB_FAIL("unknown transport '%s' (known: %s, all, and variants such as pipe/epoll: "
                 "see ipcbench list)", items[k], names);
        if (p->n_transports >= IPCB_MAX_TRANSPORTS)
            IPCB_FAIL("too many transports (at most %d)", IPCB_MAX_TRANSPORTS);
        p->transports[p->n_transports++] = t;
    }
    drop_repeats(p);
    return 0;
}

static void add_pattern(struct ipcb_plan *p, const struct ipcb_pattern *pat)
{
    for (size_t j = 0; j < p->n_patterns; j++)
        if (p->patterns[j] == pat)
            return;
    if (p->n_patterns < IPCB_MAX_PATTERNS)
        p->patterns[p->n_patterns++] = pat;
}

/* pattern names from the registry, or all; none given: all but those run
 * on request; repeats dropped, order kept */
static int patterns_from(const char *list, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all, n = 1;
    const struct ipcb_pattern *const *all = ipcb_patterns(&n_all);
    char buf[256], names[256] = "", hint[300];
    const char *items[MAX_ITEMS] = {"all"};
    for (size_t i = 0; i < n_all; i++)
        if (all[i]->runs_on == IPCB_ON_TRANSPORT)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     names[0] ? ", " : "", all[i]->name);
    snprintf(hint, sizeof hint, "use %s or all", names);
    if (list && ipcb_split_list(list, "pattern", hint, buf, sizeof buf, items, MAX_ITEMS, &n,
                                err, errlen))
        return -EINVAL;
    p->n_patterns = 0;
    for (size_t k = 0; k < n; k++) {
        const struct ipcb_pattern *pat = ipcb_pattern_find(items[k]);
        if (strcmp(items[k], "all") == 0) {
            for (size_t i = 0; i < n_all; i++)
                if (all[i]->runs_on == IPCB_ON_TRANSPORT &&
                    (list || !(all[i]->flags & IPCB_PATTERN_ON_REQUEST)))
                    add_pattern(p, all[i]);
        } else if (!pat) {
            IPCB_FAIL("unknown pattern '%s' (%s)", items[k], hint);
        } else if (pat->runs_on != IPCB_ON_TRANSPORT) {
            IPCB_FAIL("pattern '%s' runs on synchronization primitives: ipcbench sync", items[k]);
        } else {
            add_pattern(p, pat);
        }
    }
    return 0;
}

/* each pattern that makes instances of itself (one per --rate, per
 * --procs) replaced by them, in place */
static int instances(struct ipcb_plan *p, char *err, size_t errlen)
{
    const struct ipcb_pattern *out[IPCB_MAX_PATTERNS];
    size_t n = 0;
    for (size_t i = 0; i < p->n_patterns; i++) {
        const struct ipcb_pattern *pat = p->patterns[i];
        size_t made = pat->instances ? pat->instances(pat, out + n, IPCB_MAX_PATTERNS - n) : 0;
        if (made == 0 && n < IPCB_MAX_PATTERNS)
            out[n++] = pat;
        n += made;
        if (n >= IPCB_MAX_PATTERNS && i + 1 < p->n_patterns)
            IPCB_FAIL("too many patterns in one run (at most %d)", IPCB_MAX_PATTERNS);
    }
    memcpy(p->patterns, out, n * sizeof out[0]);
    p->n_patterns = n;
    return 0;
}

/* --wait for all, then a transport's own name for it (shm's --notify) for
 * that transport alone */
static int wait_rows(struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    if (p->wait_list && ipcb_wait_expand(p, p->wait_list, NULL, "--wait", err, errlen))
        return -EINVAL;
    for (size_t i = 0; i < n_all; i++) {
        const struct ipcb_option *o = all[i]->wait_option;
        const char *list = o ? ipcb_option_given(o) : NULL;
        if (!list)
            continue;
        if (p->wait_list)
            IPCB_FAIL("--%s is %s's older name for --wait: give one of them, not both "
                 "(--%s %s, --wait %s)", o->name, all[i]->name, o->name, list, p->wait_list);
        char option[64];
        snprintf(option, sizeof option, "--%s", o->name);
        if (ipcb_wait_expand(p, list, all[i], option, err, errlen))
            return -EINVAL;
    }
    drop_repeats(p);
    return 0;
}

/* --percentiles 50,99.9,99.999: numbers from 0 to 100 */
static int percentiles_from(const char *list, char *err, size_t errlen)
{
    double pct[IPCB_MAX_PERCENTILES];
    const char *items[IPCB_MAX_PERCENTILES];
    char buf[256];
    size_t n;
    if (ipcb_split_list(list, "--percentiles", "e.g. 50,99,99.9", buf, sizeof buf, items,
                        IPCB_MAX_PERCENTILES, &n, err, errlen))
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        char *end;
        errno = 0;
        pct[i] = strtod(items[i], &end);
        if (end == items[i] || errno || *end || !(pct[i] >= 0.0 && pct[i] <= 100.0))
            IPCB_FAIL("--percentiles: '%s' is not a percentile from 0 to 100", items[i]);
    }
    return ipcb_columns_use_percentiles(pct, n, err, errlen);
}

/* every option given is taken by the command or by a plugin in the plan */
static int check_taken(const struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    for (size_t i = 0; i < n; i++) {
        char who[300];
        if (ipcb_option_given(opts[i]) && !ipcb_option_taken(opts[i], p, who, sizeof who))
            IPCB_FAIL("--%s is %s", opts[i]->name, who);
    }
    return 0;
}

static int validate(struct ipcb_plan *p, char *err, size_t errlen)
{
    for (size_t i = 0; i < p->n_sizes; i++)
        if (p->sizes[i] > LARGEST_MESSAGE) {
            char sz[32];
            ipcb_format_size(p->sizes[i], sz, sizeof sz);
            IPCB_FAIL("--size %s is larger than the largest message ipcbench sends (64M)", sz);
        }
    if (ipcb_option_given(ipcb_option_find("count")) && p->duration_ns)
        IPCB_FAIL("give --count or --duration, not both");
    int on_stdout = 0;
    const char *const outputs[] = {p->csv_path, p->json_path, p->json_stream_path,
                                   p->markdown_path};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++)
        on_stdout += outputs[i] && strcmp(outputs[i], "-") == 0;
    if (on_stdout > 1)
        IPCB_FAIL("only one of --csv -, --json -, --json-stream - and --markdown - can write "
                  "to stdout");
    if (p->duration_ns)
        p->count = 0;
    else if (p->command == IPCB_CMD_RUN && !ipcb_option_given(ipcb_option_find("count")))
        p->cap_ns = IPCB_DEFAULT_CAP_NS;
    /* one transport at one size it cannot carry is a mistake, not a skip */
    if (p->n_transports == 1 && p->n_sizes == 1) {
        char why[256];
        if (ipcb_check_limit(p->transports[0], p->sizes[0], 1, why, sizeof why) != 0)
            IPCB_FAIL("--size %s", why);
    }
    return ipcb_memory_check(p, err, errlen);
}

/* Without -t, a transport that can carry none of the sizes (signal's 8
 * bytes against 64 B and up) is left out of the run: its rows would all be
 * skipped. Named with -t (or all), it runs and its rows say why. */
static void drop_unfit_by_default(struct ipcb_plan *p)
{
    if (ipcb_option_given(ipcb_option_find("transport")) || p->n_sizes == 0)
        return;
    uint64_t smallest = p->sizes[0];
    for (size_t i = 1; i < p->n_sizes; i++)
        smallest = p->sizes[i] < smallest ? p->sizes[i] : smallest;
    size_t w = 0;
    for (size_t i = 0; i < p->n_transports; i++) {
        struct ipcb_limit lim = {0};
        ipcb_transport_limit(p->transports[i], &lim);
        if (lim.max_message == 0 || lim.max_message >= smallest)
            p->transports[w++] = p->transports[i];
    }
    p->n_transports = w;
}

static int run_lists(struct ipcb_plan *p, char *err, size_t errlen)
{
    char why[IPCB_UNITS_ERR];
    if (transports_from(p->transport_list, p, err, errlen) ||
        patterns_from(p->pattern_list, p, err, errlen))
        return -EINVAL;
    if (ipcb_parse_size_list(p->size_list, p->sizes, IPCB_SIZE_LIST_MAX, &p->n_sizes, why,
                             sizeof why))
        IPCB_FAIL("--size: %s", why);
    drop_unfit_by_default(p);
    return 0;
}

int ipcb_plan_make(struct ipcb_plan *p, char *err, size_t errlen)
{
    int measures = p->command == IPCB_CMD_RUN || p->command == IPCB_CMD_SYNC;
    if (p->command == IPCB_CMD_RUN && run_lists(p, err, errlen))
        return -EINVAL;
    if (p->command == IPCB_CMD_SYNC && ipcb_sync_plan(p, err, errlen))
        return -EINVAL;
    if (measures && instances(p, err, errlen))
        return -EINVAL;
    if (check_taken(p, err, errlen))
        return -EINVAL;
    if (!measures)
        return 0;
    if (p->command == IPCB_CMD_RUN && wait_rows(p, err, errlen))
        return -EINVAL;
    if (p->cpu_list && ipcb_parse_cpus(p->cpu_list, p->cpu, err, errlen))
        return -EINVAL;
    p->cpu_mode = !p->cpu_list ? NULL : strchr(p->cpu_list, ',') ? "pair" : p->cpu_list;
    if (!p->cpu_list)
        p->cpu[0] = p->cpu[1] = -1;
    if (p->percentiles_list && percentiles_from(p->percentiles_list, err, errlen))
        return -EINVAL;
    return validate(p, err, errlen);
}
