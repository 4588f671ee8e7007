/* nng: a pair1 socket over ipc:// (nng's AF_UNIX stream) on a path in a
 * private directory; the consumer listens, the producer dials, each in its
 * own process after the fork. The wait axis as nng offers it: block in
 * nng_send/nng_recv (nng), NNG_FLAG_NONBLOCK tried again (nng/spin), and
 * poll(2) on the socket's NNG_OPT_RECVFD/NNG_OPT_SENDFD, then a
 * non-blocking call (nng/poll).
 *
 * Queues: NNG_OPT_SENDBUF and NNG_OPT_RECVBUF of 1000 messages each, as
 * zeromq's high-water marks. pair1 (not polyamorous) pushes back on a full
 * queue and never drops; a gap would show in the stamps and fail the cell.
 * NNG_OPT_RECVMAXSZ is set from nng's 1 MiB to the channel's largest
 * message and pair1's header, so no size limit is left but memory (.memory). */
#include "transports/optional.h"

#define NNG_SUMMARY "nng pair1 over ipc:// (AF_UNIX) in a private directory"
#define NNG_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX)

#ifdef IPCB_HAVE_NNG

#include <errno.h>
#include <limits.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transports/private_dir.h"
#include "transports/wait.h"

#define NNG_QUEUE 1000  /* messages per direction and end, as zeromq's marks */

struct nng_chan {
    char dir[PATH_MAX];            /* the private directory holding the socket file */
    char url[PATH_MAX + 16];       /* "ipc://<dir>/pair" */
    nng_socket sock;               /* this side's, made by open in the child */
    int open, fd_in, fd_out;       /* the poll variant's descriptors */
    atomic_int peer_gone;          /* the consumer: the producer's pipe closed */
};

static const char *nng_library(void)
{
    static char version[32];
    snprintf(version, sizeof version, "nng %s", nng_version());
    return version;
}

/* nng's errors are its own numbers: the text into c->err, and -EIO, or
 * -EAGAIN and -EMSGSIZE where they are those */
static int nng_failed(struct ipcb_chan *c, const char *what, int rv)
{
    ipcb_chan_error(c, "%s: %s", what, nng_strerror(rv));
    return rv == NNG_EAGAIN ? -EAGAIN : rv == NNG_EMSGSIZE ? -EMSGSIZE : -EIO;
}

static uint64_t nng_memory(uint64_t size)
{
    return 2u * NNG_QUEUE * size;
}

static int nng_create(struct ipcb_chan *c)
{
    struct nng_chan *n = calloc(1, sizeof *n);
    if (!n)
        return -ENOMEM;
    c->priv = n;
    int rc = ipcb_chan_private_dir(c, n->dir, sizeof n->dir);
    if (rc < 0)
        return rc;
    if (strlen(n->dir) + sizeof "/pair" > 107) {
        ipcb_chan_error(c, "the socket path %.200s/pair is longer than AF_UNIX's 107 bytes; "
                        "set TMPDIR to a shorter directory", n->dir);
        return -ENAMETOOLONG;
    }
    snprintf(n->url, sizeof n->url, "ipc://%s/pair", n->dir);
    return 0;
}

static void on_pipe_removed(nng_pipe pipe, nng_pipe_ev ev, void *arg)
{
    (void)pipe;
    (void)ev;
    atomic_store(&((struct nng_chan *)arg)->peer_gone, 1);
}

