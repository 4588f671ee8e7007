/* AF_UNIX SOCK_DGRAM: one socket per side, each bound to its own path in a
 * private directory and connected to the other's, so send and recv need no
 * address. Linux blocks a sender whose peer's queue is full rather than
 * drop, so nothing is lost. */
#include <sys/socket.h>

#include "ipcbench/transport.h"
#include "transports/sockets.h"
#include "transports/unix_sock.h"
#include "transports/wait.h"

static void dgram_limit(struct ipcb_limit *lim)
{
    ipcb_unix_sock_limit(SOCK_DGRAM, lim);
}

static int dgram_create(struct ipcb_chan *c)
{
    return ipcb_unix_sock_create(c, SOCK_DGRAM);
}

#define UNIX_DGRAM_FLAGS (IPCB_MESSAGE | IPCB_SHARED_SEND)

const struct ipcb_transport ipcb_unix_dgram = {
    .name = "unix-dgram",
    .summary = "AF_UNIX datagram sockets, one bound path per side",
    .flags = UNIX_DGRAM_FLAGS, .io = IPCB_IO_DGRAM, .wait_default = "block",
    .limit = dgram_limit,
    .create = dgram_create, .open = ipcb_unix_sock_open, .opened = ipcb_unix_sock_opened,
    .send = ipcb_sock_send_msg, .recv = ipcb_sock_recv_msg, .close = ipcb_fds_close,
    .destroy = ipcb_fds_destroy,
};

/* the same channel, waited on another way: unix-dgram/spin, /poll, /epoll, /uring */
IPCB_FD_WAIT_VARIANTS(ipcb_unix_dgram, "unix-dgram", UNIX_DGRAM_FLAGS, dgram)
