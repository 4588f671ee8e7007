/* The only place that lists every transport. */
#include <string.h>

#include "ipcbench/transport.h"

extern const struct ipcb_transport ipcb_pipe;
extern const struct ipcb_transport ipcb_fifo;
extern const struct ipcb_transport ipcb_unix;
extern const struct ipcb_transport ipcb_unix_dgram;
extern const struct ipcb_transport ipcb_unix_seqpacket;
extern const struct ipcb_transport ipcb_tcp;
extern const struct ipcb_transport ipcb_udp;
extern const struct ipcb_transport ipcb_sysv_mq;
extern const struct ipcb_transport ipcb_posix_mq;
extern const struct ipcb_transport ipcb_shm;

static const struct ipcb_transport *const all[] = {
    &ipcb_pipe,
    &ipcb_fifo,
    &ipcb_unix,
    &ipcb_unix_dgram,
    &ipcb_unix_seqpacket,
    &ipcb_tcp,
    &ipcb_udp,
    &ipcb_sysv_mq,
    &ipcb_posix_mq,
    &ipcb_shm,
};

void ipcb_transport_limit(const struct ipcb_transport *t, struct ipcb_limit *lim)
{
    *lim = (struct ipcb_limit){0};
    if (t->limit)
        t->limit(lim);
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
