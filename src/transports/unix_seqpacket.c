/* AF_UNIX SOCK_SEQPACKET bound to a path in a private directory: the parent
 * listens, the consumer accepts, the producer connects; one connection
 * carries both directions, each send one message. */
#include <sys/socket.h>

#include "ipcbench/transport.h"
#include "sock_common.h"

static void seqpacket_limit(struct ipcb_limit *lim)
{
    ipcb_sock_limit(SOCK_SEQPACKET, lim);
}

/* buffers as large as net.core.wmem_max allows: SO_SNDBUF bounds a message */
static int seqpacket_create(struct ipcb_chan *c)
{
    return ipcb_sock_create(c, SOCK_SEQPACKET, 1);
}

static IPCB_HOT ssize_t seqpacket_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_sock_send_msg(((struct ipcb_sock *)c->priv)->fd, buf, len);
}

static IPCB_HOT ssize_t seqpacket_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_sock_recv_msg(((struct ipcb_sock *)c->priv)->fd, buf, len);
}

const struct ipcb_transport ipcb_unix_seqpacket = {
    .name = "unix-seqpacket",
    .summary = "AF_UNIX seqpacket socket on a path in a private directory",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX,
    .limit = seqpacket_limit,
    .create = seqpacket_create, .open = ipcb_sock_open, .opened = ipcb_sock_opened,
    .send = seqpacket_send, .recv = seqpacket_recv, .close = ipcb_sock_close,
    .destroy = ipcb_sock_destroy,
};
