/* TCP over the loopback interface: the parent makes a listening socket on
 * 127.0.0.1 with an ephemeral port, and the producer's socket bound to its
 * own ephemeral port; the consumer accepts, the producer connects. One
 * connection carries both directions. Its options are the knobs iperf3
 * users reach for: --nodelay (TCP_NODELAY, on by default), --congestion
 * (TCP_CONGESTION) and, shared with udp, --sndbuf and --rcvbuf; all are set
 * on the listening socket and the producer's before they connect, so the
 * accepted socket inherits them and the window scale fits the buffers. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipcbench/options.h"
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

static int nodelay_off;          /* --nodelay: 0 on, 1 off */
static const char *congestion;   /* --congestion NAME, NULL: the system's default */
static uint64_t rcvlowat_bytes;  /* --rcvlowat SIZE, 0: the kernel's (1 byte) */

static const struct ipcb_option nodelay_opt = {
    .name = "nodelay", .metavar = "on|off", .type = IPCB_OPT_CHOICE, .choices = "on,off",
    .def = "on", IPCB_OPT_INTO(nodelay_off),
    .help = "TCP_NODELAY on both ends (off: Nagle's\nalgorithm batches small writes)",
};
static const struct ipcb_option congestion_opt = {
    .name = "congestion", .metavar = "NAME", .type = IPCB_OPT_TEXT, IPCB_OPT_INTO(congestion),
    .help = "congestion control of both ends (TCP_CONGESTION:\ncubic, bbr, reno ...; "
            "without it\nnet.ipv4.tcp_congestion_control)",
};
/* The consumer's wake-ups are paid on the producer's CPU: a receiver that
 * keeps up sleeps after each message, and each send then wakes it. With a
 * low-water mark the kernel wakes it only once that many bytes wait. */
static const struct ipcb_option rcvlowat_opt = {
    .name = "rcvlowat", .metavar = "SIZE", .type = IPCB_OPT_SIZE, .min = 1, .max = INT_MAX / 2,
    IPCB_OPT_INTO(rcvlowat_bytes),
    .help = "SO_RCVLOWAT of the consumer's socket: it wakes once\n"
            "SIZE bytes wait, not at each message (a latency then\n"
            "includes the wait for the batch); where a side answers,\n"
            "at most the message's size",
};
static const struct ipcb_option *const tcp_options[] = {&nodelay_opt, &congestion_opt,
                                                        &ipcb_opt_sndbuf, &ipcb_opt_rcvbuf,
                                                        &rcvlowat_opt,
                                                        NULL};

/* --congestion on fd; one the kernel does not have (or lets no one use)
 * makes the row skipped, saying which it has */
static int set_congestion(struct ipcb_chan *c, int fd)
{
    if (!congestion ||
        setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, congestion, (socklen_t)strlen(congestion)) == 0)
        return 0;
    int e = errno;
    char have[256] = "?";
    FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");
    if (f) {
        if (!fgets(have, sizeof have, f))
            snprintf(have, sizeof have, "?");
        have[strcspn(have, "\n")] = '\0';
        fclose(f);
    }
    if (c)
        ipcb_chan_error(c, "--congestion %s: %s (net.ipv4.tcp_available_congestion_control: "
                        "%s; modprobe tcp_%s may add it)", congestion, strerror(e), have,
                        congestion);
    return e == ENOENT || e == EPERM ? -EOPNOTSUPP : -e;
}

/* what the plan asks of a socket not yet connected */
static int tcp_socket_options(struct ipcb_chan *c, int fd)
{
    int rc = ipcb_sock_buffers_given(c, fd, 0);
    return rc < 0 ? rc : set_congestion(c, fd);
}

void ipcb_tcp_facts(char *cc, size_t len, int *sndbuf, int *rcvbuf)
{
    snprintf(cc, len, "?");
    *sndbuf = *rcvbuf = -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    (void)tcp_socket_options(NULL, fd);
    socklen_t l = (socklen_t)len, il = sizeof *sndbuf;
    if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &l) != 0)
        snprintf(cc, len, "?");
    else
        cc[l < len ? l : len - 1] = '\0';
    if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, sndbuf, &il) != 0)
        *sndbuf = -1;
    il = sizeof *rcvbuf;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, &il) != 0)
        *rcvbuf = -1;
    close(fd);
}

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
    int rc = tcp_socket_options(c, p->listen_fd);
    if (rc < 0)
        return rc;
    if (listen(p->listen_fd, 4) != 0)
        return ipcb_chan_errno(c, "listen on 127.0.0.1");
    /* binding the producer's socket now tells the consumer which connection
     * is ours: any process can connect to a loopback port */
    p->producer_fd = ipcb_sock_loopback(c, SOCK_STREAM, &p->producer_addr);
    return p->producer_fd < 0 ? p->producer_fd : tcp_socket_options(c, p->producer_fd);
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
        if (rcvlowat_bytes) {
            /* a side that waits for an answer of one message would wait
             * for bytes that never come past the message's size */
            uint64_t mark = rcvlowat_bytes;
            if ((c->use & IPCB_USE_ANSWERS) && mark > c->msg_max)
                mark = c->msg_max ? c->msg_max : 1;
            int v = (int)mark; /* at most INT_MAX / 2 */
            if (setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v) != 0)
                return ipcb_chan_errno(c, "setsockopt SO_RCVLOWAT (--rcvlowat)");
        }
    }
    int on = !nodelay_off;
    if (setsockopt(p->io.wfd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
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
                  "TCP over 127.0.0.1, ephemeral port, TCP_NODELAY (--nodelay)",
                  .create = tcp_create, .open = tcp_open, .opened = tcp_opened,
                  .options = tcp_options)
