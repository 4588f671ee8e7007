/* The wait strategies every descriptor transport shares (spin, poll, epoll,
 * uring), and the macros that make each transport's variant tables
 * "<transport>/<strategy>" from its own. A variant's operations are its
 * base's, wrapped: open calls the base's open, then readies this side's
 * descriptors for the strategy; send and recv are the strategy's own
 * (wait_io.c, wait_uring.c), so the base's blocking calls stay as they are. */
#ifndef IPCB_WAIT_H
#define IPCB_WAIT_H

#include <sched.h>

#include "ipcbench/transport.h"

/* A spinning side gives the CPU away after this many failed tries in a row.
 * On one CPU the side it waits for cannot run while it spins; a try is a
 * system call (about half a microsecond), so 64 of them keep a hand-off
 * across two CPUs in the spinning loop and bound the time lost on one. */
#define IPCB_SPIN_TRIES 64u

/* one failed try of a spinning side; 1 when it yielded the CPU */
static inline int ipcb_spin_pause(unsigned *tries)
{
    if (++*tries < IPCB_SPIN_TRIES)
        return 0;
    *tries = 0;
    sched_yield();
    return 1;
}

/* One side's strategy state, hung on struct ipcb_fds by the variant's open
 * in the child and released by its close. */
struct ipcb_uring;
struct ipcb_wait {
    enum ipcb_wait_kind kind;
    int timeout_ms;          /* a receive gives up after this (IPCB_LOSSY); -1: never */
    int epoll[2];            /* epoll: [0] waits for rfd to read, [1] for wfd to write */
    struct ipcb_uring *uring;/* uring: this side's ring (wait_uring.c) */
};

/* wait_io.c: the variants' operations around their base's */
int ipcb_wait_create(struct ipcb_chan *c);
int ipcb_wait_open(struct ipcb_chan *c, enum ipcb_side side);
void ipcb_wait_opened(struct ipcb_chan *c);
void ipcb_wait_close(struct ipcb_chan *c, enum ipcb_side side);
void ipcb_wait_destroy(struct ipcb_chan *c);
/* spin, poll and epoll (and posix-mq's uring, which waits by POLL_ADD): the
 * base's call on a non-blocking descriptor, and the strategy's wait when it
 * would block; the same results as the base's send and recv */
