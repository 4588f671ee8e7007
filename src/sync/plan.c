/* `ipcbench sync`'s options and plan: primitives in the transports' place,
 * the patterns whose channels are primitives (pattern.h's runs_on), and
 * for each --procs N a copy of every N-process pattern with N sides. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/units.h"
#include "sync/sync.h"
#include "sync/sync_plan.h"

#define MAX_PROCS_LIST 8
#define SYNC_PROCS_MAX IPCB_MAX_SIDES

static const char *primitive_list;
static const char *procs_list;
static uint64_t procs[MAX_PROCS_LIST];
static size_t n_procs;
static uint64_t section_bytes;

/* --procs 1,2,4: process counts, each from 1 to SYNC_PROCS_MAX */
static int procs_parse(const struct ipcb_option *o, const char *v, void *dest, char *err,
                       size_t errlen)
{
    char buf[128];
    const char *items[MAX_PROCS_LIST];
    if (ipcb_split_list(v, "--procs", "a list of process counts, e.g. 1,2,4", buf, sizeof buf,
                        items, MAX_PROCS_LIST, &n_procs, err, errlen))
        return -EINVAL;
    for (size_t i = 0; i < n_procs; i++)
        if (ipcb_parse_count_range("--procs", items[i], 1, SYNC_PROCS_MAX, &procs[i], err,
                                   errlen))
            return -EINVAL;
    (void)o;
    memcpy(dest, &v, sizeof v);
    return 0;
}

static void primitive_names(char *buf, size_t len)
{
    (void)ipcb_primitive_names(buf, len);
    ipcb_wrap_list(buf, 55);
}

static const struct ipcb_option primitive_opt = {
    .name = "primitive", .metavar = "LIST", .type = IPCB_OPT_LIST, .def = "all",
    IPCB_OPT_INTO(primitive_list),
    .names = primitive_names, .help = "primitives by name, or all",
};
static const struct ipcb_option procs_opt = {
    .name = "procs", .metavar = "LIST", .type = IPCB_OPT_LIST, .def = "1,2,4",
    IPCB_OPT_INTO(procs_list), .parse = procs_parse,
    .help = "processes contending for the lock, a row for each\n(at most 16)",
};
static const struct ipcb_option section_opt = {
    .name = "section-bytes", .metavar = "N", .type = IPCB_OPT_SIZE, .max = 1u << 20,
    .def = "64", IPCB_OPT_INTO(section_bytes),
    .help = "shared bytes each critical section touches",
};
const struct ipcb_option *const ipcb_sync_options[] = {&primitive_opt, &procs_opt,
                                                       &section_opt, NULL};

/* the primitives named in s (or all), in the registry's order */
static int parse_primitives(const char *s, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all, n;
    const struct ipcb_transport *const *all = ipcb_primitives(&n_all);
    int chosen[IPCB_MAX_TRANSPORTS] = {0};
    char known[300], names[400], buf[256];
    const char *items[IPCB_MAX_TRANSPORTS];
    (void)ipcb_primitive_names(known, sizeof known);
    snprintf(names, sizeof names, "use %s or all", known);
    if (ipcb_split_list(s, "--primitive", names, buf, sizeof buf, items, IPCB_MAX_TRANSPORTS,
                        &n, err, errlen))
        return -EINVAL;
    for (size_t k = 0; k < n; k++) {
        int found = 0;
        for (size_t i = 0; i < n_all; i++)
            if (strcmp(items[k], "all") == 0 || strcmp(items[k], all[i]->name) == 0)
                chosen[i] = found = 1;
        if (!found)
            IPCB_FAIL("unknown primitive '%s' (%s)", items[k], names);
    }
    p->n_transports = 0;
    for (size_t i = 0; i < n_all; i++)
        if (chosen[i])
            p->transports[p->n_transports++] = all[i];
    return 0;
}

/* a pattern of one side made into one of n alike sides, named "<name>-<n>"
 * so each N's row has its own histogram file */
static struct ipcb_pattern copies[MAX_PROCS_LIST];
static char copy_names[MAX_PROCS_LIST][32];

size_t ipcb_sync_instances(const struct ipcb_pattern *pat, const struct ipcb_pattern **out,
                           size_t cap)
{
    size_t k = 0;
    for (; k < n_procs && k < cap; k++) {
        unsigned n = (unsigned)procs[k];
        copies[k] = *pat;
        snprintf(copy_names[k], sizeof copy_names[k], "%s-%u", pat->name, n);
        copies[k].name = copy_names[k];
        copies[k].instances = NULL;
        copies[k].layout.n_sides = n;
        for (unsigned s = 1; s < IPCB_MAX_SIDES; s++)
            copies[k].layout.sides[s] = pat->layout.sides[0];
        out[k] = &copies[k];
    }
    return k;
}

/* -p LIST (NULL: all) of sync's patterns, those on primitives, in the
 * registry's order */
static int parse_patterns(const char *list, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_pats, n = 1;
    const struct ipcb_pattern *const *pats = ipcb_patterns(&n_pats);
    int chosen[IPCB_MAX_PATTERNS] = {0};
    char names[200] = "", hint[240], buf[256];
    const char *items[IPCB_MAX_PATTERNS] = {"all"};
    for (size_t i = 0; i < n_pats; i++)
        if (pats[i]->runs_on == IPCB_ON_PRIMITIVE)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     names[0] ? ", " : "", pats[i]->name);
    snprintf(hint, sizeof hint, "sync's are %s, or all", names);
    if (list && ipcb_split_list(list, "--pattern", hint, buf, sizeof buf, items,
                                IPCB_MAX_PATTERNS, &n, err, errlen))
        return -EINVAL;
    for (size_t k = 0; k < n; k++) {
        const struct ipcb_pattern *pat = ipcb_pattern_find(items[k]);
        int all = strcmp(items[k], "all") == 0;
        if (!all && !pat)
            IPCB_FAIL("unknown pattern '%s' (%s)", items[k], hint);
        if (!all && pat->runs_on != IPCB_ON_PRIMITIVE)
            IPCB_FAIL("pattern '%s' runs on transports: ipcbench run (%s)", items[k], hint);
        for (size_t i = 0; i < n_pats && i < IPCB_MAX_PATTERNS; i++)
            chosen[i] |= pats[i]->runs_on == IPCB_ON_PRIMITIVE && (all || pats[i] == pat);
    }
    p->n_patterns = 0;
    for (size_t i = 0; i < n_pats && i < IPCB_MAX_PATTERNS; i++)
        if (chosen[i])
            p->patterns[p->n_patterns++] = pats[i];
    return 0;
}

int ipcb_sync_plan(struct ipcb_plan *p, char *err, size_t errlen)
{
    if (parse_primitives(primitive_list, p, err, errlen) ||
        parse_patterns(p->pattern_list, p, err, errlen))
        return -EINVAL;
    p->sizes[0] = section_bytes;
    p->n_sizes = 1;
    return 0;
}
