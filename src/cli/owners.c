/* Who takes an option: a core option the commands its entry names, a
 * plugin's the transports and patterns that list it, when one of them is
 * in the plan. An option nobody in the run takes is bad input, and the
 * refusal says who would take it. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"

static int lists(const struct ipcb_option *const *list, const struct ipcb_option *o)
{
    for (; list && *list; list++)
        if (*list == o)
            return 1;
    return 0;
}

static void append(char *out, size_t len, const char *name)
{
    size_t at = strlen(out);
    snprintf(out + at, len - at, "%s%s", at ? ", " : "", name);
}

/* "compare" or "run, sync": the commands that take a core option */
static void commands_taking(const struct ipcb_option *o, char *out, size_t len)
{
    size_t n;
    const struct ipcb_command_name *cmds = ipcb_commands(&n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (cmds[i].usage && (o->commands & IPCB_TAKES(cmds[i].command)))
            append(out, len, cmds[i].name);
}

enum ipcb_owner_kind ipcb_option_owners(const struct ipcb_option *o, char *names, size_t len)
{
    size_t n_t, n_p;
    const struct ipcb_transport *const *t = ipcb_transports(&n_t);
    const struct ipcb_pattern *const *pats = ipcb_patterns(&n_p);
    names[0] = '\0';
    for (size_t i = 0; i < n_t; i++)
        if (!t[i]->base && lists(t[i]->options, o))
            append(names, len, t[i]->name);
    if (names[0])
        return IPCB_OWNED_BY_TRANSPORTS;
    for (size_t i = 0; i < n_p; i++)
        if (lists(pats[i]->options, o)) {
            if (pats[i]->runs_on == IPCB_ON_PRIMITIVE) {
                snprintf(names, len, "sync");
                return IPCB_OWNED_BY_SYNC;
            }
            append(names, len, pats[i]->name);
        }
    return names[0] ? IPCB_OWNED_BY_PATTERNS : IPCB_OWNED_BY_NONE;
}

/* "an option of the fanin pattern, which this run does not include (add -p fanin)" */
static void plugins_listing(const struct ipcb_option *o, char *who, size_t len)
{
    char names[200];
    enum ipcb_owner_kind kind = ipcb_option_owners(o, names, sizeof names);
    int several = strchr(names, ',') != NULL;
    int first = (int)strcspn(names, ",");
    if (kind == IPCB_OWNED_BY_SYNC)
        snprintf(who, len, "an option of ipcbench sync");
    else if (kind == IPCB_OWNED_BY_TRANSPORTS)
        snprintf(who, len, "an option of the %s transport%s, which -t does not include "
                 "(add -t %.*s)", names, several ? "s" : "", first, names);
    else
        snprintf(who, len, "an option of the %s pattern%s, which this run does not include "
                 "(add -p %.*s)", names, several ? "s" : "", first, names);
}

int ipcb_option_taken(const struct ipcb_option *o, const struct ipcb_plan *p, char *who,
                      size_t len)
{
    if (ipcb_option_is_core(o)) {
        if (o->commands & IPCB_TAKES(p->command))
            return 1;
        char cmds[120];
        const char *this = "run";
        size_t n;
        const struct ipcb_command_name *all = ipcb_commands(&n);
        for (size_t i = 0; i < n; i++)
            if (all[i].command == p->command)
                this = all[i].name;
        commands_taking(o, cmds, sizeof cmds);
        snprintf(who, len, "an option of %s, not of %s", cmds, this);
        return 0;
    }
    if (p->command == IPCB_CMD_RUN || p->command == IPCB_CMD_SYNC) {
        for (size_t i = 0; i < p->n_transports; i++) {
            const struct ipcb_transport *t = p->transports[i];
            if (lists((t->base ? t->base : t)->options, o))
                return 1;
        }
        for (size_t i = 0; i < p->n_patterns; i++)
            if (lists(p->patterns[i]->options, o))
                return 1;
    }
    plugins_listing(o, who, len);
    return 0;
}
