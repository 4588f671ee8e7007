/* Socket helpers of every socket transport (sockets.h). */
#include "transports/sockets.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipcbench/options.h"

int ipcb_sock_new(struct ipcb_chan *c, int domain, int type)
{
    int fd = socket(domain, type | SOCK_CLOEXEC, 0);
    return fd >= 0 ? fd : ipcb_chan_errno(c, "socket");
}

int ipcb_sock_loopback(struct ipcb_chan *c, int type, struct sockaddr_in *addr)
{
    int fd = ipcb_sock_new(c, AF_INET, type);
    if (fd < 0)
        return fd;
    *addr = (struct sockaddr_in){.sin_family = AF_INET,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof *addr;
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0 ||
        getsockname(fd, (struct sockaddr *)addr, &alen) != 0) {
        int rc = ipcb_chan_errno(c, "bind to 127.0.0.1");
        close(fd);
        return rc;
    }
    return fd;
}

int ipcb_sock_connect(struct ipcb_chan *c, int fd, const void *addr, socklen_t len,
                      const char *where)
{
    while (connect(fd, addr, len) != 0) {
        if (errno == EINTR)
            continue;
        int err = errno;
        ipcb_chan_error(c, "connect %s: %s", where, strerror(err));
        return -err;
    }
    return 0;
}

int ipcb_sock_accept(struct ipcb_chan *c, int listen_fd, void *peer, socklen_t *peer_len)
{
    for (;;) {
        int fd = accept4(listen_fd, peer, peer_len, SOCK_CLOEXEC);
        if (fd >= 0)
            return fd;
        /* ECONNABORTED: a connection that was reset while queued; wait for the next */
        if (errno != EINTR && errno != ECONNABORTED)
            return ipcb_chan_errno(c, "accept");
    }
}

static int raise_buffer(int fd, int opt, const char *max_sysctl)
{
    size_t max = ipcb_read_sysctl(max_sysctl);
    int cur = 0;
    socklen_t len = sizeof cur;
    if (getsockopt(fd, SOL_SOCKET, opt, &cur, &len) != 0)
        return -errno;
    /* unreadable: ask for all, and the kernel clamps it to the maximum */
    int want = max == 0 || max > INT_MAX / 2 ? INT_MAX / 2 : (int)max;
    /* the kernel keeps, and reports, twice what was set */
    if (want > cur / 2 && setsockopt(fd, SOL_SOCKET, opt, &want, sizeof want) != 0)
        return -errno;
    return 0;
}

int ipcb_sock_buffers_max(int fd)
{
    int rc = raise_buffer(fd, SO_SNDBUF, "/proc/sys/net/core/wmem_max");
    return rc < 0 ? rc : raise_buffer(fd, SO_RCVBUF, "/proc/sys/net/core/rmem_max");
}

/* --sndbuf and --rcvbuf, 0 when not given */
static uint64_t sndbuf_bytes, rcvbuf_bytes;

const struct ipcb_option ipcb_opt_sndbuf = {
    .name = "sndbuf", .metavar = "SIZE", .type = IPCB_OPT_SIZE, .max = INT_MAX / 2,
    IPCB_OPT_INTO(sndbuf_bytes),
    .help = "SO_SNDBUF of each socket (the kernel keeps twice\n"
            "it, at most net.core.wmem_max); without it tcp\n"
            "autotunes and udp takes the maximum",
};
const struct ipcb_option ipcb_opt_rcvbuf = {
    .name = "rcvbuf", .metavar = "SIZE", .type = IPCB_OPT_SIZE, .max = INT_MAX / 2,
    IPCB_OPT_INTO(rcvbuf_bytes),
    .help = "SO_RCVBUF of each socket, as --sndbuf\n"
            "(net.core.rmem_max)",
};

static int set_buffer(struct ipcb_chan *c, int fd, int opt, uint64_t bytes, const char *what)
{
    int want = (int)bytes;
    if (bytes && setsockopt(fd, SOL_SOCKET, opt, &want, sizeof want) != 0)
        return c ? ipcb_chan_errno(c, what) : -errno;
    return 0;
}

int ipcb_sock_buffers_given(struct ipcb_chan *c, int fd, int raise_others)
{
    if (raise_others && (!sndbuf_bytes || !rcvbuf_bytes))
        (void)ipcb_sock_buffers_max(fd);  /* failing costs a udp stream losses only */
    int rc = set_buffer(c, fd, SO_SNDBUF, sndbuf_bytes, "setsockopt SO_SNDBUF (--sndbuf)");
    return rc < 0 ? rc : set_buffer(c, fd, SO_RCVBUF, rcvbuf_bytes,
                                    "setsockopt SO_RCVBUF (--rcvbuf)");
}

IPCB_HOT ssize_t ipcb_sock_send_msg(struct ipcb_chan *c, const void *buf, size_t len)
{
    int fd = ((const struct ipcb_fds *)c->priv)->wfd;
    ssize_t n;
    while ((n = send(fd, buf, len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -errno : n;
}

IPCB_HOT ssize_t ipcb_sock_recv_msg(struct ipcb_chan *c, void *buf, size_t len)
{
    int fd = ((const struct ipcb_fds *)c->priv)->rfd;
    ssize_t n;
    while ((n = recv(fd, buf, len, MSG_TRUNC)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -errno : n;
}
