/* The AF_UNIX channel (unix_sock.h) and the live limit on one message. */
#include "transports/unix_sock.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/un.h>
#include <unistd.h>

#include "transports/private_dir.h"
#include "transports/sockets.h"

struct unix_sock {
    struct ipcb_fds io;   /* this side's socket, both ways, after open */
    int listen_fd;        /* stream, seqpacket */
    int side_fd[2];       /* dgram: the producer's and the consumer's socket */
    int type;
    char dir[PATH_MAX];   /* the private directory, "" once removed */
};

/* stream and seqpacket listen on one path; dgram binds one per side */
static const char *const listen_name[] = {"sock"};
static const char *const side_name[] = {"producer", "consumer"};

static int sock_addr(struct ipcb_chan *c, struct sockaddr_un *sa, const char *dir,
                     const char *name)
{
    *sa = (struct sockaddr_un){.sun_family = AF_UNIX};
    if (ipcb_dir_path(sa->sun_path, sizeof sa->sun_path, dir, name) != 0) {
        ipcb_chan_error(c, "socket path %s/%s is longer than %zu bytes; set TMPDIR "
                        "to a shorter directory", dir, name, sizeof sa->sun_path - 1);
        return -ENAMETOOLONG;
    }
    return 0;
}

/* SO_SNDBUF bounds one datagram or seqpacket message (the kernel clamps the
 * request to net.core.wmem_max and doubles it), so those ask for as much as
 * allowed. A byte stream has no message limit to lift: it keeps the default
 * buffers, which are what a program that does not tune them gets. */
static int size_buffers(struct ipcb_chan *c, const struct unix_sock *s, int fd)
{
    int rc = s->type == SOCK_STREAM ? 0 : ipcb_sock_buffers_max(fd);
    if (rc < 0)
        ipcb_chan_error(c, "setsockopt SO_SNDBUF/SO_RCVBUF: %s", strerror(-rc));
    return rc;
}

static int new_socket(struct ipcb_chan *c, const struct unix_sock *s)
{
    int fd = ipcb_sock_new(c, AF_UNIX, s->type);
    if (fd < 0)
        return fd;
    int rc = size_buffers(c, s, fd);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    return fd;
}

