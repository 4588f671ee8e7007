/* vmsplice: a pipe per direction; the sender's pages go into the pipe with
 * vmsplice(2), by reference, not copied, and the receiver read(2)s them
 * out, which is the one copy left. Without SPLICE_F_GIFT the pipe holds
 * references to the sender's own pages: what the sender writes into one
 * of them before the receiver has read it changes the message already
 * sent. So the page-reuse rule, kept by loan (and by take, whose buffer
 * pingpong's echo splices on):
 *
 *   a buffer is written again only when every byte spliced from it has
 *   been read: bytes pushed into the pipe so far minus the bytes still in
 *   it (FIONREAD) reach the end of its last push.
 *
 * The pipe reader releases a page reference only after it has copied the
 * bytes out and under the pipe's lock, which FIONREAD takes too, so the
 * count is exact. The rotation is deep enough that the rule never waits
 * in a stream: more buffers than the pipe's capacity (F_GETPIPE_SZ) in
 * pages holds, plus one, so a buffer comes round again only after more
 * pages than the pipe can hold were pushed behind it. The receiver must
 * read, not splice the pages on: a splice would move the references on
 * instead of releasing them, and the rule would say nothing. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "measure/message.h"

#define PIPE_BYTES (1u << 20)   /* asked for, up to fs.pipe-max-size */
#define MAX_ROTATION 300u

/* test hooks (IPCBENCH_VMSPLICE_HOOK): the receiver reads message 0 only
 * once message 1 is in the pipe behind it (lag), and the sender breaks the
 * rule, building every message in one buffer (reuse, which lags too) */
enum vms_hook { HOOK_NONE, HOOK_LAG, HOOK_REUSE };

struct vms_chan {
    struct ipcb_fds io;        /* first: this side's ends, after open */
    int to_consumer[2], to_producer[2];
    size_t pipe_bytes[2];      /* capacity of each direction's pipe, [side that writes] */
    enum vms_hook hook;
    int lagged;                /* the receiver's first read waited (HOOK_LAG) */
    /* this side's rotation, after open */
    unsigned char *bufs;
    size_t slot_bytes;
    unsigned depth, next;
    uint64_t pushed;           /* bytes this side put into its pipe, all told */
    uint64_t end[MAX_ROTATION];/* pushed after a buffer's last vmsplice; 0: never */
    unsigned char filled[MAX_ROTATION];
};

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* what the pipes are given: 1 MiB, or fs.pipe-max-size when lower */
static size_t pipe_target(void)
{
    size_t max = ipcb_read_sysctl("/proc/sys/fs/pipe-max-size");
    return max && max < PIPE_BYTES ? max : PIPE_BYTES;
}

/* buffers in a side's rotation: the pipe's capacity in messages, plus 2 */
static unsigned rotation(size_t pipe_bytes, uint64_t size)
{
    size_t page = page_size(), slot = size ? ((size_t)size + page - 1) / page * page : page;
    size_t depth = pipe_bytes / slot + 2;
    return depth > MAX_ROTATION ? MAX_ROTATION : (unsigned)depth;
}

static int vms_create(struct ipcb_chan *c)
{
    struct vms_chan *v = calloc(1, sizeof *v);
    if (!v)
        return -ENOMEM;
    v->io = (struct ipcb_fds){.rfd = -1, .wfd = -1};
    v->to_consumer[0] = v->to_consumer[1] = v->to_producer[0] = v->to_producer[1] = -1;
    c->priv = v;
    if (pipe2(v->to_consumer, O_CLOEXEC) != 0 || pipe2(v->to_producer, O_CLOEXEC) != 0)
        return ipcb_chan_errno(c, "pipe2");
    int *pipes[2] = {v->to_consumer, v->to_producer};
    for (int side = 0; side < 2; side++) {
        /* refused above the user's pipe pages (fs.pipe-user-pages-soft): keep the default */
        (void)fcntl(pipes[side][1], F_SETPIPE_SZ, (int)pipe_target());
        int got = fcntl(pipes[side][1], F_GETPIPE_SZ);
        if (got <= 0)
            return ipcb_chan_errno(c, "fcntl(F_GETPIPE_SZ)");
        v->pipe_bytes[side] = (size_t)got;
    }
    return 0;
}

static enum vms_hook hook_from_env(void)
{
    const char *h = getenv("IPCBENCH_VMSPLICE_HOOK");
    return !h ? HOOK_NONE : strcmp(h, "reuse") == 0 ? HOOK_REUSE
                          : strcmp(h, "lag") == 0   ? HOOK_LAG : HOOK_NONE;
}

static int vms_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct vms_chan *v = c->priv;
    int *out = side == IPCB_PRODUCER ? v->to_consumer : v->to_producer;
    int *in = side == IPCB_PRODUCER ? v->to_producer : v->to_consumer;
    c->side = side;
    v->io = (struct ipcb_fds){.rfd = in[0], .wfd = out[1]};
    in[0] = out[1] = -1;
    ipcb_close_fd(&in[1]);
    ipcb_close_fd(&out[0]);
    v->hook = hook_from_env();
    size_t page = page_size();
    v->slot_bytes = c->msg_max ? (c->msg_max + page - 1) / page * page : page;
    v->depth = v->hook == HOOK_REUSE ? 1 : rotation(v->pipe_bytes[side], c->msg_max);
    void *bufs = mmap(NULL, v->slot_bytes * v->depth, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (bufs == MAP_FAILED)
        return ipcb_chan_errno(c, "mmap of the vmsplice buffers");
    v->bufs = bufs;
    return 0;
}

