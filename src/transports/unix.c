/* AF_UNIX SOCK_STREAM bound to a path in a private directory: the parent
 * listens, the consumer accepts, the producer connects; one connection
 * carries both directions. */
#include <sys/socket.h>

#include "ipcbench/transport.h"
#include "transports/unix_sock.h"
#include "transports/wait.h"

static int unix_create(struct ipcb_chan *c)
{
    return ipcb_unix_sock_create(c, SOCK_STREAM);
}

#define UNIX_FLAGS (IPCB_STREAM | IPCB_DUPLEX)

const struct ipcb_transport ipcb_unix = {
    .name = "unix",
    .summary = "AF_UNIX stream socket on a path in a private directory",
    .flags = UNIX_FLAGS, .io = IPCB_IO_BYTES, .wait_default = "block",
    .create = unix_create, .open = ipcb_unix_sock_open, .opened = ipcb_unix_sock_opened,
    .send = ipcb_fds_write, .recv = ipcb_fds_read, .close = ipcb_fds_close,
    .destroy = ipcb_fds_destroy,
};

/* the same channel, waited on another way: unix/spin, /poll, /epoll, /uring */
IPCB_FD_WAIT_VARIANTS(ipcb_unix, "unix", UNIX_FLAGS, bytes)
