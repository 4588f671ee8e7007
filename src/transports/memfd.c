/* memfd: a new memfd per message, passed with SCM_RIGHTS over an AF_UNIX
 * seqpacket pair, as a client hands a compositor a buffer it made for one
 * frame. The producer makes it (memfd_create, ftruncate, mmap) and builds
 * the message in it; send unmaps it, seals it (F_SEAL_SHRINK, F_SEAL_GROW,
 * F_SEAL_WRITE, then F_SEAL_SEAL: possible because no writable mapping is
 * left) and passes the descriptor. The consumer checks the seals, maps it
 * read-only, checks the message, unmaps and closes it. Pingpong's echo
 * passes the same sealed descriptor back. Each message costs the memfd's
 * making, its pages' first-touch faults and two mmaps: the price of this
 * way against memfd-pool's pool made once. */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/message.h"
#include "transports/buf_pass.h"

#define MESSAGE_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

struct memfd_buf {
    int fd;
    unsigned char *map;
    size_t bytes;
};

struct memfd_chan {
    struct ipcb_buf_sock s;
    struct memfd_buf loan;   /* the message being built, mapped writable */
    struct memfd_buf taken;  /* the message taken, mapped read-only */
};

static void drop(struct memfd_buf *b)
{
    if (b->map)
        munmap(b->map, b->bytes);
    b->map = NULL;
    ipcb_close_fd(&b->fd);
}

static int memfd_create_chan(struct ipcb_chan *c)
{
    struct memfd_chan *m = calloc(1, sizeof *m);
    if (!m)
        return -ENOMEM;
    c->priv = m;
    m->loan.fd = m->taken.fd = -1;
    return ipcb_buf_sock_create(c, &m->s);
}

static int memfd_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct memfd_chan *m = c->priv;
    c->side = side;
    ipcb_buf_sock_open(&m->s, side);
    return 0;
}

/* a fresh memfd of len bytes mapped writable into m->loan */
static IPCB_HOT unsigned char *new_buffer(struct ipcb_chan *c, struct memfd_chan *m, size_t len)
{
    drop(&m->loan); /* a loan never sent (a failed send) */
    m->loan.bytes = len ? len : 1;
    m->loan.fd = memfd_create("ipcbench-memfd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (m->loan.fd < 0) {
        ipcb_chan_errno(c, "memfd_create");
        return NULL;
    }
    if (ftruncate(m->loan.fd, (off_t)m->loan.bytes) != 0) {
        ipcb_chan_errno(c, "ftruncate of a message memfd");
        drop(&m->loan);
        return NULL;
    }
    void *map = mmap(NULL, m->loan.bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m->loan.fd, 0);
    if (map == MAP_FAILED) {
        ipcb_chan_errno(c, "mmap of a message memfd");
        drop(&m->loan);
        return NULL;
    }
    return m->loan.map = map;
}

static IPCB_HOT void *memfd_loan(struct ipcb_chan *c, size_t len)
{
    unsigned char *buf = new_buffer(c, c->priv, len);
    if (buf)
        ipcb_msg_fill(buf, len); /* a fresh buffer holds the filler too */
    return buf;
}

/* F_SEAL_WRITE is refused (EBUSY) while a page of the file still holds a
 * reference the kernel has not let go of; the kernel itself waits for them
 * up to about 150 ms before it refuses. Seen once in CI under ASan, on a
 * loaded machine, on a 1 MiB message whose mapping was already gone: so a
 * refusal is tried again a few times before it fails the run. */
static int add_seals(int fd)
{
    for (int tries = 0;; tries++) {
        if (fcntl(fd, F_ADD_SEALS, MESSAGE_SEALS | F_SEAL_SEAL) == 0)
            return 0;
        if (errno != EBUSY || tries == 3)
            return -1;
        sched_yield();
    }
}

/* the loan, unmapped and sealed, passed to the peer */
static IPCB_HOT ssize_t pass_loan(struct ipcb_chan *c, struct memfd_chan *m, size_t len)
{
    munmap(m->loan.map, m->loan.bytes);
    m->loan.map = NULL;
    if (add_seals(m->loan.fd) != 0) {
        int rc = ipcb_chan_errno(c, "fcntl(F_ADD_SEALS) of a message memfd");
        drop(&m->loan);
        return rc;
    }
    struct ipcb_rec r = {.kind = IPCB_REC_MSG, .len = len};
    int rc = ipcb_rec_send(c, m->s.sock, &r, &m->loan.fd, 1);
    drop(&m->loan);
    return rc < 0 ? rc : (ssize_t)len;
}

