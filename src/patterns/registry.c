/* The only place that lists every pattern: adding one is a file in this
 * folder and a line here. The order is the order of the rows. */
#include <string.h>

#include "ipcbench/pattern.h"

extern const struct ipcb_pattern ipcb_pingpong, ipcb_stream;

static const struct ipcb_pattern *const all[] = {
    &ipcb_pingpong,
    &ipcb_stream,
};

const struct ipcb_pattern *const *ipcb_patterns(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

const struct ipcb_pattern *ipcb_pattern_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
