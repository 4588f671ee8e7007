/* UDP over the loopback interface: the parent binds one socket per side to
 * 127.0.0.1 with an ephemeral port; each side connects its socket to the
 * other's address, so the kernel drops datagrams from anyone else. The
 * kernel may drop ours too when a receive buffer is full: the patterns
 * count those losses. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "ipcbench/transport.h"
#include "transports/sockets.h"
#include "transports/variants.h"

/* 65535 (IPv4 total length) - 20 (IP header) - 8 (UDP header); a loopback
 * send of 65507 bytes arrives whole, 65508 fails with EMSGSIZE */
#define UDP_MAX_PAYLOAD 65507u

/* a receive that timed out (SO_RCVTIMEO) fails with EWOULDBLOCK, which
 * ipcb_sock_recv_msg returns as the -EAGAIN an IPCB_LOSSY recv promises */
_Static_assert(EWOULDBLOCK == EAGAIN, "a receive timeout is -EAGAIN");

struct udp_chan {
    struct ipcb_fds io;          /* this side's socket, both ways, after open */
    int sock[2];                 /* indexed by enum ipcb_side */
    struct sockaddr_in addr[2];
};

static int udp_create(struct ipcb_chan *c)
{
    struct udp_chan *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *p = (struct udp_chan){.io = {.rfd = -1, .wfd = -1}, .sock = {-1, -1}};
    c->priv = p;

    /* SO_RCVTIMEO 0 would block for ever: a receive must always give up */
    int ms = c->recv_timeout_ms > 0 ? c->recv_timeout_ms : 1;
    struct timeval timeout = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    for (int s = 0; s < 2; s++) {
        int fd = p->sock[s] = ipcb_sock_loopback(c, SOCK_DGRAM, &p->addr[s]);
        if (fd < 0)
            return fd;
        /* the bigger the receive queue, the fewer datagrams a stream loses
         * when the producer runs ahead: the maximum, or --sndbuf, --rcvbuf */
        int rc = ipcb_sock_buffers_given(c, fd, 1);
        if (rc < 0)
            return rc;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
            return ipcb_chan_errno(c, "setsockopt SO_RCVTIMEO");
    }
    return 0;
}

static int udp_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct udp_chan *p = c->priv;
    const int other = side == IPCB_PRODUCER ? IPCB_CONSUMER : IPCB_PRODUCER;
    c->side = side;
    ipcb_close_fd(&p->sock[other]);
    p->io.rfd = p->io.wfd = p->sock[side];
    p->sock[side] = -1;
    int rc = ipcb_sock_connect(c, p->io.wfd, &p->addr[other], sizeof p->addr[other],
                               "127.0.0.1");
    if (rc < 0)
        return rc;
    /* connect() filters what arrives from now on, not what another process
     * sent to our port before; our peer sends nothing before the barrier */
    char sink;
    while (recv(p->io.rfd, &sink, 1, MSG_DONTWAIT) >= 0 || errno == EINTR)
        ;
    return 0;
}

/* parent: each side holds its socket; the parent's copies would keep a dead
 * side's port bound, so the other would not get ECONNREFUSED */
static void udp_opened(struct ipcb_chan *c)
{
    struct udp_chan *p = c->priv;
    ipcb_close_fd(&p->sock[0]);
    ipcb_close_fd(&p->sock[1]);
}

static void udp_limit(struct ipcb_limit *lim)
{
    lim->max_message = UDP_MAX_PAYLOAD;
    lim->fixed = "the IPv4 datagram payload";
}

static const struct ipcb_option *const udp_options[] = {&ipcb_opt_sndbuf, &ipcb_opt_rcvbuf,
                                                        NULL};

/* and its variants, the same sockets waited on another way: udp/spin,
 * /poll, /epoll, /uring */
IPCB_FD_TRANSPORT(ipcb_udp, "udp", IPCB_MESSAGE | IPCB_LOSSY | IPCB_SHARED_SEND, dgram,
                  "UDP over 127.0.0.1, two connected sockets; losses are counted",
                  .limit = udp_limit, .create = udp_create, .open = udp_open,
                  .opened = udp_opened, .options = udp_options)
