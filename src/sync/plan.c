/* `ipcbench sync`'s options and plan: primitives in the transports' place,
 * the patterns whose channels are primitives (pattern.h's runs_on), and
 * for each --procs N a copy of every N-process pattern with N sides. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/units.h"
#include "sync/sync.h"
#include "sync/sync_plan.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)
#define MAX_PROCS_LIST 8

static const char *primitive_list;
static uint64_t procs[MAX_PROCS_LIST];
static size_t n_procs;
static uint64_t section_bytes;

static void sync_reset(void)
{
    primitive_list = NULL;
    n_procs = 0;
    section_bytes = IPCB_SYNC_DEFAULT_SECTION;
}

static int only_sync(const char *name, const struct ipcb_plan *p, char *err, size_t errlen)
{
    if (p->command != IPCB_CMD_SYNC)
        FAIL("--%s is an option of ipcbench sync", name);
    return 0;
}

static int primitive_apply(const char *v, struct ipcb_plan *p, char *err, size_t errlen)
{
    primitive_list = v;
    return only_sync("primitive", p, err, errlen);
}

static int procs_apply(const char *v, struct ipcb_plan *p, char *err, size_t errlen)
{
    char buf[128];
    if (only_sync("procs", p, err, errlen))
        return -EINVAL;
    if (!*v || strlen(v) >= sizeof buf || v[0] == ',' || v[strlen(v) - 1] == ',' ||
        strstr(v, ",,"))
        FAIL("--procs '%s': expected a list of process counts, e.g. 1,2,4", v);
    strcpy(buf, v);
    n_procs = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n_procs == MAX_PROCS_LIST)
            FAIL("--procs: at most %d counts", MAX_PROCS_LIST);
        if (ipcb_parse_count_range("--procs", tok, 1, IPCB_MAX_SIDES, &procs[n_procs++],
                                   err, errlen))
            return -EINVAL;
    }
    return 0;
}

static int section_apply(const char *v, struct ipcb_plan *p, char *err, size_t errlen)
{
    char why[IPCB_UNITS_ERR];
    if (only_sync("section-bytes", p, err, errlen))
        return -EINVAL;
    if (ipcb_parse_size(v, &section_bytes, why, sizeof why))
        FAIL("--section-bytes: %s", why);
    if (section_bytes > (1u << 20))
        FAIL("--section-bytes %s: at most 1M", v);
    return 0;
}

static const struct ipcb_option primitive_opt = {
    .name = "primitive", .metavar = "LIST", .reset = sync_reset, .apply = primitive_apply,
    .help = "sync: primitives by name, or all (default): posix-sem,\n"
            "sysv-sem, futex, mutex, spin, eventfd, rt-signal, pipe,\n"
            "flock, fcntl, none",
};
static const struct ipcb_option procs_opt = {
    .name = "procs", .metavar = "LIST", .reset = sync_reset, .apply = procs_apply,
    .help = "sync: processes contending for the lock, a row for each\n"
            "(default: 1,2,4; at most 16)",
};
static const struct ipcb_option section_opt = {
    .name = "section-bytes", .metavar = "N", .reset = sync_reset, .apply = section_apply,
    .help = "sync: shared bytes each critical section touches\n(default: 64)",
};
const struct ipcb_option *const ipcb_sync_options[] = {&primitive_opt, &procs_opt,
                                                       &section_opt, NULL};

/* the primitives named in s (or all), in the registry's order */
static int parse_primitives(const char *s, struct ipcb_plan *p, char *err, size_t errlen)
{
    size_t n_all;
    const struct ipcb_transport *const *all = ipcb_primitives(&n_all);
    int chosen[IPCB_MAX_TRANSPORTS] = {0};
    char names[400] = "";
    for (size_t i = 0; i < n_all; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s, ", all[i]->name);
    for (const char *at = s;; at++) {
        size_t len = strcspn(at, ",");
        const struct ipcb_transport *t = NULL;
        if (len == 0)
            FAIL("--primitive '%s' is empty or has an empty item (use %sor all)", s, names);
        for (size_t i = 0; i < n_all; i++) {
            int all_of_them = len == 3 && strncmp(at, "all", 3) == 0;
            if (all_of_them || (strlen(all[i]->name) == len && !strncmp(at, all[i]->name, len)))
                chosen[i] = 1, t = all[i];
        }
        if (!t)
            FAIL("unknown primitive '%.*s' (use %sor all)", (int)len, at, names);
        at += len;
        if (!*at)
            break;
    }
    p->n_transports = 0;
    for (size_t i = 0; i < n_all; i++)
        if (chosen[i])
            p->transports[p->n_transports++] = all[i];
    return 0;
}

/* a pattern of one side made into one of n alike sides, named "<name>-<n>"
 * so each N's row has its own histogram file */
static struct ipcb_pattern copies[IPCB_MAX_PATTERNS];
static char copy_names[IPCB_MAX_PATTERNS][32];

static const struct ipcb_pattern *with_sides(const struct ipcb_pattern *pat, unsigned n,
                                             size_t k)
{
    copies[k] = *pat;
    snprintf(copy_names[k], sizeof copy_names[k], "%s-%u", pat->name, n);
    copies[k].name = copy_names[k];
    copies[k].layout.n_sides = n;
    for (unsigned s = 1; s < IPCB_MAX_SIDES; s++)
        copies[k].layout.sides[s] = pat->layout.sides[0];
    return &copies[k];
}

int ipcb_sync_plan(struct ipcb_plan *p, char *err, size_t errlen)
{
    if (parse_primitives(primitive_list ? primitive_list : "all", p, err, errlen))
        return -EINVAL;
    if (n_procs == 0) {
        static const uint64_t defaults[] = {1, 2, 4};
        memcpy(procs, defaults, sizeof defaults);
        n_procs = 3;
    }
    size_t n_pats, k = 0;
    const struct ipcb_pattern *const *pats = ipcb_patterns(&n_pats);
    p->n_patterns = 0;
    for (size_t i = 0; i < n_pats; i++) {
        const struct ipcb_pattern *pat = pats[i];
        if (pat->runs_on != IPCB_ON_PRIMITIVE)
            continue;
        /* a pattern of one side is one of N alike (pattern.h's all_timed) */
        if (!pat->layout.all_timed) {
            if (p->n_patterns < IPCB_MAX_PATTERNS)
                p->patterns[p->n_patterns++] = pat;
            continue;
        }
        for (size_t j = 0; j < n_procs && p->n_patterns < IPCB_MAX_PATTERNS; j++, k++)
            p->patterns[p->n_patterns++] = with_sides(pat, (unsigned)procs[j], k);
    }
    p->sizes[0] = section_bytes;
    p->n_sizes = 1;
    return 0;
}
