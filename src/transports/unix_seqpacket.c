/* AF_UNIX SOCK_SEQPACKET bound to a path in a private directory: the parent
 * listens, the consumer accepts, the producer connects; one connection
 * carries both directions, each send one message. */
#include <sys/socket.h>

#include "ipcbench/transport.h"
#include "transports/sockets.h"
#include "transports/unix_sock.h"
#include "transports/wait.h"

static void seqpacket_limit(struct ipcb_limit *lim)
{
    ipcb_unix_sock_limit(SOCK_SEQPACKET, lim);
}

static int seqpacket_create(struct ipcb_chan *c)
{
    return ipcb_unix_sock_create(c, SOCK_SEQPACKET);
}

#define UNIX_SEQPACKET_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX)

const struct ipcb_transport ipcb_unix_seqpacket = {
    .name = "unix-seqpacket",
    .summary = "AF_UNIX seqpacket socket on a path in a private directory",
    .flags = UNIX_SEQPACKET_FLAGS, .io = IPCB_IO_DGRAM, .wait_default = "block",
    .limit = seqpacket_limit,
    .create = seqpacket_create, .open = ipcb_unix_sock_open, .opened = ipcb_unix_sock_opened,
    .send = ipcb_sock_send_msg, .recv = ipcb_sock_recv_msg, .close = ipcb_fds_close,
    .destroy = ipcb_fds_destroy,
};

/* the same channel, waited on another way: unix-seqpacket/spin, /poll, /epoll, /uring */
IPCB_FD_WAIT_VARIANTS(ipcb_unix_seqpacket, "unix-seqpacket", UNIX_SEQPACKET_FLAGS, dgram)
