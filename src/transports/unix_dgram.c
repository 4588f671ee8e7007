/* AF_UNIX SOCK_DGRAM: one socket per side, each bound to its own path in a
 * private directory and connected to the other's, so send and recv need no
 * address. Linux blocks a sender whose peer's queue is full rather than
 * drop, so nothing is lost. */
#include <sys/socket.h>

#include "ipcbench/transport.h"
#include "sock_common.h"

static void dgram_limit(struct ipcb_limit *lim)
{
    ipcb_sock_limit(SOCK_DGRAM, lim);
}

/* buffers as large as net.core.wmem_max allows: SO_SNDBUF bounds a datagram */
static int dgram_create(struct ipcb_chan *c)
{
    return ipcb_sock_create(c, SOCK_DGRAM, 1);
}

static IPCB_HOT ssize_t dgram_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_sock_send_msg(((struct ipcb_sock *)c->priv)->fd, buf, len);
}

static IPCB_HOT ssize_t dgram_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_sock_recv_msg(((struct ipcb_sock *)c->priv)->fd, buf, len);
}

const struct ipcb_transport ipcb_unix_dgram = {
    .name = "unix-dgram",
    .summary = "AF_UNIX datagram sockets, one bound path per side",
    .flags = IPCB_MESSAGE,
    .limit = dgram_limit,
    .create = dgram_create, .open = ipcb_sock_open, .opened = ipcb_sock_opened,
    .send = dgram_send, .recv = dgram_recv, .close = ipcb_sock_close,
    .destroy = ipcb_sock_destroy,
};