static int bound_socket(struct ipcb_chan *c, const struct unix_sock *s, const char *name)
{
    struct sockaddr_un sa;
    int rc = sock_addr(c, &sa, s->dir, name);
    if (rc < 0)
        return rc;
    int fd = new_socket(c, s);
    if (fd < 0)
        return fd;
    if (bind(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        rc = -errno;
        ipcb_chan_error(c, "bind %s: %s", sa.sun_path, strerror(-rc));
        close(fd);
        return rc;
    }
    return fd;
}

static int connect_to(struct ipcb_chan *c, int fd, const char *dir, const char *name)
{
    struct sockaddr_un sa;
    int rc = sock_addr(c, &sa, dir, name);
    return rc < 0 ? rc : ipcb_sock_connect(c, fd, &sa, sizeof sa, sa.sun_path);
}

int ipcb_unix_sock_create(struct ipcb_chan *c, int type)
{
    struct unix_sock *s = malloc(sizeof *s);
    if (!s)
        return -ENOMEM;
    *s = (struct unix_sock){.io = {.rfd = -1, .wfd = -1}, .listen_fd = -1, .side_fd = {-1, -1},
                            .type = type};
    c->priv = s;
    int rc = ipcb_chan_private_dir(c, s->dir, sizeof s->dir);
    if (rc < 0)
        return rc;
    if (type == SOCK_DGRAM) {
        /* both bound before either connects: connect needs the peer's path */
        for (int side = 0; side < 2; side++) {
            s->side_fd[side] = bound_socket(c, s, side_name[side]);
            if (s->side_fd[side] < 0)
                return s->side_fd[side];
        }
        for (int side = 0; side < 2; side++) {
            rc = connect_to(c, s->side_fd[side], s->dir, side_name[!side]);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    s->listen_fd = bound_socket(c, s, listen_name[0]);
    if (s->listen_fd < 0)
        return s->listen_fd;
    if (listen(s->listen_fd, 1) != 0)
        return ipcb_chan_errno(c, "listen");
    return 0;
}

int ipcb_unix_sock_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct unix_sock *s = c->priv;
    c->side = side;
    if (s->type == SOCK_DGRAM) {
        s->io.rfd = s->io.wfd = s->side_fd[side];
        s->side_fd[side] = -1;
        ipcb_close_fd(&s->side_fd[!side]);
        return 0;
    }
    int fd = side == IPCB_CONSUMER ? ipcb_sock_accept(c, s->listen_fd, NULL, NULL)
                                   : new_socket(c, s);
    ipcb_close_fd(&s->listen_fd);
    if (fd < 0)
        return fd;
    s->io.rfd = s->io.wfd = fd;
    if (side == IPCB_PRODUCER)
        return connect_to(c, fd, s->dir, listen_name[0]);
    /* an accepted socket starts with the default buffers, not the listener's */
    return size_buffers(c, s, fd);
}

/* a dead side then shows as end of file or a reset */
void ipcb_unix_sock_opened(struct ipcb_chan *c)
{
    struct unix_sock *s = c->priv;
    ipcb_close_fd(&s->listen_fd);
    ipcb_close_fd(&s->side_fd[0]);
    ipcb_close_fd(&s->side_fd[1]);
    if (s->type == SOCK_DGRAM)
        ipcb_dir_remove(s->dir, side_name, 2);
    else
        ipcb_dir_remove(s->dir, listen_name, 1);
}

/* ---- the live message limit ---- */

/* Two bounds apply to one AF_UNIX datagram or seqpacket message
 * (unix_dgram_sendmsg): len <= SO_SNDBUF - 32, else EMSGSIZE, and SO_SNDBUF
 * is twice net.core.wmem_max at most; and the kernel's largest socket
 * buffer (a 4 MiB head plus MAX_SKB_FRAGS pages on x86-64), else ENOBUFS,
 * which no setting raises. Neither is readable from /proc, so real sends on
 * a socketpair sized as the transport sizes its sockets find the limit; the
 * answer is kept until the buffer size changes. */
struct probed_limit {
    int type;
    int sndbuf;       /* the SO_SNDBUF the answer was found with */
    size_t max;       /* largest message that went through */
    size_t ceiling;   /* max, when the failure above it was ENOBUFS */
};

static int probe_send(int sv[2], const void *buf, size_t len, int *err)
{
    char byte;
    ssize_t n = send(sv[0], buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n != (ssize_t)len) {
        *err = n < 0 ? errno : EMSGSIZE;
        return 0;
    }
    /* a 1-byte receive takes the whole message off the queue */
    return recv(sv[1], &byte, 1, MSG_DONTWAIT) >= 0;
}

static const struct probed_limit *probe(int type)
{
    static struct probed_limit known[2] = {{.type = -1}, {.type = -1}};
    struct probed_limit *k = &known[type == SOCK_DGRAM ? 0 : 1];
    int sv[2], sndbuf = 0;
    socklen_t optlen = sizeof sndbuf;

    if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0)
        return NULL;
    if (ipcb_sock_buffers_max(sv[0]) != 0 || ipcb_sock_buffers_max(sv[1]) != 0 ||
        getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen) != 0 || sndbuf <= 64)
        goto fail;
    if (k->type == type && k->sndbuf == sndbuf)
        goto done;
    /* never written, so it costs no memory: every page is the zero page */
    void *buf = mmap(NULL, (size_t)sndbuf, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (buf == MAP_FAILED)
        goto fail;
    /* lo goes through, hi does not; sndbuf - 32 is the answer unless the
     * allocation ceiling is lower */
    size_t lo = 0, hi = (size_t)sndbuf;
    int err = 0;
    if (probe_send(sv, buf, hi - 32, &err))
        lo = hi - 32;
    else
        hi -= 32;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        int mid_err = 0;
        if (probe_send(sv, buf, mid, &mid_err)) {
            lo = mid;
        } else {
            hi = mid;
            err = mid_err;
        }
    }
    munmap(buf, (size_t)sndbuf);
    *k = (struct probed_limit){.type = type, .sndbuf = sndbuf, .max = lo,
                               .ceiling = err == ENOBUFS ? lo : 0};
done:
    close(sv[0]);
    close(sv[1]);
    return k;
fail:
    close(sv[0]);
    close(sv[1]);
    return NULL;
}

/* without a socket to probe (out of descriptors), the SO_SNDBUF bound from
 * /proc, kept under 4 MiB, below the allocation ceiling of common kernels */
static size_t fallback_limit(void)
{
    size_t wmem_max = ipcb_read_sysctl("/proc/sys/net/core/wmem_max");
    if (wmem_max > INT_MAX / 2)
        wmem_max = INT_MAX / 2;
    size_t max = 2 * wmem_max > 4096 ? 2 * wmem_max - 32 : 4096 - 32;
    return max < ((size_t)4 << 20) - 4096 ? max : ((size_t)4 << 20) - 4096;
}

void ipcb_unix_sock_limit(int type, struct ipcb_limit *lim)
{
    const struct probed_limit *k = probe(type);
    lim->max_message = k ? k->max : fallback_limit();
    lim->ceiling = k ? k->ceiling : 0;
    if (lim->ceiling && lim->max_message >= lim->ceiling)
        lim->fixed = "the kernel's largest socket buffer";
    else
        lim->setting = "net.core.wmem_max"; /* SO_SNDBUF bounds a message */
}