static IPCB_HOT ssize_t memfd_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct memfd_chan *m = c->priv;
    if (m->loan.map && buf == m->loan.map)
        return pass_loan(c, m, len);
    if (m->taken.map && buf == m->taken.map) { /* the echo: the same memfd goes back */
        struct ipcb_rec r = {.kind = IPCB_REC_MSG, .len = len};
        int rc = ipcb_rec_send(c, m->s.sock, &r, &m->taken.fd, 1);
        drop(&m->taken);
        return rc < 0 ? rc : (ssize_t)len;
    }
    unsigned char *into = new_buffer(c, m, len); /* the side's own buffer: a copy */
    if (!into)
        return -EIO;
    memcpy(into, buf, len);
    return pass_loan(c, m, len);
}

/* a received memfd, checked as a compositor checks a client's buffer */
static int check_received(struct ipcb_chan *c, int fd, uint64_t len)
{
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals < 0 || (seals & MESSAGE_SEALS) != MESSAGE_SEALS) {
        ipcb_chan_error(c, "a message memfd came without its seals (%#x)", seals);
        return -EPERM;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < len) {
        ipcb_chan_error(c, "a message memfd smaller than its %llu bytes",
                        (unsigned long long)len);
        return -EPROTO;
    }
    return 0;
}

static IPCB_HOT ssize_t memfd_take(struct ipcb_chan *c, void **msg, size_t len)
{
    struct memfd_chan *m = c->priv;
    struct ipcb_rec r;
    int fds[IPCB_REC_FDS];
    unsigned nfds = 0;
    drop(&m->taken); /* one never released (a failed check) */
    int rc = ipcb_rec_recv(c, m->s.sock, &r, fds, &nfds);
    for (unsigned i = 1; i < nfds; i++)
        close(fds[i]);
    if (rc <= 0)
        return rc;
    if (r.kind != IPCB_REC_MSG || nfds != 1) {
        ipcb_chan_error(c, "a record of kind %u with %u descriptors, not a message memfd",
                        r.kind, nfds);
        if (nfds)
            close(fds[0]);
        return -EPROTO;
    }
    m->taken = (struct memfd_buf){.fd = fds[0], .bytes = r.len ? (size_t)r.len : 1};
    if ((rc = check_received(c, fds[0], r.len)) < 0) {
        drop(&m->taken);
        return rc;
    }
    void *map = mmap(NULL, m->taken.bytes, PROT_READ, MAP_SHARED, m->taken.fd, 0);
    if (map == MAP_FAILED) {
        rc = ipcb_chan_errno(c, "mmap of a received memfd");
        drop(&m->taken);
        return rc;
    }
    *msg = m->taken.map = map;
    (void)len;
    return (ssize_t)r.len;
}

static IPCB_HOT void memfd_release(struct ipcb_chan *c, void *msg)
{
    struct memfd_chan *m = c->priv;
    if (m->taken.map && msg == m->taken.map)
        drop(&m->taken);
}

static void memfd_opened(struct ipcb_chan *c)
{
    struct memfd_chan *m = c->priv;
    ipcb_buf_sock_close(&m->s);
}

static void memfd_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct memfd_chan *m = c->priv;
    (void)side;
    drop(&m->loan);
    drop(&m->taken);
    ipcb_buf_sock_finish(&m->s);
}

static void memfd_destroy(struct ipcb_chan *c)
{
    struct memfd_chan *m = c->priv;
    if (!m)
        return;
    ipcb_buf_sock_close(&m->s);
    free(m);
    c->priv = NULL;
}

/* one message in the making and one taken, per side */
static uint64_t memfd_memory(uint64_t size)
{
    return 4 * (uint64_t)ipcb_pool_slot_bytes(size);
}

const struct ipcb_transport ipcb_memfd = {
    .name = "memfd",
    .summary = "zero-copy: a new sealed memfd per message, passed with SCM_RIGHTS over AF_UNIX",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_ZERO_COPY,
    .wait_default = "block",
    .create = memfd_create_chan, .open = memfd_open, .opened = memfd_opened,
    .send = memfd_send, .recv = ipcb_recv_by_take, .close = memfd_close, .destroy = memfd_destroy,
    .memory = memfd_memory, .loan = memfd_loan, .take = memfd_take, .release = memfd_release,
};
