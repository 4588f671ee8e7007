/* --wait LIST: which rows the chosen transports' wait strategies make. A
 * question to the registry: a transport's strategies are its own (what its
 * .wait_default calls it, "block" or shm's "sem") and its variants'
 * "<transport>/<strategy>". A strategy a transport lacks becomes a row that
 * the driver skips, told apart by .unsupported, so a sweep goes on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/plan.h"


#define MAX_STRATEGIES 16   /* names in one LIST */
#define BLOCK "block"       /* what every transport's own strategy also answers to */

/* the strategy part of a variant's name: "epoll" of "pipe/epoll" */
static const char *strategy_name(const struct ipcb_transport *v)
{
    return v->name + strlen(v->base->name) + 1;
}

/* the row of base t waiting by strategy s: t itself, its variant, or NULL */
static const struct ipcb_transport *row_for(const struct ipcb_transport *t, const char *s)
{
    if (strcmp(s, BLOCK) == 0 || (t->wait_default && strcmp(s, t->wait_default) == 0))
        return t;
    size_t n_all;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    for (size_t i = 0; i < n_all; i++)
        if (all[i]->base == t && strcmp(strategy_name(all[i]), s) == 0)
            return all[i];
    return NULL;
}

/* "sysv-mq cannot wait by epoll (its strategies: block, spin)" */
static void cannot_text(const struct ipcb_transport *t, const char *s, char *out, size_t len)
{
    char theirs[160];
    (void)ipcb_wait_strategy_names(t, theirs, sizeof theirs);
    snprintf(out, len, "%s cannot wait by %s (its strategies: %s)", t->name, s, theirs);
}

static int known_strategy(const char *s)
{
    size_t n_all;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    for (size_t i = 0; i < n_all; i++)
        if (row_for(all[i]->base ? all[i]->base : all[i], s))
            return 1;
    return 0;
}

/* The rows a transport cannot run: one table per name, made when first asked
 * for and kept, so a plan's pointers stay good however often the command
 * line is parsed. There are at most transports x strategy names of them. */
static struct placeholder {
    struct ipcb_transport t;
    char name[64];
    char reason[200];
} pool[128];
static size_t pooled;

static const struct ipcb_transport *cannot(const struct ipcb_transport *t, const char *s)
{
    char name[sizeof pool[0].name];
    snprintf(name, sizeof name, "%s/%s", t->name, s);
    for (size_t i = 0; i < pooled; i++)
        if (strcmp(pool[i].name, name) == 0)
            return &pool[i].t;
    if (pooled == sizeof pool / sizeof pool[0])
        return NULL;
    struct placeholder *p = &pool[pooled++];
    memcpy(p->name, name, sizeof name);
    cannot_text(t, s, p->reason, sizeof p->reason);
    p->t = (struct ipcb_transport){.name = p->name, .summary = p->reason,
                                   .flags = t->flags | IPCB_VARIANT, .base = t,
                                   .unsupported = p->reason};
    return &p->t;
}

int ipcb_wait_expand(struct ipcb_plan *p, const char *list, const struct ipcb_transport *only,
                     const char *option, char *err, size_t errlen)
{
    char buf[256], known[256], hint[300];
    const char *tok[MAX_STRATEGIES];
    size_t n_tok = 0;
    if (only)
        (void)ipcb_wait_strategy_names(only, known, sizeof known);
    else
        (void)ipcb_wait_every_strategy_name(known, sizeof known);
    snprintf(hint, sizeof hint, "use %s or all", known);
    if (ipcb_split_list(list, option, hint, buf, sizeof buf, tok, MAX_STRATEGIES, &n_tok, err,
                        errlen))
        return -EINVAL;
    for (size_t k = 0; k < n_tok; k++) {
        const char *s = tok[k];
        int ok = strcmp(s, "all") == 0 ||
                 (only ? row_for(only, s) != NULL && strcmp(s, BLOCK) != 0 : known_strategy(s));
        if (!ok)
            IPCB_FAIL("unknown %s strategy '%s' (%s)", option, s, hint);
    }

    const struct ipcb_transport *rows[IPCB_MAX_TRANSPORTS + 1];
    size_t n_rows = 0, n_all;
    const struct ipcb_transport *const *all = ipcb_transports(&n_all);
    int found = 0;
    for (size_t i = 0; i < p->n_transports && n_rows <= IPCB_MAX_TRANSPORTS; i++) {
        const struct ipcb_transport *t = p->transports[i];
        if (only && t != only) {
            rows[n_rows++] = t;
            continue;
        }
        found = 1;
        if (t->base) /* a variant named with -t stands for its transport */
            t = t->base;
        for (size_t k = 0; k < n_tok && n_rows <= IPCB_MAX_TRANSPORTS; k++) {
            if (strcmp(tok[k], "all") == 0) {
                rows[n_rows++] = t;
                for (size_t j = 0; j < n_all && n_rows <= IPCB_MAX_TRANSPORTS; j++)
                    if (all[j]->base == t)
                        rows[n_rows++] = all[j];
                continue;
            }
            const struct ipcb_transport *row = row_for(t, tok[k]);
            if (!row && p->n_transports == 1 && n_tok == 1) {
                cannot_text(t, tok[k], err, errlen); /* alone it is a mistake */
                return -EINVAL;
            }
            if (!row && !(row = cannot(t, tok[k])))
                IPCB_FAIL("%s %s: too many strategies no transport has", option, list);
            rows[n_rows++] = row;
        }
    }
    if (n_rows > IPCB_MAX_TRANSPORTS)
        IPCB_FAIL("%s %s makes more than %d rows of transports", option, list, IPCB_MAX_TRANSPORTS);
    if (only && !found)
        IPCB_FAIL("%s %s applies to the %s transport, which -t does not include (add -t %s)",
             option, list, only->name, only->name);
    memcpy(p->transports, rows, n_rows * sizeof rows[0]);
    p->n_transports = n_rows;
    return 0;
}
