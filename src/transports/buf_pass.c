/* The socket, the records and the pool of the buffer-passing transports
 * (buf_pass.h). */
#include "transports/buf_pass.h"

#include <errno.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "measure/message.h"

static void take_fds(struct msghdr *mh, int *fds, unsigned *nfds);

int ipcb_buf_sock_create(struct ipcb_chan *c, struct ipcb_buf_sock *s)
{
    s->sock = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s->pair) != 0) {
        s->pair[0] = s->pair[1] = -1;
        return ipcb_chan_errno(c, "socketpair(AF_UNIX, SOCK_SEQPACKET)");
    }
    return 0;
}

void ipcb_buf_sock_open(struct ipcb_buf_sock *s, enum ipcb_side side)
{
    s->sock = s->pair[side];
    s->pair[side] = -1;
    ipcb_close_fd(&s->pair[1 - side]);
}

/* the records still coming, read and dropped until the peer is done too */
static void drain(int sock)
{
    struct pollfd pfd = {.fd = sock, .events = POLLIN};
    /* bounded: a peer that hangs is the watchdog's, not ours to wait for */
    while (poll(&pfd, 1, 5000) > 0) {
        char rec[sizeof(struct ipcb_rec)];
        union {
            char buf[CMSG_SPACE(sizeof(int) * IPCB_REC_FDS)];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = rec, .iov_len = sizeof rec};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                            .msg_controllen = sizeof ctl.buf};
        ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (n > 0)
            take_fds(&mh, NULL, NULL);
        else if (n == 0 || errno != EINTR)
            break;
    }
}

void ipcb_buf_sock_finish(struct ipcb_buf_sock *s)
{
    if (s->sock >= 0 && shutdown(s->sock, SHUT_WR) == 0)
        drain(s->sock);
    ipcb_buf_sock_close(s);
}

void ipcb_buf_sock_close(struct ipcb_buf_sock *s)
{
    ipcb_close_fd(&s->pair[0]);
    ipcb_close_fd(&s->pair[1]);
    ipcb_close_fd(&s->sock);
}

IPCB_HOT int ipcb_rec_send(struct ipcb_chan *c, int sock, const struct ipcb_rec *r,
                           const int *fds, unsigned nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * IPCB_REC_FDS)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = (void *)r, .iov_len = sizeof *r};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds) {
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
    }
    ssize_t n;
    while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return ipcb_chan_errno(c, "sendmsg of a record");
    return 0;
}

/* the descriptors of a record, into fds; any beyond room are closed */
static void take_fds(struct msghdr *mh, int *fds, unsigned *nfds)
{
    unsigned got = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof fd);
            if (fds && got < IPCB_REC_FDS)
                fds[got++] = fd;
            else
                close(fd);
        }
    }
    if (nfds)
        *nfds = got;
}

IPCB_HOT int ipcb_rec_recv(struct ipcb_chan *c, int sock, struct ipcb_rec *r, int *fds,
                           unsigned *nfds)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * IPCB_REC_FDS)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {.iov_base = r, .iov_len = sizeof *r};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf};
    ssize_t n;
    while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (n < 0)
        return ipcb_chan_errno(c, "recvmsg of a record");
    take_fds(&mh, fds, nfds);
    if (n == 0)
        return 0;
    if (n != (ssize_t)sizeof *r || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
        ipcb_chan_error(c, "a record of %zd bytes (flags %#x), not %zu", n, mh.msg_flags,
                        sizeof *r);
        return -EPROTO;
    }
    return 1;
}

unsigned ipcb_pool_slots(uint64_t size)
{
    const uint64_t budget = 64ull << 20;
    uint64_t n = size ? budget / size : IPCB_POOL_MAX;
    return n < 2 ? 2u : n > 16 ? 16u : (unsigned)n;
}

size_t ipcb_pool_slot_bytes(uint64_t size)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = size ? (size_t)size : 1;
    return (bytes + page - 1) / page * page;
}

void ipcb_pool_reset(struct ipcb_pool *p)
{
    memset(p->lent, 0, sizeof p->lent);
    memset(p->filled, 0, sizeof p->filled);
    p->n_free = p->n;
    for (unsigned i = 0; i < p->n; i++)
        p->free_slot[i] = p->n - 1 - i; /* slot 0 first */
    p->pending_head = p->pending_count = 0;
}

/* the slot of p's that ptr is in, or -1 */
static inline long slot_of(const unsigned char *base, const struct ipcb_pool *p,
                           const void *ptr)
{
    const unsigned char *b = ptr;
    if (!base || b < base || b >= base + (size_t)p->n * p->slot_bytes)
        return -1;
    return (long)((size_t)(b - base) / p->slot_bytes);
}

/* a record that is not a message: the peer gives a slot back */
static int given_back(struct ipcb_chan *c, struct ipcb_pool *p, const struct ipcb_rec *r)
{
    if (r->slot >= p->n || !p->lent[r->slot]) {
        ipcb_chan_error(c, "the peer gave back slot %u, which it did not hold", r->slot);
        return -EPROTO;
    }
    p->lent[r->slot] = 0;
    p->free_slot[p->n_free++] = r->slot;
    return 0;
}

/* the next record from the peer, FREE records handled on the way: 1 with a
 * message (MSG or BACK) in *r, 2 after a FREE record when until_free, 0 at
 * end of file, -errno */
