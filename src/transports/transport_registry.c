/* Every transport and its variants, in the order of src/transports/
 * meson.build's list, which generates transport_list.h: adding a transport
 * is its file and its entry there. And the questions asked of that list:
 * find one by name, what limits its messages, what its wait strategies are
 * called (cli/wait_rows.c asks which variants a transport has). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipcbench/transport.h"
#include "ipcbench/units.h"
#include "transports/transport_list.h"
#include "transports/variants.h"

#define X(name, variants) \
    extern const struct ipcb_transport ipcb_##name; IPCB_VARIANT_EXTERNS_##variants(ipcb_##name)
IPCB_TRANSPORT_LIST
#undef X

static const struct ipcb_transport *const all[] = {
#define X(name, variants) &ipcb_##name,
    IPCB_TRANSPORT_LIST
#undef X
    /* IPCB_VARIANT: a transport with another wait strategy (--wait), each
     * transport's in the order --wait all makes its rows */
#define X(name, variants) IPCB_VARIANT_ENTRIES_##variants(ipcb_##name)
    IPCB_TRANSPORT_LIST
#undef X
};

void ipcb_transport_limit(const struct ipcb_transport *t, struct ipcb_limit *lim)
{
    *lim = (struct ipcb_limit){0};
    if (!t->limit && t->base)
        t = t->base; /* a variant carries what its base carries */
    if (t->limit)
        t->limit(lim);
}

int ipcb_check_limit(const struct ipcb_transport *t, uint64_t size, int with_hint,
                     char *buf, size_t len)
{
    struct ipcb_limit lim;
    ipcb_transport_limit(t, &lim);
    if (lim.max_message == 0 || size <= lim.max_message)
        return 0;
    char sz[32];
    ipcb_format_size(size, sz, sizeof sz);
    int n = snprintf(buf, len, "%s exceeds %s's limit of %zu bytes", sz, t->name,
                     lim.max_message);
    if (n < 0 || (size_t)n >= len)
        return -EMSGSIZE;
    if (lim.ceiling && size > lim.ceiling)
        snprintf(buf + n, len - (size_t)n, " (a kernel ceiling no setting raises)");
    else if (lim.setting && with_hint)
        snprintf(buf + n, len - (size_t)n, " (%s); raise it with sysctl %s=%llu",
                 lim.setting, lim.setting, (unsigned long long)size);
    else if (lim.setting)
        snprintf(buf + n, len - (size_t)n, " (%s)", lim.setting);
    else if (lim.fixed)
        snprintf(buf + n, len - (size_t)n, " (%s, which no setting raises)", lim.fixed);
    return -EMSGSIZE;
}

const struct ipcb_transport *const *ipcb_transports(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

const struct ipcb_transport *ipcb_transport_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

/* "pipe, fifo, ...": the transports -t all runs (the variants are many:
 * `ipcbench list` shows them; an absent one cannot run) */
int ipcb_transport_names(char *buf, size_t len)
{
    int n = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof all / sizeof all[0] && n >= 0 && (size_t)n < len; i++)
        if (!(all[i]->flags & IPCB_VARIANT) && !all[i]->absent)
            n += snprintf(buf + n, len - (size_t)n, "%s%s", n ? ", " : "", all[i]->name);
    return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}

/* "block, spin, poll, epoll, uring": what --wait calls t's own strategy,
 * then its variants' strategies, in the registry's order */
int ipcb_wait_strategy_names(const struct ipcb_transport *t, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s", t->wait_default ? t->wait_default : "block");
    for (size_t i = 0; i < sizeof all / sizeof all[0] && n >= 0 && (size_t)n < len; i++)
        if (all[i]->base == t)
            n += snprintf(buf + n, len - (size_t)n, ", %s",
                          all[i]->name + strlen(t->name) + 1);
    return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}

/* "block, spin, poll, epoll, uring, sem, sysv-sem, ...": every strategy
 * some transport has, once each, in the order of the transports' own */
int ipcb_wait_every_strategy_name(char *buf, size_t len)
{
    size_t at = 0;
    int rc = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        char theirs[256];
        if (all[i]->base)
            continue;
        rc |= ipcb_wait_strategy_names(all[i], theirs, sizeof theirs);
        char *save = NULL;
        for (char *s = strtok_r(theirs, ", ", &save); s; s = strtok_r(NULL, ", ", &save)) {
            size_t n = strlen(s);
            const char *seen = buf;
            /* already there: as a whole item of buf's "a, b, c" */
            while ((seen = strstr(seen, s)) &&
                   !((seen == buf || seen[-1] == ' ') && (seen[n] == ',' || !seen[n])))
                seen += n;
            if (seen)
                continue;
            int w = snprintf(buf + at, len > at ? len - at : 0, "%s%s", at ? ", " : "", s);
            at += w > 0 ? (size_t)w : 0;
        }
    }
    return rc == 0 && at < len ? 0 : -ENOSPC;
}