IPCB_HOT ssize_t ipcb_wait_send_bytes(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_wait_recv_bytes(struct ipcb_chan *c, void *buf, size_t len);
IPCB_HOT ssize_t ipcb_wait_send_dgram(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_wait_recv_dgram(struct ipcb_chan *c, void *buf, size_t len);
IPCB_HOT ssize_t ipcb_wait_send_mq(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_wait_recv_mq(struct ipcb_chan *c, void *buf, size_t len);

/* wait_uring.c */
/* parent, in create: can this machine's io_uring do what c->t needs? 0, or
 * -EOPNOTSUPP with the reason in c->err, or -errno */
int ipcb_uring_probe(struct ipcb_chan *c);
/* child: this side's ring; 0 or -errno with c->err */
int ipcb_uring_open(struct ipcb_chan *c, struct ipcb_wait *w, int fd);
void ipcb_uring_close(struct ipcb_wait *w);
/* sleep in the ring until fd has events (POLLIN, POLLOUT): 0, -EAGAIN after
 * timeout_ms (>= 0), or -errno */
int ipcb_uring_poll(struct ipcb_wait *w, int fd, unsigned events, int timeout_ms);
/* the transfer itself submitted to the ring: read/write on pipes, recv/send
 * on sockets */
IPCB_HOT ssize_t ipcb_uring_send_bytes(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_uring_recv_bytes(struct ipcb_chan *c, void *buf, size_t len);
IPCB_HOT ssize_t ipcb_uring_send_dgram(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_uring_recv_dgram(struct ipcb_chan *c, void *buf, size_t len);

/* ---- the variant tables ----
 *
 * IPCB_FD_WAIT_VARIANTS(ipcb_pipe, "pipe", IPCB_STREAM, bytes) after a
 * transport's own table defines ipcb_pipe_spin, _poll, _epoll and _uring;
 * the registry lists them with IPCB_FD_WAIT_ENTRIES(ipcb_pipe). The last
 * argument names the base's I/O: bytes, dgram or mq. */

#define IPCB_IO_KIND_bytes IPCB_IO_BYTES
#define IPCB_IO_KIND_dgram IPCB_IO_DGRAM
#define IPCB_IO_KIND_mq IPCB_IO_POSIX_MQ
/* uring moves bytes and datagrams through io_uring's own operations; a
 * POSIX queue has none, so it waits with POLL_ADD and then calls mq_send or
 * mq_receive on its non-blocking descriptor, as poll does */
#define IPCB_URING_SEND_bytes ipcb_uring_send_bytes
#define IPCB_URING_RECV_bytes ipcb_uring_recv_bytes
#define IPCB_URING_SEND_dgram ipcb_uring_send_dgram
#define IPCB_URING_RECV_dgram ipcb_uring_recv_dgram
#define IPCB_URING_SEND_mq ipcb_wait_send_mq
#define IPCB_URING_RECV_mq ipcb_wait_recv_mq
#define IPCB_URING_HOW_bytes "each transfer submitted to io_uring and waited for in it"
#define IPCB_URING_HOW_dgram "each transfer submitted to io_uring and waited for in it"
#define IPCB_URING_HOW_mq "waits with io_uring POLL_ADD, then a non-blocking mq call"

#define IPCB_WAIT_VARIANT_(base_, name_, flags_, io_, strategy_, kind_, send_fn, recv_fn, how_) \
    const struct ipcb_transport base_##_##strategy_ = {                                        \
        .name = name_ "/" #strategy_, .summary = name_ ", " how_,                             \
        .flags = (flags_) | IPCB_VARIANT, .base = &base_, .wait = kind_,                      \
        .io = IPCB_IO_KIND_##io_, .create = ipcb_wait_create, .open = ipcb_wait_open,         \
        .opened = ipcb_wait_opened, .send = send_fn, .recv = recv_fn,                         \
        .close = ipcb_wait_close, .destroy = ipcb_wait_destroy,                               \
    };

#define IPCB_FD_WAIT_VARIANTS(base_, name_, flags_, io_)                                       \
    IPCB_WAIT_VARIANT_(base_, name_, flags_, io_, spin, IPCB_WAIT_SPIN,                        \
                       ipcb_wait_send_##io_, ipcb_wait_recv_##io_,                             \
                       "non-blocking, tried again at once, yields after 64 tries")             \
    IPCB_WAIT_VARIANT_(base_, name_, flags_, io_, poll, IPCB_WAIT_POLL,                        \
                       ipcb_wait_send_##io_, ipcb_wait_recv_##io_,                             \
                       "non-blocking, sleeps in poll() when it would block")                   \
    IPCB_WAIT_VARIANT_(base_, name_, flags_, io_, epoll, IPCB_WAIT_EPOLL,                      \
                       ipcb_wait_send_##io_, ipcb_wait_recv_##io_,                             \
                       "non-blocking, sleeps in epoll_wait() when it would block")             \
    IPCB_WAIT_VARIANT_(base_, name_, flags_, io_, uring, IPCB_WAIT_URING,                      \
                       IPCB_URING_SEND_##io_, IPCB_URING_RECV_##io_, IPCB_URING_HOW_##io_)

#define IPCB_FD_WAIT_EXTERNS(base_) \
    extern const struct ipcb_transport base_##_spin, base_##_poll, base_##_epoll, base_##_uring
#define IPCB_FD_WAIT_ENTRIES(base_) &base_##_spin, &base_##_poll, &base_##_epoll, &base_##_uring

#endif
