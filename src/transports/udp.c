/* UDP over the loopback interface: the parent binds one socket per side to
 * 127.0.0.1 with an ephemeral port; each side connects its socket to the
 * other's address, so the kernel drops datagrams from anyone else. The
 * kernel may drop ours too when a receive buffer is full: the patterns
 * count those losses. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ipcbench/transport.h"

/* 65535 (IPv4 total length) - 20 (IP header) - 8 (UDP header); a loopback
 * send of 65507 bytes arrives whole, 65508 fails with EMSGSIZE */
#define UDP_MAX_PAYLOAD 65507u

struct udp_chan {
    int sock[2];                 /* indexed by enum ipcb_side */
    struct sockaddr_in addr[2];
    int fd;                      /* this side's socket, after open */
};

/* Raise a socket buffer to the most an unprivileged process may ask for
 * (net.core.rmem_max / wmem_max): the bigger the receive queue, the fewer
 * datagrams a stream loses when the producer runs ahead. Never lowers it;
 * failure only costs losses, so it is not an error. */
static void raise_buffer(int fd, int opt, const char *sysctl_path)
{
    size_t max = ipcb_read_sysctl(sysctl_path);
    int cur = 0;
    socklen_t clen = sizeof cur;
    if (max == 0 || getsockopt(fd, SOL_SOCKET, opt, &cur, &clen) != 0)
        return;
    int want = max > INT_MAX / 2 ? INT_MAX / 2 : (int)max;
    if (want > cur / 2) /* the kernel reports twice what was set */
        (void)setsockopt(fd, SOL_SOCKET, opt, &want, sizeof want);
}

static int udp_create(struct ipcb_chan *c)
{
    struct udp_chan *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *p = (struct udp_chan){.sock = {-1, -1}, .fd = -1};
    c->priv = p;

    /* SO_RCVTIMEO 0 would block for ever: a receive must always give up */
    int ms = c->recv_timeout_ms > 0 ? c->recv_timeout_ms : 1;
    struct timeval timeout = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    for (int s = 0; s < 2; s++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return ipcb_chan_errno(c, "socket(AF_INET, SOCK_DGRAM)");
        p->sock[s] = fd;
        raise_buffer(fd, SO_SNDBUF, "/proc/sys/net/core/wmem_max");
        raise_buffer(fd, SO_RCVBUF, "/proc/sys/net/core/rmem_max");
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0)
            return ipcb_chan_errno(c, "setsockopt SO_RCVTIMEO");
        p->addr[s] = (struct sockaddr_in){.sin_family = AF_INET,
                                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t alen = sizeof p->addr[s];
        if (bind(fd, (struct sockaddr *)&p->addr[s], sizeof p->addr[s]) != 0 ||
            getsockname(fd, (struct sockaddr *)&p->addr[s], &alen) != 0)
            return ipcb_chan_errno(c, "bind to 127.0.0.1");
    }
    return 0;
}

static int udp_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct udp_chan *p = c->priv;
    const int other = side == IPCB_PRODUCER ? IPCB_CONSUMER : IPCB_PRODUCER;
    c->side = side;
    ipcb_close_fd(&p->sock[other]);
    p->fd = p->sock[side];
    p->sock[side] = -1;
    if (connect(p->fd, (struct sockaddr *)&p->addr[other], sizeof p->addr[other]) != 0)
        return ipcb_chan_errno(c, "connect to 127.0.0.1");
    /* connect() filters what arrives from now on, not what another process
     * sent to our port before; our peer sends nothing before the barrier */
    char sink;
    while (recv(p->fd, &sink, 1, MSG_DONTWAIT) >= 0 || errno == EINTR)
        ;
    return 0;
}

static IPCB_HOT ssize_t udp_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    int fd = ((struct udp_chan *)c->priv)->fd;
    for (;;) {
        ssize_t n = send(fd, buf, len, 0);
        if (n >= 0 || errno != EINTR)
            return n >= 0 ? n : -errno;
    }
}

/* MSG_TRUNC: a datagram longer than len comes back as its real length, so
 * the pattern sees a size mismatch instead of a quietly cut message */
static IPCB_HOT ssize_t udp_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    int fd = ((struct udp_chan *)c->priv)->fd;
    for (;;) {
        ssize_t n = recv(fd, buf, len, MSG_TRUNC);
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
}

static void udp_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct udp_chan *p = c->priv;
    (void)side;
    ipcb_close_fd(&p->fd);
    ipcb_close_fd(&p->sock[0]);
    ipcb_close_fd(&p->sock[1]);
}

/* parent: each side holds its socket; the parent's copies would keep a dead
 * side's port bound, so the other would not get ECONNREFUSED */
static void udp_opened(struct ipcb_chan *c)
{
    struct udp_chan *p = c->priv;
    ipcb_close_fd(&p->sock[0]);
    ipcb_close_fd(&p->sock[1]);
}

static void udp_destroy(struct ipcb_chan *c)
{
    struct udp_chan *p = c->priv;
    if (!p)
        return;
    udp_opened(c);
    ipcb_close_fd(&p->fd);
    free(p);
    c->priv = NULL;
}

static void udp_limit(struct ipcb_limit *lim)
{
    lim->max_message = UDP_MAX_PAYLOAD;
    lim->fixed = "the IPv4 datagram payload";
}

const struct ipcb_transport ipcb_udp = {
    .name = "udp",
    .summary = "UDP over 127.0.0.1, two connected sockets; losses are counted",
    .flags = IPCB_MESSAGE | IPCB_LOSSY,
    .limit = udp_limit,
    .create = udp_create, .open = udp_open, .opened = udp_opened, .send = udp_send,
    .recv = udp_recv, .close = udp_close, .destroy = udp_destroy,
};
