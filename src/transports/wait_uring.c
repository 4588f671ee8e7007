/* The uring strategy: each side has a ring of a few entries, made in the
 * child at open; a send or a receive is one submission (read/write on a pipe
 * or FIFO, send/recv on a socket), waited for with io_uring_submit_and_wait
 * on the ring's completion queue. The descriptors stay blocking: io_uring
 * tries the transfer at once and otherwise waits for the descriptor inside
 * the kernel. A lossy transport's receive carries a linked timeout, so that
 * it gives up as the blocking one does. */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "transports/wait.h"

/* one operation and its linked timeout at most are in flight */
#define RING_ENTRIES 4u

enum { TAG_OP = 1, TAG_TIMEOUT = 2 };

struct ipcb_uring {
    struct io_uring ring;
    int sockets;                      /* recv/send rather than read/write */
    int recv_flags;                   /* MSG_TRUNC for datagrams: the length that arrived */
    struct __kernel_timespec timeout; /* read by the kernel when submitted */
};

/* what the ring must do for the transport's kind of I/O */
static const struct {
    int op;
    const char *name;
} needed[] = {
    {IORING_OP_READ, "READ"}, {IORING_OP_WRITE, "WRITE"}, {IORING_OP_RECV, "RECV"},
    {IORING_OP_SEND, "SEND"}, {IORING_OP_LINK_TIMEOUT, "LINK_TIMEOUT"},
    {IORING_OP_POLL_ADD, "POLL_ADD"},
};

static int refused(struct ipcb_chan *c, const char *fmt, const char *what)
{
    char why[160];
    snprintf(why, sizeof why, fmt, what);
    size_t disabled = ipcb_read_sysctl("/proc/sys/kernel/io_uring_disabled");
    ipcb_chan_error(c, "io_uring is not available here: %s%s", why,
                    disabled == 2 ? " (kernel.io_uring_disabled = 2)"
                    : disabled == 1 ? " (kernel.io_uring_disabled = 1: only its group may)"
                                    : "");
    return -EOPNOTSUPP;
}

int ipcb_uring_probe(struct ipcb_chan *c)
{
    struct io_uring ring;
    int rc = io_uring_queue_init(RING_ENTRIES, &ring, 0);
    if (rc == -ENOSYS || rc == -EPERM || rc == -EACCES || rc == -EOPNOTSUPP)
        return refused(c, "io_uring_setup: %s", strerror(-rc));
    if (rc < 0) {
        ipcb_chan_error(c, "io_uring_queue_init: %s", strerror(-rc));
        return rc;
    }
    struct io_uring_probe *probe = io_uring_get_probe_ring(&ring);
    rc = 0;
    if (!probe)
        rc = refused(c, "%s", "the kernel cannot list its io_uring operations (before 5.6)");
    for (size_t i = 0; probe && rc == 0 && i < sizeof needed / sizeof needed[0]; i++)
        if (!io_uring_opcode_supported(probe, needed[i].op))
            rc = refused(c, "the kernel's io_uring has no IORING_OP_%s", needed[i].name);
    if (probe)
        io_uring_free_probe(probe);
    io_uring_queue_exit(&ring);
    return rc;
}

int ipcb_uring_open(struct ipcb_chan *c, struct ipcb_wait *w, int fd)
{
    struct stat st;
    struct ipcb_uring *u = calloc(1, sizeof *u);
    if (!u)
        return -ENOMEM;
    int rc = io_uring_queue_init(RING_ENTRIES, &u->ring, 0);
    if (rc < 0) {
        free(u);
        ipcb_chan_error(c, "io_uring_queue_init: %s", strerror(-rc));
        return rc;
    }
    u->sockets = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    u->recv_flags = c->t->io == IPCB_IO_DGRAM ? MSG_TRUNC : 0;
    w->uring = u;
    return 0;
}

void ipcb_uring_close(struct ipcb_wait *w)
{
    if (w->uring) {
        io_uring_queue_exit(&w->uring->ring);
        free(w->uring);
        w->uring = NULL;
    }
}

/* Submit the operation in sqe, with a linked timeout when timeout_ms >= 0,
 * and wait for it: its result, -EAGAIN when the timeout cancelled it. */