static int nng_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct nng_chan *n = c->priv;
    c->side = side;
    int rv = nng_pair1_open(&n->sock);
    if (rv != 0)
        return nng_failed(c, "nng_pair1_open", rv);
    n->open = 1;
    /* the limit counts pair1's header (a 4-byte hop count) too */
    size_t max = c->msg_max + 64;
    if ((rv = nng_socket_set_int(n->sock, NNG_OPT_SENDBUF, NNG_QUEUE)) != 0 ||
        (rv = nng_socket_set_int(n->sock, NNG_OPT_RECVBUF, NNG_QUEUE)) != 0 ||
        (rv = nng_socket_set_size(n->sock, NNG_OPT_RECVMAXSZ, max)) != 0 ||
        (rv = nng_socket_set_ms(n->sock, NNG_OPT_RECONNMINT, 5)) != 0)
        return nng_failed(c, "nng_socket_set", rv);
    if (side == IPCB_CONSUMER) {
        if ((rv = nng_pipe_notify(n->sock, NNG_PIPE_EV_REM_POST, on_pipe_removed, n)) != 0)
            return nng_failed(c, "nng_pipe_notify", rv);
        rv = nng_listen(n->sock, n->url, NULL, 0);
    } else {
        /* the consumer may not listen yet: dial in the background, again */
        rv = nng_dial(n->sock, n->url, NULL, NNG_FLAG_NONBLOCK);
    }
    if (rv != 0)
        return nng_failed(c, side == IPCB_CONSUMER ? "nng_listen" : "nng_dial", rv);
    if (c->t->wait == IPCB_WAIT_POLL &&
        ((rv = nng_socket_get_int(n->sock, NNG_OPT_RECVFD, &n->fd_in)) != 0 ||
         (rv = nng_socket_get_int(n->sock, NNG_OPT_SENDFD, &n->fd_out)) != 0))
        return nng_failed(c, "nng_socket_get_int(NNG_OPT_RECVFD/SENDFD)", rv);
    return 0;
}

static IPCB_HOT ssize_t nng_send_with(struct ipcb_chan *c, const void *buf, size_t len,
                                      int flags)
{
    struct nng_chan *n = c->priv;
    int rv = nng_send(n->sock, (void *)buf, len, flags);
    return rv == 0 ? (ssize_t)len : rv == NNG_EAGAIN ? -EAGAIN : nng_failed(c, "nng_send", rv);
}

static IPCB_HOT ssize_t nng_recv_with(struct ipcb_chan *c, void *buf, size_t len, int flags)
{
    struct nng_chan *n = c->priv;
    size_t got = len;
    int rv = nng_recv(n->sock, buf, &got, flags);
    return rv == 0 ? (ssize_t)got : rv == NNG_EAGAIN ? -EAGAIN : nng_failed(c, "nng_recv", rv);
}

static IPCB_HOT ssize_t nng_send_block(struct ipcb_chan *c, const void *buf, size_t len)
{
    return nng_send_with(c, buf, len, 0);
}

static IPCB_HOT ssize_t nng_recv_block(struct ipcb_chan *c, void *buf, size_t len)
{
    return nng_recv_with(c, buf, len, 0);
}

static IPCB_HOT ssize_t nng_send_spin(struct ipcb_chan *c, const void *buf, size_t len)
{
    unsigned tries = 0;
    ssize_t r;
    while ((r = nng_send_with(c, buf, len, NNG_FLAG_NONBLOCK)) == -EAGAIN)
        ipcb_spin_pause(&tries);
    return r;
}

static IPCB_HOT ssize_t nng_recv_spin(struct ipcb_chan *c, void *buf, size_t len)
{
    unsigned tries = 0;
    ssize_t r;
    while ((r = nng_recv_with(c, buf, len, NNG_FLAG_NONBLOCK)) == -EAGAIN)
        ipcb_spin_pause(&tries);
    return r;
}