/* bytes this side pushed that the reader has read */
static uint64_t consumed(const struct vms_chan *v)
{
    int unread = 0;
    if (ioctl(v->io.wfd, FIONREAD, &unread) != 0)
        return 0; /* unknown: counts as nothing read, so the rule waits */
    return v->pushed - (uint64_t)unread;
}

/* the next buffer of the rotation, once the pipe holds none of its pages */
static IPCB_HOT unsigned char *claim(struct vms_chan *v)
{
    unsigned i = v->next;
    v->next = (i + 1) % v->depth;
    for (unsigned tries = 0; v->hook != HOOK_REUSE && v->end[i] && consumed(v) < v->end[i];
         tries++) {
        if (tries < 64) {
            sched_yield();
        } else {
            struct timespec nap = {.tv_nsec = 20000};
            nanosleep(&nap, NULL);
        }
    }
    v->end[i] = 0;
    return v->bufs + (size_t)i * v->slot_bytes;
}

static IPCB_HOT void *vms_loan(struct ipcb_chan *c, size_t len)
{
    struct vms_chan *v = c->priv;
    unsigned char *buf = claim(v);
    size_t i = (size_t)(buf - v->bufs) / v->slot_bytes;
    if (!v->filled[i]) { /* filled once, when first used */
        ipcb_msg_fill(buf, c->msg_max);
        v->filled[i] = 1;
    }
    (void)len;
    return buf;
}

/* len bytes of buf into the pipe by reference; the pipe may take them in
 * parts, waiting for room */
static IPCB_HOT ssize_t splice_all(struct ipcb_chan *c, struct vms_chan *v,
                                   const unsigned char *buf, size_t len)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    while (iov.iov_len) {
        ssize_t n = vmsplice(v->io.wfd, &iov, 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ipcb_chan_errno(c, "vmsplice");
        iov.iov_base = (unsigned char *)iov.iov_base + n;
        iov.iov_len -= (size_t)n;
        v->pushed += (uint64_t)n;
    }
    return (ssize_t)len;
}

static IPCB_HOT ssize_t vms_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct vms_chan *v = c->priv;
    const unsigned char *b = buf;
    if (b >= v->bufs && b < v->bufs + (size_t)v->depth * v->slot_bytes) {
        ssize_t n = splice_all(c, v, b, len);
        v->end[(size_t)(b - v->bufs) / v->slot_bytes] = v->pushed;
        return n;
    }
    ssize_t n = ipcb_write_full(v->io.wfd, buf, len); /* the side's own buffer: copied */
    if (n > 0)
        v->pushed += (uint64_t)n;
    return n;
}

/* HOOK_LAG: message 0 stays in the pipe until message 1 is behind it */
static void lag_first(struct vms_chan *v, size_t len)
{
    int unread = 0;
    v->lagged = 1;
    while (ioctl(v->io.rfd, FIONREAD, &unread) == 0 && (size_t)unread < 2 * len) {
        struct timespec nap = {.tv_nsec = 100000};
        nanosleep(&nap, NULL);
    }
}

static IPCB_HOT ssize_t vms_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    struct vms_chan *v = c->priv;
    if (__builtin_expect(v->hook != HOOK_NONE && !v->lagged, 0))
        lag_first(v, len);
    return ipcb_read_full(v->io.rfd, buf, len);
}

/* into a buffer of the rotation, which pingpong's echo splices on */
static IPCB_HOT ssize_t vms_take(struct ipcb_chan *c, void **msg, size_t len)
{
    struct vms_chan *v = c->priv;
    unsigned char *buf = claim(v);
    *msg = buf;
    return vms_recv(c, buf, len);
}

static IPCB_HOT void vms_release(struct ipcb_chan *c, void *msg)
{
    (void)c, (void)msg; /* a read buffer was never spliced: free at once */
}

static void vms_opened(struct ipcb_chan *c)
{
    struct vms_chan *v = c->priv;
    for (int i = 0; i < 2; i++) {
        ipcb_close_fd(&v->to_consumer[i]);
        ipcb_close_fd(&v->to_producer[i]);
    }
}

static void vms_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct vms_chan *v = c->priv;
    (void)side;
    if (v->bufs)
        munmap(v->bufs, v->slot_bytes * v->depth);
    v->bufs = NULL;
    ipcb_close_fd(&v->io.rfd);
    ipcb_close_fd(&v->io.wfd);
}

static void vms_destroy(struct ipcb_chan *c)
{
    struct vms_chan *v = c->priv;
    if (!v)
        return;
    vms_opened(c);
    ipcb_close_fd(&v->io.rfd);
    ipcb_close_fd(&v->io.wfd);
    free(v);
    c->priv = NULL;
}

/* each side's rotation, at the pipe size asked for */
static uint64_t vms_memory(uint64_t size)
{
    size_t page = page_size();
    uint64_t slot = size ? (size + page - 1) / page * page : page;
    return 2 * (uint64_t)rotation(pipe_target(), size) * slot;
}

const struct ipcb_transport ipcb_vmsplice = {
    .name = "vmsplice",
    .summary = "zero-copy send: pages vmspliced into a pipe per direction, read out; pages "
               "reused only once read",
    .flags = IPCB_STREAM | IPCB_ZERO_COPY,
    .wait_default = "block",
    .create = vms_create, .open = vms_open, .opened = vms_opened, .send = vms_send,
    .recv = vms_recv, .close = vms_close, .destroy = vms_destroy, .memory = vms_memory,
    .loan = vms_loan, .take = vms_take, .release = vms_release,
};
