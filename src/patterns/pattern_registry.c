/* Every pattern, in the order of src/patterns/meson.build's list, which
 * generates pattern_list.h: adding a pattern is its file and its name
 * there. */
#include <stdio.h>
#include <string.h>

#include "ipcbench/pattern.h"
#include "patterns/pattern_list.h"

#define X(name) extern const struct ipcb_pattern ipcb_pattern_##name;
IPCB_PATTERN_LIST
#undef X

static const struct ipcb_pattern *const all[] = {
#define X(name) &ipcb_pattern_##name,
    IPCB_PATTERN_LIST
#undef X
};

const struct ipcb_pattern *const *ipcb_patterns(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

void ipcb_pattern_layout(const struct ipcb_pattern *pat, struct ipcb_layout *out)
{
    *out = pat->layout;
    if (pat->make_layout)
        pat->make_layout(out);
}

const struct ipcb_pattern *ipcb_pattern_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

const struct ipcb_pattern *ipcb_pattern_of_row(const char *name)
{
    const struct ipcb_pattern *pat = ipcb_pattern_find(name);
    const char *dash = strrchr(name, '-');
    /* "contention-4", "rate-100000", "rate-50pct": a copy run with a number */
    if (pat || !dash || dash[1] < '0' || dash[1] > '9')
        return pat;
    char base[64];
    snprintf(base, sizeof base, "%.*s", (int)(dash - name), name);
    return ipcb_pattern_find(base);
}