/* nng's notification descriptor is readable while the socket can do it */
static int wait_fd(int fd)
{
    struct pollfd one = {.fd = fd, .events = POLLIN};
    while (poll(&one, 1, -1) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

static IPCB_HOT ssize_t nng_send_poll(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct nng_chan *n = c->priv;
    ssize_t r;
    while ((r = nng_send_with(c, buf, len, NNG_FLAG_NONBLOCK)) == -EAGAIN) {
        int rc = wait_fd(n->fd_out);
        if (rc < 0)
            return rc;
    }
    return r;
}

static IPCB_HOT ssize_t nng_recv_poll(struct ipcb_chan *c, void *buf, size_t len)
{
    struct nng_chan *n = c->priv;
    ssize_t r;
    while ((r = nng_recv_with(c, buf, len, NNG_FLAG_NONBLOCK)) == -EAGAIN) {
        int rc = wait_fd(n->fd_in);
        if (rc < 0)
            return rc;
    }
    return r;
}

/* the next empty message, the goodbye, discarding what comes before it;
 * 0, or -1 after the receive timeout */
static int nng_goodbye_recv(struct nng_chan *n)
{
    for (;;) {
        nng_msg *msg;
        if (nng_recvmsg(n->sock, &msg, 0) != 0)
            return -1;
        size_t len = nng_msg_len(msg);
        nng_msg_free(msg);
        if (len == 0)
            return 0;
    }
}

/* nng_close does not flush what is queued, so neither side closes while
 * the other may still read: the producer says goodbye and waits for the
 * consumer's, sent once the consumer has read everything and the
 * producer's goodbye; the consumer then waits for the producer's pipe to
 * go, so its goodbye is read. A peer that died bounds each wait at 5 s. */
static void nng_close_side(struct ipcb_chan *c, enum ipcb_side side)
{
    struct nng_chan *n = c->priv;
    if (!n->open)
        return;
    nng_socket_set_ms(n->sock, NNG_OPT_RECVTIMEO, 5000);
    nng_socket_set_ms(n->sock, NNG_OPT_SENDTIMEO, 5000);
    if (side == IPCB_PRODUCER && nng_send(n->sock, "", 0, 0) == 0) {
        nng_goodbye_recv(n);
    } else if (side == IPCB_CONSUMER && nng_goodbye_recv(n) == 0 &&
               nng_send(n->sock, "", 0, 0) == 0) {
        struct timespec nap = {0, 1000 * 1000};
        for (int ms = 0; ms < 5000 && !atomic_load(&n->peer_gone); ms++)
            nanosleep(&nap, NULL);
    }
    nng_close(n->sock);
    n->open = 0;
}

static void nng_destroy(struct ipcb_chan *c)
{
    struct nng_chan *n = c->priv;
    if (!n)
        return;
    static const char *const names[] = {"pair"};
    ipcb_dir_remove(n->dir, names, 1);
    free(n);
    c->priv = NULL;
}

#define NNG_TABLE(var_, name_, flags_, wait_, send_, recv_, summary_, ...)               \
    const struct ipcb_transport var_ = {                                               \
        .name = name_, .summary = summary_, .flags = flags_, .wait = wait_,            \
        .create = nng_create, .open = nng_open, .send = send_, .recv = recv_,          \
        .close = nng_close_side, .destroy = nng_destroy, .memory = nng_memory,         \
        .library = nng_library, __VA_ARGS__}

NNG_TABLE(ipcb_nng, "nng", NNG_FLAGS, IPCB_WAIT_OWN, nng_send_block, nng_recv_block,
          NNG_SUMMARY, .wait_default = "block");
NNG_TABLE(ipcb_nng_spin, "nng/spin", NNG_FLAGS | IPCB_VARIANT, IPCB_WAIT_SPIN, nng_send_spin,
          nng_recv_spin, "nng, waiting by NNG_FLAG_NONBLOCK tried again", .base = &ipcb_nng);
NNG_TABLE(ipcb_nng_poll, "nng/poll", NNG_FLAGS | IPCB_VARIANT, IPCB_WAIT_POLL, nng_send_poll,
          nng_recv_poll, "nng, waiting in poll(2) on its notification descriptors",
          .base = &ipcb_nng);

#else

IPCB_ABSENT_LIB_TRANSPORT(ipcb_nng, "nng", NNG_FLAGS, NNG_SUMMARY, IPCB_ABSENT_NNG);

#endif
