/* The variants' operations (wait.h): the base transport's own create, open,
 * close and destroy with this side's strategy state readied and released
 * around them, and the send and recv of the strategies that make the base's
 * call non-blocking and wait their own way when it would block: spin, poll,
 * epoll, and posix-mq's uring. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "transports/wait.h"

enum { WAIT_IN = 0, WAIT_OUT = 1 };

int ipcb_wait_create(struct ipcb_chan *c)
{
    if (c->t->wait == IPCB_WAIT_URING) {
        int rc = ipcb_uring_probe(c);
        if (rc < 0)
            return rc;
    }
    return c->t->base->create(c);
}

void ipcb_wait_opened(struct ipcb_chan *c)
{
    if (c->t->base->opened)
        c->t->base->opened(c);
}

void ipcb_wait_destroy(struct ipcb_chan *c)
{
    c->t->base->destroy(c);
}

static int set_nonblocking(struct ipcb_chan *c, int fd)
{
    if (c->t->io == IPCB_IO_POSIX_MQ) {
        struct mq_attr attr = {.mq_flags = O_NONBLOCK};
        return mq_setattr(fd, &attr, NULL) == 0 ? 0 : ipcb_chan_errno(c, "mq_setattr O_NONBLOCK");
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return ipcb_chan_errno(c, "fcntl O_NONBLOCK");
    return 0;
}

/* one epoll instance per direction, so that a socket used both ways does not
 * wake a side waiting to read because it could write */
static int epoll_setup(struct ipcb_chan *c, struct ipcb_wait *w, const struct ipcb_fds *io)
{
    const int fd[2] = {io->rfd, io->wfd};
    const unsigned events[2] = {EPOLLIN, EPOLLOUT};
    for (int dir = 0; dir < 2; dir++) {
        w->epoll[dir] = epoll_create1(EPOLL_CLOEXEC);
        if (w->epoll[dir] < 0)
            return ipcb_chan_errno(c, "epoll_create1");
        struct epoll_event ev = {.events = events[dir], .data.fd = fd[dir]};
        if (epoll_ctl(w->epoll[dir], EPOLL_CTL_ADD, fd[dir], &ev) != 0)
            return ipcb_chan_errno(c, "epoll_ctl ADD");
    }
    return 0;
}

int ipcb_wait_open(struct ipcb_chan *c, enum ipcb_side side)
{
    const struct ipcb_transport *t = c->t;
    int rc = t->base->open(c, side);
    if (rc < 0)
        return rc;
    struct ipcb_fds *io = c->priv;
    struct ipcb_wait *w = malloc(sizeof *w);
    if (!w)
        return -ENOMEM;
    int lossy_ms = c->recv_timeout_ms > 0 ? c->recv_timeout_ms : 1;
    *w = (struct ipcb_wait){.kind = t->wait, .epoll = {-1, -1},
                            .timeout_ms = t->flags & IPCB_LOSSY ? lossy_ms : -1};
    io->wait = w;
    /* uring hands pipes and sockets to io_uring as they are, which waits
     * inside the kernel; a queue it only polls, and then calls mq_* itself */
    if (t->wait != IPCB_WAIT_URING || t->io == IPCB_IO_POSIX_MQ) {
        rc = set_nonblocking(c, io->rfd);
        if (rc == 0 && io->wfd != io->rfd)
            rc = set_nonblocking(c, io->wfd);
        if (rc < 0)
            return rc;
    }
    if (t->wait == IPCB_WAIT_EPOLL)
        return epoll_setup(c, w, io);
    if (t->wait == IPCB_WAIT_URING)
        return ipcb_uring_open(c, w, io->rfd);
    return 0;
}

void ipcb_wait_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_fds *io = c->priv;
    struct ipcb_wait *w = io->wait;
    if (w) {
        ipcb_close_fd(&w->epoll[0]);
        ipcb_close_fd(&w->epoll[1]);
        ipcb_uring_close(w);
        free(w);
        io->wait = NULL;
    }
    c->t->base->close(c, side);
}

/* ---- waiting when a call would block ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* what one call of send or recv has spun so far */
struct spin {
    unsigned tries;
    uint64_t since_ns;   /* the first yield, for a lossy receive's timeout */
};

static int spin_again(struct spin *s, int timeout_ms)
{
    if (!ipcb_spin_pause(&s->tries) || timeout_ms < 0)
        return 0;
    uint64_t now = now_ns();
    if (s->since_ns == 0)
        s->since_ns = now;
    else if (now - s->since_ns >= (uint64_t)timeout_ms * 1000000u)
        return -EAGAIN;
    return 0;
}

/* the sleeping waits' result: ready (or a signal came), a timeout, an error */
static int slept(int n)
{
    if (n > 0 || (n < 0 && errno == EINTR))
        return 0;
    return n == 0 ? -EAGAIN : -errno;
}