static int next_record(struct ipcb_chan *c, struct ipcb_pool *p, struct ipcb_rec *r,
                       int until_free)
{
    for (;;) {
        int rc = ipcb_rec_recv(c, p->s.sock, r, NULL, NULL);
        if (rc <= 0)
            return rc;
        if (r->kind == IPCB_REC_MSG || r->kind == IPCB_REC_BACK)
            return 1;
        if (r->kind != IPCB_REC_FREE) {
            ipcb_chan_error(c, "a record of kind %u in the middle of a run", r->kind);
            return -EPROTO;
        }
        if ((rc = given_back(c, p, r)) < 0)
            return rc;
        if (until_free)
            return 2;
    }
}

IPCB_HOT unsigned char *ipcb_pool_claim(struct ipcb_chan *c, struct ipcb_pool *p)
{
    while (p->n_free == 0) {
        const unsigned cap = sizeof p->pending / sizeof p->pending[0];
        if (p->pending_count == cap) {
            ipcb_chan_error(c, "%u messages arrived while every slot was out", cap);
            return NULL;
        }
        struct ipcb_rec *r = &p->pending[(p->pending_head + p->pending_count) % cap];
        int rc = next_record(c, p, r, 1);
        if (rc == 0)
            ipcb_chan_error(c, "the other side closed the channel");
        if (rc <= 0)
            return NULL;
        if (rc == 1)
            p->pending_count++;
    }
    return p->mine + (size_t)p->free_slot[--p->n_free] * p->slot_bytes;
}

IPCB_HOT void *ipcb_pool_loan(struct ipcb_chan *c, size_t len)
{
    struct ipcb_pool *p = c->priv;
    unsigned char *buf = ipcb_pool_claim(c, p);
    if (!buf)
        return NULL;
    size_t slot = (size_t)(buf - p->mine) / p->slot_bytes;
    if (!p->filled[slot]) {  /* filled once, when first used */
        ipcb_msg_fill(buf, p->slot_bytes < c->msg_max ? p->slot_bytes : c->msg_max);
        p->filled[slot] = 1;
    }
    (void)len;
    return buf;
}

IPCB_HOT ssize_t ipcb_pool_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct ipcb_pool *p = c->priv;
    long slot = slot_of(p->mine, p, buf);
    struct ipcb_rec r = {.kind = IPCB_REC_MSG, .len = len};
    if (slot < 0 && (slot = slot_of(p->theirs, p, buf)) >= 0) {
        r.kind = IPCB_REC_BACK; /* the peer's own slot goes back to it */
    } else if (slot < 0) {
        unsigned char *into = ipcb_pool_claim(c, p); /* the side's own buffer: a copy */
        if (!into)
            return -EIO;
        memcpy(into, buf, len);
        slot = (long)((size_t)(into - p->mine) / p->slot_bytes);
    }
    r.slot = (uint32_t)slot;
    if (r.kind == IPCB_REC_MSG) {
        r.addr = (uint64_t)(uintptr_t)(p->mine + (size_t)slot * p->slot_bytes);
        p->lent[slot] = 1;
    }
    int rc = ipcb_rec_send(c, p->s.sock, &r, NULL, 0);
    return rc < 0 ? rc : (ssize_t)len;
}

IPCB_HOT ssize_t ipcb_pool_take(struct ipcb_chan *c, void **msg, size_t len)
{
    struct ipcb_pool *p = c->priv;
    const unsigned cap = sizeof p->pending / sizeof p->pending[0];
    struct ipcb_rec r;
    if (p->pending_count) {
        r = p->pending[p->pending_head];
        p->pending_head = (p->pending_head + 1) % cap;
        p->pending_count--;
    } else {
        int rc = next_record(c, p, &r, 0);
        if (rc <= 0)
            return rc;
    }
    if (r.slot >= p->n || r.len > p->slot_bytes) {
        ipcb_chan_error(c, "a message of %llu bytes in slot %u (slots: %u of %zu bytes)",
                        (unsigned long long)r.len, r.slot, p->n, p->slot_bytes);
        return -EPROTO;
    }
    if (r.kind == IPCB_REC_BACK) {
        if (!p->lent[r.slot]) {
            ipcb_chan_error(c, "the peer passed back slot %u, which it did not hold", r.slot);
            return -EPROTO;
        }
        p->lent[r.slot] = 0;  /* held again, until released */
        *msg = p->mine + (size_t)r.slot * p->slot_bytes;
    } else if (!(*msg = p->fetch(c, p, &r))) {
        return -EIO;
    }
    (void)len;
    return (ssize_t)r.len;
}

IPCB_HOT void ipcb_pool_release(struct ipcb_chan *c, void *msg)
{
    struct ipcb_pool *p = c->priv;
    long slot = slot_of(p->mine, p, msg);
    if (slot >= 0) {
        p->free_slot[p->n_free++] = (unsigned)slot;
        return;
    }
    slot = slot_of(p->theirs, p, msg);
    if (slot >= 0) {
        struct ipcb_rec r = {.kind = IPCB_REC_FREE, .slot = (uint32_t)slot};
        (void)ipcb_rec_send(c, p->s.sock, &r, NULL, 0); /* a dead peer shows next call */
    }
}

uint64_t ipcb_pool_memory(uint64_t size)
{
    return 2ull * ipcb_pool_slots(size) * ipcb_pool_slot_bytes(size);
}
