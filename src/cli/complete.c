/* `ipcbench complete WHAT`: the names a shell completion offers, one a line,
 * read from the registries and the option tables, so completions/ never
 * holds a copy that could fall behind. Not in --help: it is for the scripts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "ipcbench/pattern.h"
#include "ipcbench/transport.h"
#include "sync/sync.h"

/* the strategy the descriptor transports wait with when none is named */
#define WAIT_DEFAULT "block"

static void print_commands(FILE *f)
{
    size_t n;
    const struct ipcb_command_name *cmds = ipcb_commands(&n);
    for (size_t i = 0; i < n; i++)
        if (cmds[i].usage)
            fprintf(f, "%s\n", cmds[i].name);
}

static void print_transports(FILE *f)
{
    size_t n;
    const struct ipcb_transport *const *all = ipcb_transports(&n);
    for (size_t i = 0; i < n; i++)
        if (!all[i]->absent) /* built without its library: nothing to offer */
            fprintf(f, "%s\n", all[i]->name);
}

static void print_patterns(FILE *f)
{
    size_t n;
    const struct ipcb_pattern *const *all = ipcb_patterns(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", all[i]->name);
}

static void print_primitives(FILE *f)
{
    size_t n;
    const struct ipcb_transport *const *all = ipcb_primitives(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", all[i]->name);
}

static void print_options(FILE *f)
{
    size_t n;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "--%s\n", opts[i]->name);
}

/* a transport's own strategy (sysv-shm's sysv-sem), printed with those */
static int someones_own(const struct ipcb_transport *const *all, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (all[i]->wait_default && strcmp(all[i]->wait_default, name) == 0)
            return 1;
    return 0;
}

/* a variant's strategy is its name after the '/' (shm/futex: futex); the
 * same strategy of several transports is printed once */
static void print_waits(FILE *f)
{
    size_t n;
    const struct ipcb_transport *const *all = ipcb_transports(&n);
    fprintf(f, "%s\n", WAIT_DEFAULT);
    /* a transport's own strategy has a name of its own too (shm's sem) */
    for (size_t i = 0; i < n; i++) {
        const char *own = all[i]->wait_default;
        size_t j = 0;
        while (own && j < i && !(all[j]->wait_default && strcmp(all[j]->wait_default, own) == 0))
            j++;
        if (own && j == i && strcmp(own, WAIT_DEFAULT) != 0)
            fprintf(f, "%s\n", own);
    }
    for (size_t i = 0; i < n; i++) {
        const char *slash = strchr(all[i]->name, '/');
        if (!(all[i]->flags & IPCB_VARIANT) || !slash || !slash[1] ||
            strcmp(slash + 1, WAIT_DEFAULT) == 0 || someones_own(all, n, slash + 1))
            continue;
        size_t j = 0;
        while (j < i) {
            const char *seen = strchr(all[j]->name, '/');
            if ((all[j]->flags & IPCB_VARIANT) && seen && strcmp(seen, slash) == 0)
                break;
            j++;
        }
        if (j == i)
            fprintf(f, "%s\n", slash + 1);
    }
}

static const struct {
    const char *what;
    void (*print)(FILE *f);
} lists[] = {
    {"commands", print_commands},
    {"transports", print_transports},
    {"patterns", print_patterns},
    {"options", print_options},
    {"waits", print_waits},
    {"primitives", print_primitives},
};

int ipcb_complete(FILE *f, const char *what, char *err, size_t errlen)
{
    char known[128] = "";
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(what, lists[i].what) == 0) {
            lists[i].print(f);
            return 0;
        }
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                 i ? ", " : "", lists[i].what);
    }
    snprintf(err, errlen, "complete: no list '%s' (use %s)", what, known);
    for (char *c = err; *c; c++) /* it echoes what was typed: one printable line */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return -EINVAL;
}
