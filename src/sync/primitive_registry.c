/* Every synchronization primitive, in the order of `ipcbench sync`'s rows:
 * the only place that lists them. */
#include <string.h>

#include "sync/sync.h"

extern const struct ipcb_transport ipcb_sync_psem, ipcb_sync_ssem, ipcb_sync_futex,
    ipcb_sync_mutex, ipcb_sync_spin, ipcb_sync_efd, ipcb_sync_rts, ipcb_sync_pipe,
    ipcb_sync_flock, ipcb_sync_fcntl, ipcb_sync_none;

static const struct ipcb_transport *const all[] = {
    &ipcb_sync_psem, &ipcb_sync_ssem, &ipcb_sync_futex, &ipcb_sync_mutex, &ipcb_sync_spin,
    &ipcb_sync_efd, &ipcb_sync_rts, &ipcb_sync_pipe, &ipcb_sync_flock, &ipcb_sync_fcntl,
    &ipcb_sync_none,
};

const struct ipcb_transport *const *ipcb_primitives(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

/* by name; NULL when there is none */
const struct ipcb_transport *ipcb_primitive_find(const char *name)
{
    size_t n = sizeof all / sizeof all[0];
    while (n-- > 0 && strcmp(all[n]->name, name) != 0)
        ;
    return n < sizeof all / sizeof all[0] ? all[n] : NULL;
}
