/* TCP over the loopback interface: the parent makes a listening socket on
 * 127.0.0.1 with an ephemeral port, and the producer's socket bound to its
 * own ephemeral port; the consumer accepts, the producer connects. One
 * connection carries both directions. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/sockets.h"
#include "transports/variants.h"

struct tcp_chan {
    struct ipcb_fds io;               /* this side's connection, both ways, after open */
    int listen_fd;                    /* parent and consumer, until accepted */
    int producer_fd;                  /* bound in create, connected by the producer */
    struct sockaddr_in listen_addr;
    struct sockaddr_in producer_addr; /* the only peer the consumer accepts */
};

static int tcp_create(struct ipcb_chan *c)
{
    struct tcp_chan *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *p = (struct tcp_chan){.io = {.rfd = -1, .wfd = -1}, .listen_fd = -1, .producer_fd = -1};
    c->priv = p;

    p->listen_fd = ipcb_sock_loopback(c, SOCK_STREAM, &p->listen_addr);
    if (p->listen_fd < 0)
        return p->listen_fd;
    if (listen(p->listen_fd, 4) != 0)
        return ipcb_chan_errno(c, "listen on 127.0.0.1");
    /* binding the producer's socket now tells the consumer which connection
     * is ours: any process can connect to a loopback port */
    p->producer_fd = ipcb_sock_loopback(c, SOCK_STREAM, &p->producer_addr);
    return p->producer_fd < 0 ? p->producer_fd : 0;
}

static int accept_producer(struct ipcb_chan *c, struct tcp_chan *p)
{
    for (;;) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        int fd = ipcb_sock_accept(c, p->listen_fd, &peer, &plen);
        if (fd < 0)
            return fd;
        if (plen == sizeof peer && peer.sin_port == p->producer_addr.sin_port &&
            peer.sin_addr.s_addr == p->producer_addr.sin_addr.s_addr)
            return fd;
        close(fd); /* another process connected to our port: not our producer */
    }
}

static int tcp_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct tcp_chan *p = c->priv;
    c->side = side;
    if (side == IPCB_PRODUCER) {
        ipcb_close_fd(&p->listen_fd);
        p->io.rfd = p->io.wfd = p->producer_fd;
        p->producer_fd = -1;
        int rc = ipcb_sock_connect(c, p->io.wfd, &p->listen_addr, sizeof p->listen_addr,
                                   "127.0.0.1");
        if (rc < 0)
            return rc;
    } else {
        /* our copy of the producer's socket would hide its death from us */
        ipcb_close_fd(&p->producer_fd);
        int fd = accept_producer(c, p);
        ipcb_close_fd(&p->listen_fd);
        if (fd < 0)
            return fd;
        p->io.rfd = p->io.wfd = fd;
    }
    int one = 1;
    if (setsockopt(p->io.wfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        return ipcb_chan_errno(c, "setsockopt TCP_NODELAY");
    return 0;
}

/* parent: the connection is made; its copies would keep a dead side's
 * socket open and the port listening */
static void tcp_opened(struct ipcb_chan *c)
{
    struct tcp_chan *p = c->priv;
    ipcb_close_fd(&p->listen_fd);
    ipcb_close_fd(&p->producer_fd);
}

/* and its variants, the same connection waited on another way: tcp/spin,
 * /poll, /epoll, /uring */
IPCB_FD_TRANSPORT(ipcb_tcp, "tcp", IPCB_STREAM | IPCB_DUPLEX, bytes,
                  "TCP over 127.0.0.1, ephemeral port, TCP_NODELAY",
                  .create = tcp_create, .open = tcp_open, .opened = tcp_opened)
