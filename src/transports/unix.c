/* AF_UNIX SOCK_STREAM bound to a path in a private directory: the parent
 * listens, the consumer accepts, the producer connects; one connection
 * carries both directions. */
#include <sys/socket.h>

#include "ipcbench/transport.h"
#include "sock_common.h"

/* Default buffers: a byte stream has no message limit to lift, and the
 * defaults are what a program that does not tune them gets. */
static int unix_create(struct ipcb_chan *c)
{
    return ipcb_sock_create(c, SOCK_STREAM, 0);
}

static IPCB_HOT ssize_t unix_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_write_full(((struct ipcb_sock *)c->priv)->fd, buf, len);
}

static IPCB_HOT ssize_t unix_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_read_full(((struct ipcb_sock *)c->priv)->fd, buf, len);
}

const struct ipcb_transport ipcb_unix = {
    .name = "unix",
    .summary = "AF_UNIX stream socket on a path in a private directory",
    .flags = IPCB_STREAM | IPCB_DUPLEX,
    .create = unix_create, .open = ipcb_sock_open, .opened = ipcb_sock_opened,
    .send = unix_send, .recv = unix_recv, .close = ipcb_sock_close,
    .destroy = ipcb_sock_destroy,
};
