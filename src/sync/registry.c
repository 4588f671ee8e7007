/* Every synchronization primitive, in the order of `ipcbench sync`'s rows:
 * the only place that lists them. */
#include <string.h>

#include "sync/sync.h"

extern const struct ipcb_transport ipcb_sync_posix_sem, ipcb_sync_sysv_sem, ipcb_sync_futex,
    ipcb_sync_mutex, ipcb_sync_spin, ipcb_sync_eventfd, ipcb_sync_rt_signal, ipcb_sync_pipe,
    ipcb_sync_flock, ipcb_sync_fcntl, ipcb_sync_none;

static const struct ipcb_transport *const all[] = {
    &ipcb_sync_posix_sem, &ipcb_sync_sysv_sem, &ipcb_sync_futex, &ipcb_sync_mutex,
    &ipcb_sync_spin, &ipcb_sync_eventfd, &ipcb_sync_rt_signal, &ipcb_sync_pipe,
    &ipcb_sync_flock, &ipcb_sync_fcntl, &ipcb_sync_none,
};

const struct ipcb_transport *const *ipcb_primitives(size_t *count)
{
    *count = sizeof all / sizeof all[0];
    return all;
}

const struct ipcb_transport *ipcb_primitive_find(const char *name)
{
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}
