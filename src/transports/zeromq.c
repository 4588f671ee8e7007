/* zeromq: a ZMQ_PAIR socket over ipc:// (libzmq's AF_UNIX stream) on a
 * path in a private directory; the consumer binds, the producer connects,
 * each in its own process with its own context (a context does not survive
 * fork). The wait axis as libzmq offers it: block in zmq_send/zmq_recv
 * (zeromq), ZMQ_DONTWAIT tried again (zeromq/spin), zmq_poll then
 * ZMQ_DONTWAIT (zeromq/poll).
 *
 * High-water marks: ZMQ_SNDHWM and ZMQ_RCVHWM are libzmq's default, 1000
 * messages each, set explicitly. A PAIR socket at its mark blocks the
 * sender (or says EAGAIN, which the variants wait out); it never drops, so
 * a message lost there would be a gap in the stamps, which fails the cell.
 * No size limit (ZMQ_MAXMSGSIZE -1); a channel may queue both marks' worth
 * of messages (.memory). */
#include "transports/optional.h"

#define ZMQ_SUMMARY "ZeroMQ ZMQ_PAIR over ipc:// (AF_UNIX) in a private directory"
#define ZMQ_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX)

#ifdef IPCB_HAVE_ZEROMQ

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "transports/private_dir.h"
#include "transports/wait.h"

#define ZMQ_HWM 1000  /* libzmq's default for both marks, set explicitly */

struct zmq_chan {
    char dir[PATH_MAX];            /* the private directory holding the socket file */
    char endpoint[PATH_MAX + 16];  /* "ipc://<dir>/pair" */
    void *ctx, *sock;              /* this side's, made by open in the child */
};

static const char *zmq_library(void)
{
    static char version[32];
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    snprintf(version, sizeof version, "libzmq %d.%d.%d", major, minor, patch);
    return version;
}

static int zmq_failed(struct ipcb_chan *c, const char *what)
{
    int e = errno ? errno : EIO;
    ipcb_chan_error(c, "%s: %s", what, zmq_strerror(e));
    return -e;
}

static uint64_t zmq_memory(uint64_t size)
{
    return 2u * ZMQ_HWM * size; /* the send and the receive queue, full */
}

static int zmq_create(struct ipcb_chan *c)
{
    struct zmq_chan *z = calloc(1, sizeof *z);
    if (!z)
        return -ENOMEM;
    c->priv = z;
    int rc = ipcb_chan_private_dir(c, z->dir, sizeof z->dir);
    if (rc < 0)
        return rc;
    /* libzmq's ipc:// path is a sockaddr_un's: 107 bytes at most */
    if (strlen(z->dir) + sizeof "/pair" > 107) {
        ipcb_chan_error(c, "the socket path %.200s/pair is longer than AF_UNIX's 107 bytes; "
                        "set TMPDIR to a shorter directory", z->dir);
        return -ENAMETOOLONG;
    }
    snprintf(z->endpoint, sizeof z->endpoint, "ipc://%s/pair", z->dir);
    return 0;
}

static int set_int(struct ipcb_chan *c, void *sock, int option, int value, const char *name)
{
    if (zmq_setsockopt(sock, option, &value, sizeof value) == 0)
        return 0;
    return zmq_failed(c, name);
}

static int zmq_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct zmq_chan *z = c->priv;
    c->side = side;
    z->ctx = zmq_ctx_new();
    if (!z->ctx)
        return zmq_failed(c, "zmq_ctx_new");
    z->sock = zmq_socket(z->ctx, ZMQ_PAIR);
    if (!z->sock)
        return zmq_failed(c, "zmq_socket(ZMQ_PAIR)");
    int rc = set_int(c, z->sock, ZMQ_SNDHWM, ZMQ_HWM, "ZMQ_SNDHWM");
    if (rc == 0)
        rc = set_int(c, z->sock, ZMQ_RCVHWM, ZMQ_HWM, "ZMQ_RCVHWM");
    /* close waits until every queued message is delivered */
    if (rc == 0)
        rc = set_int(c, z->sock, ZMQ_LINGER, -1, "ZMQ_LINGER");
    /* the producer may connect before the consumer has bound: retry soon */
    if (rc == 0)
        rc = set_int(c, z->sock, ZMQ_RECONNECT_IVL, 5, "ZMQ_RECONNECT_IVL");
    if (rc < 0)
        return rc;
    if (side == IPCB_CONSUMER ? zmq_bind(z->sock, z->endpoint) : zmq_connect(z->sock, z->endpoint))
        return zmq_failed(c, side == IPCB_CONSUMER ? "zmq_bind" : "zmq_connect");
    return 0;
}

/* a received message of n bytes where len were expected */
static ssize_t zmq_received(struct ipcb_chan *c, int n, size_t len)
{
    if (n < 0)
        return -(errno ? errno : EIO);
    if ((size_t)n > len) {
        ipcb_chan_error(c, "a message of %d bytes where %zu fit", n, len);
        return -EMSGSIZE;
    }
    return n;
}

