/* memfd-pool: each side makes a pool of memfds once, at open, sealed
 * against shrinking, growing and any new writable mapping (F_SEAL_SHRINK,
 * F_SEAL_GROW, F_SEAL_FUTURE_WRITE, then F_SEAL_SEAL), and passes them to
 * the other side over an AF_UNIX seqpacket pair with SCM_RIGHTS, as a
 * Wayland client hands its wl_shm pool to the compositor. From then on a
 * message is a slot's index on the socket (buf_pass.h): the producer
 * builds it in its own slot, the consumer checks it in place through its
 * read-only mapping of the same pages and gives the slot back. The writer
 * keeps its one writable mapping, so F_SEAL_WRITE cannot be set; the
 * reader's check of the seals is what a compositor relies on: the memory
 * cannot shrink under it (no SIGBUS) and nobody else can map it writable. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transports/buf_pass.h"

#define POOL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE)

static int memfd_pool_create(struct ipcb_chan *c)
{
    struct ipcb_pool *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    c->priv = p;
    p->s.pair[0] = p->s.pair[1] = p->s.sock = -1;
    p->n = ipcb_pool_slots(c->msg_max);
    p->slot_bytes = ipcb_pool_slot_bytes(c->msg_max);
    return ipcb_buf_sock_create(c, &p->s);
}

/* n * slot_bytes of address space, nothing in it yet: NULL with c->err */
static unsigned char *reserve(struct ipcb_chan *c, const struct ipcb_pool *p)
{
    void *base = mmap(NULL, (size_t)p->n * p->slot_bytes, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        ipcb_chan_errno(c, "mmap of the pool's address space");
        return NULL;
    }
    return base;
}

/* this side's pool: n memfds mapped writable side by side in p->mine, then
 * sealed; their descriptors into fds, for the peer */
static int make_pool(struct ipcb_chan *c, struct ipcb_pool *p, int *fds)
{
    if (!(p->mine = reserve(c, p)))
        return -ENOMEM;
    for (unsigned i = 0; i < p->n; i++) {
        fds[i] = memfd_create("ipcbench-memfd-pool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fds[i] < 0)
            return ipcb_chan_errno(c, "memfd_create");
        if (ftruncate(fds[i], (off_t)p->slot_bytes) != 0)
            return ipcb_chan_errno(c, "ftruncate of a pool memfd");
        if (mmap(p->mine + (size_t)i * p->slot_bytes, p->slot_bytes, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED, fds[i], 0) == MAP_FAILED)
            return ipcb_chan_errno(c, "mmap of a pool memfd");
        if (fcntl(fds[i], F_ADD_SEALS, POOL_SEALS | F_SEAL_SEAL) != 0)
            return ipcb_chan_errno(c, "fcntl(F_ADD_SEALS) of a pool memfd");
    }
    return 0;
}

/* the peer's pool, its seals checked as a compositor checks a client's,
 * mapped read-only side by side in p->theirs */
static int map_theirs(struct ipcb_chan *c, struct ipcb_pool *p, const int *fds, unsigned n)
{
    if (n != p->n) {
        ipcb_chan_error(c, "the peer's pool came with %u memfds, not %u", n, p->n);
        return -EPROTO;
    }
    if (!(p->theirs = reserve(c, p)))
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        struct stat st;
        int seals = fcntl(fds[i], F_GET_SEALS);
        if (seals < 0 || (seals & POOL_SEALS) != POOL_SEALS) {
            ipcb_chan_error(c, "a pool memfd of the peer's is not sealed against shrinking, "
                            "growing and writable mappings (seals %#x)", seals);
            return -EPERM;
        }
        if (fstat(fds[i], &st) != 0 || (size_t)st.st_size < p->slot_bytes) {
            ipcb_chan_error(c, "a pool memfd of the peer's is smaller than a slot");
            return -EPROTO;
        }
        if (mmap(p->theirs + (size_t)i * p->slot_bytes, p->slot_bytes, PROT_READ,
                 MAP_SHARED | MAP_FIXED, fds[i], 0) == MAP_FAILED)
            return ipcb_chan_errno(c, "mmap of the peer's pool memfd");
    }
    return 0;
}

static void close_all(int *fds, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ipcb_close_fd(&fds[i]);
}

/* the message of the peer's slot, read in place */
static unsigned char *in_place(struct ipcb_chan *c, struct ipcb_pool *p,
                               const struct ipcb_rec *r)
{
    (void)c;
    return p->theirs + (size_t)r->slot * p->slot_bytes;
}

/* both sides make their pool and send it, then take the other's: the
 * socket holds both records, so neither waits on the other to send */
static int memfd_pool_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_pool *p = c->priv;
    int mine[IPCB_POOL_MAX], theirs[IPCB_REC_FDS];
    unsigned n_theirs = 0;
    for (unsigned i = 0; i < IPCB_POOL_MAX; i++)
        mine[i] = -1;
    c->side = side;
    p->fetch = in_place;
    ipcb_buf_sock_open(&p->s, side);
    int rc = make_pool(c, p, mine);
    struct ipcb_rec hello = {.kind = IPCB_REC_HELLO, .slot = p->n};
    if (rc == 0)
        rc = ipcb_rec_send(c, p->s.sock, &hello, mine, p->n);
    close_all(mine, p->n); /* the mappings keep the memory; the peer has its own */
    if (rc == 0 && (rc = ipcb_rec_recv(c, p->s.sock, &hello, theirs, &n_theirs)) == 0) {
        ipcb_chan_error(c, "the other side closed the channel before its pool came");
        rc = -EPIPE;
    }
    if (rc > 0 && hello.kind != IPCB_REC_HELLO) {
        ipcb_chan_error(c, "a record of kind %u where the peer's pool was due", hello.kind);
        rc = -EPROTO;
    }
    if (rc > 0)
        rc = map_theirs(c, p, theirs, n_theirs);
    close_all(theirs, n_theirs);
    ipcb_pool_reset(p);
    return rc < 0 ? rc : 0;
}

static void unmap_pools(struct ipcb_pool *p)
{
    if (p->mine)
        munmap(p->mine, (size_t)p->n * p->slot_bytes);
    if (p->theirs)
        munmap(p->theirs, (size_t)p->n * p->slot_bytes);
    p->mine = p->theirs = NULL;
}

/* parent: the children hold their ends now */
static void memfd_pool_opened(struct ipcb_chan *c)
{
    struct ipcb_pool *p = c->priv;
    ipcb_buf_sock_close(&p->s);
}

static void memfd_pool_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_pool *p = c->priv;
    (void)side;
    unmap_pools(p);
    ipcb_buf_sock_finish(&p->s);
}

static void memfd_pool_destroy(struct ipcb_chan *c)
{
    struct ipcb_pool *p = c->priv;
    if (!p)
        return;
    ipcb_buf_sock_close(&p->s);
    free(p);
    c->priv = NULL;
}

const struct ipcb_transport ipcb_memfd_pool = {
    .name = "memfd-pool",
    .summary = "zero-copy: sealed memfd pools passed once (SCM_RIGHTS), then slots named by index",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_ZERO_COPY,
    .wait_default = "block",
    .create = memfd_pool_create, .open = memfd_pool_open, .opened = memfd_pool_opened,
    .send = ipcb_pool_send, .recv = ipcb_recv_by_take, .close = memfd_pool_close,
    .destroy = memfd_pool_destroy, .memory = ipcb_pool_memory,
    .loan = ipcb_pool_loan, .take = ipcb_pool_take, .release = ipcb_pool_release,
};
