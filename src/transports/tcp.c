/* TCP over the loopback interface: the parent makes a listening socket on
 * 127.0.0.1 with an ephemeral port, and the producer's socket bound to its
 * own ephemeral port; the consumer accepts, the producer connects. One
 * connection carries both directions. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipcbench/transport.h"

struct tcp_chan {
    int listen_fd;                    /* parent and consumer, until accepted */
    int producer_fd;                  /* bound in create, connected by the producer */
    struct sockaddr_in listen_addr;
    struct sockaddr_in producer_addr; /* the only peer the consumer accepts */
    int fd;                           /* this side's connected socket, after open */
};

/* bind to 127.0.0.1 port 0 and read back the port the kernel chose */
static int bind_loopback(int fd, struct sockaddr_in *addr)
{
    *addr = (struct sockaddr_in){.sin_family = AF_INET,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof *addr;
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0 ||
        getsockname(fd, (struct sockaddr *)addr, &alen) != 0)
        return -1;
    return 0;
}

static int tcp_create(struct ipcb_chan *c)
{
    struct tcp_chan *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *p = (struct tcp_chan){.listen_fd = -1, .producer_fd = -1, .fd = -1};
    c->priv = p;

    p->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->listen_fd < 0)
        return ipcb_chan_errno(c, "socket(AF_INET, SOCK_STREAM)");
    if (bind_loopback(p->listen_fd, &p->listen_addr) != 0)
        return ipcb_chan_errno(c, "bind to 127.0.0.1");
    if (listen(p->listen_fd, 4) != 0)
        return ipcb_chan_errno(c, "listen on 127.0.0.1");
    /* binding the producer's socket now tells the consumer which connection
     * is ours: any process can connect to a loopback port */
    p->producer_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->producer_fd < 0)
        return ipcb_chan_errno(c, "socket(AF_INET, SOCK_STREAM)");
    if (bind_loopback(p->producer_fd, &p->producer_addr) != 0)
        return ipcb_chan_errno(c, "bind to 127.0.0.1");
    return 0;
}

static int set_nodelay(struct ipcb_chan *c, int fd)
{
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        return ipcb_chan_errno(c, "setsockopt TCP_NODELAY");
    return 0;
}

static int accept_producer(struct ipcb_chan *c, struct tcp_chan *p)
{
    for (;;) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        int fd = accept4(p->listen_fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return ipcb_chan_errno(c, "accept on 127.0.0.1");
        }
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
        p->fd = p->producer_fd;
        p->producer_fd = -1;
        while (connect(p->fd, (struct sockaddr *)&p->listen_addr, sizeof p->listen_addr) != 0)
            if (errno != EINTR)
                return ipcb_chan_errno(c, "connect to 127.0.0.1");
    } else {
        /* our copy of the producer's socket would hide its death from us */
        ipcb_close_fd(&p->producer_fd);
        int fd = accept_producer(c, p);
        if (fd < 0)
            return fd;
        p->fd = fd;
        ipcb_close_fd(&p->listen_fd);
    }
    return set_nodelay(c, p->fd);
}

static IPCB_HOT ssize_t tcp_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_write_full(((struct tcp_chan *)c->priv)->fd, buf, len);
}

static IPCB_HOT ssize_t tcp_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_read_full(((struct tcp_chan *)c->priv)->fd, buf, len);
}

static void tcp_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct tcp_chan *p = c->priv;
    (void)side;
    ipcb_close_fd(&p->fd);
    ipcb_close_fd(&p->listen_fd);
    ipcb_close_fd(&p->producer_fd);
}

/* parent: the connection is made; its copies would keep a dead side's
 * socket open and the port listening */
static void tcp_opened(struct ipcb_chan *c)
{
    struct tcp_chan *p = c->priv;
    ipcb_close_fd(&p->listen_fd);
    ipcb_close_fd(&p->producer_fd);
}

static void tcp_destroy(struct ipcb_chan *c)
{
    struct tcp_chan *p = c->priv;
    if (!p)
        return;
    tcp_opened(c);
    ipcb_close_fd(&p->fd);
    free(p);
    c->priv = NULL;
}

const struct ipcb_transport ipcb_tcp = {
    .name = "tcp",
    .summary = "TCP over 127.0.0.1, ephemeral port, TCP_NODELAY",
    .flags = IPCB_STREAM | IPCB_DUPLEX,
    .create = tcp_create, .open = tcp_open, .opened = tcp_opened, .send = tcp_send,
    .recv = tcp_recv, .close = tcp_close, .destroy = tcp_destroy,
};
