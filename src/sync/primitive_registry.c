/* Every synchronization primitive, in the order of `ipcbench sync`'s rows:
 * the order of src/sync/meson.build's list, which generates
 * primitive_list.h. Adding a primitive is its table and its name there. */
#include <errno.h>
#include <stdio.h>

#include "sync/primitive_list.h"
#include "sync/sync.h"

#define X(name) extern const struct ipcb_transport ipcb_sync_##name;
IPCB_PRIMITIVE_LIST
#undef X

static const struct ipcb_transport *const all[] = {
#define X(name) &ipcb_sync_##name,
    IPCB_PRIMITIVE_LIST
#undef X
};

const struct ipcb_transport *const *ipcb_primitives(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

int ipcb_primitive_names(char *buf, size_t len)
{
    int n = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof all / sizeof all[0] && n >= 0 && (size_t)n < len; i++)
        n += snprintf(buf + n, len - (size_t)n, "%s%s", i ? ", " : "", all[i]->name);
    return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}