static IPCB_HOT ssize_t zmq_send_block(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct zmq_chan *z = c->priv;
    int n;
    while ((n = zmq_send(z->sock, buf, len, 0)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -errno : n;
}

static IPCB_HOT ssize_t zmq_recv_block(struct ipcb_chan *c, void *buf, size_t len)
{
    struct zmq_chan *z = c->priv;
    int n;
    while ((n = zmq_recv(z->sock, buf, len, 0)) < 0 && errno == EINTR)
        ;
    return zmq_received(c, n, len);
}

static IPCB_HOT ssize_t zmq_send_spin(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct zmq_chan *z = c->priv;
    unsigned tries = 0;
    int n;
    while ((n = zmq_send(z->sock, buf, len, ZMQ_DONTWAIT)) < 0 &&
           (errno == EAGAIN || errno == EINTR))
        ipcb_spin_pause(&tries);
    return n < 0 ? -errno : n;
}

static IPCB_HOT ssize_t zmq_recv_spin(struct ipcb_chan *c, void *buf, size_t len)
{
    struct zmq_chan *z = c->priv;
    unsigned tries = 0;
    int n;
    while ((n = zmq_recv(z->sock, buf, len, ZMQ_DONTWAIT)) < 0 &&
           (errno == EAGAIN || errno == EINTR))
        ipcb_spin_pause(&tries);
    return zmq_received(c, n, len);
}

/* sleep in zmq_poll until the socket can do events; 0 or -errno */
static int zmq_wait_for(struct zmq_chan *z, short events)
{
    zmq_pollitem_t item = {.socket = z->sock, .events = events};
    while (zmq_poll(&item, 1, -1) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static IPCB_HOT ssize_t zmq_send_poll(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct zmq_chan *z = c->priv;
    int n, rc = 0;
    while ((n = zmq_send(z->sock, buf, len, ZMQ_DONTWAIT)) < 0 && errno == EAGAIN &&
           (rc = zmq_wait_for(z, ZMQ_POLLOUT)) == 0)
        ;
    return n >= 0 ? n : rc ? rc : -errno;
}

static IPCB_HOT ssize_t zmq_recv_poll(struct ipcb_chan *c, void *buf, size_t len)
{
    struct zmq_chan *z = c->priv;
    int n, rc = 0;
    while ((n = zmq_recv(z->sock, buf, len, ZMQ_DONTWAIT)) < 0 && errno == EAGAIN &&
           (rc = zmq_wait_for(z, ZMQ_POLLIN)) == 0)
        ;
    return rc ? rc : zmq_received(c, n, len);
}

/* the next empty message, the goodbye, discarding what comes before it (a
 * side that failed mid-loop); 0, or -1 after the timeout */
static int zmq_goodbye_recv(void *sock)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    int n;
    while ((n = zmq_msg_recv(&msg, sock, 0)) > 0 || (n < 0 && errno == EINTR))
        ;
    zmq_msg_close(&msg);
    return n == 0 ? 0 : -1;
}

/* libzmq drops what the binding side has not yet read when the connecting
 * side goes away, so neither side closes while the other may still read:
 * the producer (connecting) says goodbye and waits for the consumer's,
 * which the consumer sends once it has read everything and the producer's
 * goodbye after it; the producer's socket keeps what it received across a
 * disconnect. A peer that died bounds the wait at 5 s. */
static void zmq_close_side(struct ipcb_chan *c, enum ipcb_side side)
{
    struct zmq_chan *z = c->priv;
    if (z->sock && set_int(c, z->sock, ZMQ_RCVTIMEO, 5000, "ZMQ_RCVTIMEO") == 0) {
        if (side == IPCB_PRODUCER && zmq_send(z->sock, "", 0, 0) == 0)
            zmq_goodbye_recv(z->sock);
        else if (side == IPCB_CONSUMER && zmq_goodbye_recv(z->sock) == 0)
            zmq_send(z->sock, "", 0, 0);
    }
    if (z->sock)
        zmq_close(z->sock);
    if (z->ctx)
        zmq_ctx_term(z->ctx); /* waits for the queued messages (ZMQ_LINGER -1) */
    z->sock = z->ctx = NULL;
}

static void zmq_destroy(struct ipcb_chan *c)
{
    struct zmq_chan *z = c->priv;
    if (!z)
        return;
    static const char *const names[] = {"pair"};
    ipcb_dir_remove(z->dir, names, 1);
    free(z);
    c->priv = NULL;
}

#define ZMQ_TABLE(var_, name_, flags_, wait_, send_, recv_, summary_, ...)               \
    const struct ipcb_transport var_ = {                                               \
        .name = name_, .summary = summary_, .flags = flags_, .wait = wait_,            \
        .create = zmq_create, .open = zmq_open, .send = send_, .recv = recv_,          \
        .close = zmq_close_side, .destroy = zmq_destroy, .memory = zmq_memory,         \
        .library = zmq_library, __VA_ARGS__}

ZMQ_TABLE(ipcb_zeromq, "zeromq", ZMQ_FLAGS, IPCB_WAIT_OWN, zmq_send_block, zmq_recv_block,
          ZMQ_SUMMARY, .wait_default = "block");
ZMQ_TABLE(ipcb_zeromq_spin, "zeromq/spin", ZMQ_FLAGS | IPCB_VARIANT, IPCB_WAIT_SPIN,
          zmq_send_spin, zmq_recv_spin, "zeromq, waiting by ZMQ_DONTWAIT tried again",
          .base = &ipcb_zeromq);
ZMQ_TABLE(ipcb_zeromq_poll, "zeromq/poll", ZMQ_FLAGS | IPCB_VARIANT, IPCB_WAIT_POLL,
          zmq_send_poll, zmq_recv_poll, "zeromq, waiting in zmq_poll",
          .base = &ipcb_zeromq);

#else

IPCB_ABSENT_LIB_TRANSPORT(ipcb_zeromq, "zeromq", ZMQ_FLAGS, ZMQ_SUMMARY, IPCB_ABSENT_ZEROMQ);

#endif