static int complete(struct ipcb_uring *u, struct io_uring_sqe *sqe, int timeout_ms)
{
    unsigned want = 1;
    io_uring_sqe_set_data64(sqe, TAG_OP);
    if (timeout_ms >= 0) {
        struct io_uring_sqe *timer = io_uring_get_sqe(&u->ring);
        if (!timer)
            return -EBUSY;
        u->timeout = (struct __kernel_timespec){.tv_sec = timeout_ms / 1000,
                                                .tv_nsec = (timeout_ms % 1000) * 1000000L};
        sqe->flags |= IOSQE_IO_LINK;
        io_uring_prep_link_timeout(timer, &u->timeout, 0);
        io_uring_sqe_set_data64(timer, TAG_TIMEOUT);
        want = 2;
    }
    int rc = io_uring_submit_and_wait(&u->ring, want);
    if (rc < 0 && rc != -EINTR)
        return rc;
    /* both completions, the timeout's too, so none is left for the next call */
    int res = 0;
    for (unsigned seen = 0; seen < want;) {
        struct io_uring_cqe *cqe;
        rc = io_uring_wait_cqe(&u->ring, &cqe);
        if (rc == -EINTR)
            continue;
        if (rc < 0)
            return rc;
        if (io_uring_cqe_get_data64(cqe) == TAG_OP)
            res = cqe->res;
        io_uring_cqe_seen(&u->ring, cqe);
        seen++;
    }
    return want == 2 && res == -ECANCELED ? -EAGAIN : res;
}

int ipcb_uring_poll(struct ipcb_wait *w, int fd, unsigned events, int timeout_ms)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&w->uring->ring);
    if (!sqe)
        return -EBUSY;
    io_uring_prep_poll_add(sqe, fd, events);
    int res = complete(w->uring, sqe, timeout_ms);
    return res < 0 ? res : 0;
}

/* One transfer through the ring, again after a signal: what it moved, or
 * -errno; a receive gives up after the side's timeout (-EAGAIN). */
static int transfer(const struct ipcb_fds *io, void *p, size_t n, int out)
{
    struct ipcb_uring *u = io->wait->uring;
    for (;;) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
        if (!sqe)
            return -EBUSY;
        if (out && u->sockets)
            io_uring_prep_send(sqe, io->wfd, p, n, MSG_NOSIGNAL);
        else if (out)
            io_uring_prep_write(sqe, io->wfd, p, (unsigned)n, (__u64)-1);
        else if (u->sockets)
            io_uring_prep_recv(sqe, io->rfd, p, n, u->recv_flags);
        else
            io_uring_prep_read(sqe, io->rfd, p, (unsigned)n, (__u64)-1);
        int res = complete(u, sqe, out ? -1 : io->wait->timeout_ms);
        if (res != -EINTR)
            return res;
    }
}

/* all of len over a byte stream, looping over partial transfers */
static ssize_t stream(const struct ipcb_fds *io, char *p, size_t len, int out)
{
    size_t done = 0;
    while (done < len) {
        int res = transfer(io, p + done, len - done, out);
        if (res < 0)
            return res;
        if (res == 0 && !out)
            return done ? -EPIPE : 0; /* end of file, or torn mid-message */
        done += (size_t)res;
    }
    return (ssize_t)done;
}

IPCB_HOT ssize_t ipcb_uring_send_bytes(struct ipcb_chan *c, const void *buf, size_t len)
{
    return stream(c->priv, (char *)buf, len, 1);
}

IPCB_HOT ssize_t ipcb_uring_recv_bytes(struct ipcb_chan *c, void *buf, size_t len)
{
    return stream(c->priv, buf, len, 0);
}

IPCB_HOT ssize_t ipcb_uring_send_dgram(struct ipcb_chan *c, const void *buf, size_t len)
{
    return transfer(c->priv, (void *)buf, len, 1);
}

IPCB_HOT ssize_t ipcb_uring_recv_dgram(struct ipcb_chan *c, void *buf, size_t len)
{
    return transfer(c->priv, buf, len, 0);
}