/* The call on fd failed with err. 0 to try it again: it was interrupted, or
 * it would have blocked and the strategy has waited (or spun once); -EAGAIN
 * when a lossy receive timed out; else -err. */
static int retry(const struct ipcb_fds *io, int err, int dir, struct spin *s)
{
    if (err == EINTR)
        return 0;
    if (err != EAGAIN)
        return -err;
    struct ipcb_wait *w = io->wait;
    const int fd = dir == WAIT_IN ? io->rfd : io->wfd;
    const int timeout_ms = dir == WAIT_IN ? w->timeout_ms : -1;
    switch (w->kind) {
    case IPCB_WAIT_SPIN:
        return spin_again(s, timeout_ms);
    case IPCB_WAIT_POLL: {
        struct pollfd p = {.fd = fd, .events = dir == WAIT_IN ? POLLIN : POLLOUT};
        return slept(poll(&p, 1, timeout_ms));
    }
    case IPCB_WAIT_EPOLL: {
        struct epoll_event ev;
        return slept(epoll_wait(w->epoll[dir], &ev, 1, timeout_ms));
    }
    case IPCB_WAIT_URING:
        return ipcb_uring_poll(w, fd, dir == WAIT_IN ? POLLIN : POLLOUT, timeout_ms);
    default:
        return -EINVAL;
    }
}

/* ---- send and recv: one per I/O kind, the results of the base's ---- */

/* what one send or recv moves, and which way */
enum move { BYTES_OUT, BYTES_IN, DGRAM_OUT, DGRAM_IN, MQ_OUT, MQ_IN };

/* the base's call on the non-blocking descriptor: what it moved, or -1 */
static inline __attribute__((always_inline)) ssize_t
call(const struct ipcb_fds *io, enum move m, void *p, size_t n)
{
    switch (m) {
    case BYTES_OUT: return write(io->wfd, p, n);
    case BYTES_IN: return read(io->rfd, p, n);
    case DGRAM_OUT: return send(io->wfd, p, n, MSG_NOSIGNAL);
    case DGRAM_IN: return recv(io->rfd, p, n, MSG_TRUNC); /* the length that arrived */
    case MQ_OUT: return mq_send(io->wfd, p, n, 0) == 0 ? (ssize_t)n : -1;
    case MQ_IN: return mq_receive(io->rfd, p, n, NULL);
    }
    return -1;
}

/* One message, or all of len on a byte stream, waiting the strategy's way
 * whenever the call would block. Inlined with m a constant, each of the six
 * below is its own plain loop. */
static inline __attribute__((always_inline)) ssize_t
move(struct ipcb_chan *c, enum move m, void *buf, size_t len)
{
    const struct ipcb_fds *io = c->priv;
    const int bytes = m == BYTES_OUT || m == BYTES_IN;
    const int dir = m == BYTES_IN || m == DGRAM_IN || m == MQ_IN ? WAIT_IN : WAIT_OUT;
    char *p = buf;
    size_t done = 0;
    struct spin s = {0};
    for (;;) {
        ssize_t n = call(io, m, p + done, len - done);
        if (n >= 0 && !bytes)
            return n;
        if (n > 0) {
            done += (size_t)n;
            if (done == len)
                return (ssize_t)done;
            continue;
        }
        if (n == 0 && m == BYTES_IN)
            return done ? -EPIPE : 0; /* end of file, or torn mid-message */
        if (n == 0)
            continue;
        int rc = retry(io, errno, dir, &s);
        if (rc < 0)
            return rc;
    }
}

IPCB_HOT ssize_t ipcb_wait_send_bytes(struct ipcb_chan *c, const void *buf, size_t len)
{
    return move(c, BYTES_OUT, (void *)buf, len);
}

IPCB_HOT ssize_t ipcb_wait_recv_bytes(struct ipcb_chan *c, void *buf, size_t len)
{
    return move(c, BYTES_IN, buf, len);
}

IPCB_HOT ssize_t ipcb_wait_send_dgram(struct ipcb_chan *c, const void *buf, size_t len)
{
    return move(c, DGRAM_OUT, (void *)buf, len);
}

IPCB_HOT ssize_t ipcb_wait_recv_dgram(struct ipcb_chan *c, void *buf, size_t len)
{
    return move(c, DGRAM_IN, buf, len);
}

IPCB_HOT ssize_t ipcb_wait_send_mq(struct ipcb_chan *c, const void *buf, size_t len)
{
    return move(c, MQ_OUT, (void *)buf, len);
}

IPCB_HOT ssize_t ipcb_wait_recv_mq(struct ipcb_chan *c, void *buf, size_t len)
{
    return move(c, MQ_IN, buf, len);
}
