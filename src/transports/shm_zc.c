/* shm-zc: zero-copy through loaned chunks of a pool in POSIX shared memory
 * (shm_zc.h says what the segment holds). The producer loans a chunk,
 * builds its message there and publishes the chunk's index; the consumer
 * checks the message where it lies and gives the chunk back (stream) or
 * passes it back as its answer (pingpong), and no byte of a message is
 * copied by the transport. The index rings are shm's (shm_ring.h), so each
 * of shm's notify strategies is a table here too: "shm-zc" waits on
 * process-shared semaphores, "shm-zc/<strategy>" another way. When the
 * pool is exhausted the producer waits, the strategy's way, for a chunk to
 * come back. This file makes, maps and removes the segment; the operations
 * on it are in shm_zc_ops.c. */
#include "transports/shm_zc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/message.h"
#include "transports/shm_pair.h"

/* ---- --zc-chunks ---- */

#define ZC_DEFAULT_CHUNKS 16u
#define ZC_DEFAULT_POOL (64ull << 20) /* the default keeps the producer's pool to this */
#define ZC_RING_MSG sizeof(struct zc_token)

static uint64_t zc_chunks_given; /* 0: not given */

static const struct ipcb_option opt_zc_chunks = {
    .name = "zc-chunks", .metavar = "N", .type = IPCB_OPT_COUNT, .min = 2, .max = ZC_MAX_CHUNKS,
    IPCB_OPT_INTO(zc_chunks_given),
    .help = "chunks in shm-zc's producer pool (without it: 16,\n"
            "fewer above 4 MiB so the pool stays within 64 MiB,\nat least 2)",
};

/* the producer's pool for messages of size bytes */
static uint32_t producer_chunks(uint64_t size)
{
    if (zc_chunks_given)
        return (uint32_t)zc_chunks_given;
    uint64_t fit = size ? ZC_DEFAULT_POOL / size : ZC_DEFAULT_CHUNKS;
    return fit >= ZC_DEFAULT_CHUNKS ? ZC_DEFAULT_CHUNKS : fit < 2 ? 2 : (uint32_t)fit;
}

/* ---- the segment's layout ---- */

struct zc_layout {
    uint32_t owned[2];
    size_t ring_off[4], states_off, pool_off, stride, bytes;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* chunks a cache-line pair apart at least (no false sharing between a chunk
 * being built and one being checked); from a page up, whole pages */
static size_t chunk_stride(uint64_t size)
{
    return size >= 4096 ? round_up((size_t)size, 4096) : round_up(size ? (size_t)size : 1, 128);
}

/* 0, or -EOVERFLOW when it does not fit in the address space */
static int layout(uint64_t size, struct zc_layout *l)
{
    *l = (struct zc_layout){.owned = {producer_chunks(size), ZC_ANSWER_CHUNKS}};
    uint32_t total = l->owned[0] + l->owned[1];
    const uint32_t slots[4] = {total, total, l->owned[0], l->owned[1]};
    size_t at = 0, pool;
    if (size > SIZE_MAX / 2)
        return -EOVERFLOW;
    for (int i = 0; i < 4; i++) {
        size_t ring = ipcb_shm_ring_bytes(ZC_RING_MSG, slots[i]);
        if (ring == 0)
            return -EOVERFLOW;
        l->ring_off[i] = at;
        at += ring; /* a multiple of 128: the next ring is aligned too */
    }
    l->states_off = at;
    l->pool_off = round_up(at + (size_t)total * ZC_STATE_BYTES, 4096);
    l->stride = chunk_stride(size);
    if (__builtin_mul_overflow(l->stride, (size_t)total, &pool) ||
        __builtin_add_overflow(pool, l->pool_off, &l->bytes))
        return -EOVERFLOW;
    return 0;
}

/* what one channel maps for messages of size bytes: pool, owner words, rings */
static uint64_t zc_memory(uint64_t size)
{
    struct zc_layout l;
    return layout(size, &l) == 0 ? l.bytes : UINT64_MAX;
}

/* ---- making and removing it ---- */

static void zc_fini_rings(struct zc_chan *p)
{
    while (p->rings_ready > 0)
        ipcb_shm_ring_fini(p->ring[--p->rings_ready]);
}

static void zc_destroy(struct ipcb_chan *c)
{
    struct zc_chan *p = c->priv;
    if (!p)
        return;
    /* both children are reaped by now: no one waits on the rings */
    zc_fini_rings(p);
    if (p->base)
        munmap(p->base, p->bytes);
    if (p->linked)
        shm_unlink(p->name); /* ENOENT: already gone, which is what we want */
    free(p);
    c->priv = NULL;
}

/* size the object, reserve every page (tmpfs would SIGBUS at the first
 * touch of one it cannot back) and map it */
static int map_segment(struct ipcb_chan *c, struct zc_chan *p, int fd)
{
    int err = ftruncate(fd, (off_t)p->bytes) == 0 ? 0 : errno;
    if (err == 0)
        err = posix_fallocate(fd, 0, (off_t)p->bytes);
    if (err != 0) {
        ipcb_chan_error(c, "/dev/shm cannot hold shm-zc's %zu bytes (%.1f MiB: %u + %u chunks "
                        "of %zu bytes): %s; make room in /dev/shm or lower --zc-chunks",
                        p->bytes, (double)p->bytes / (1024.0 * 1024.0), p->owned[0],
                        p->owned[1], p->stride, strerror(err));
        return -err;
    }
    void *base = mmap(NULL, p->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED)
        return ipcb_chan_errno(c, "mmap of shm-zc's segment");
    p->base = base; /* fork hands the mapping to both sides */
    return 0;
}

/* the rings laid out and their strategy's objects made; every owner word
 * "returned" in generation 0; every chunk the filler, once, so that a loan
 * holds it outside the stamps as the patterns' own buffers do */
static int init_segment(struct ipcb_chan *c, struct zc_chan *p, const struct zc_layout *l,
                        enum ipcb_shm_notify how)
{
    const uint32_t slots[4] = {p->total, p->total, p->owned[0], p->owned[1]};
    for (int i = 0; i < 4; i++) {
        const char *what;
        p->ring[i] = (struct ipcb_shm_ring *)((unsigned char *)p->base + l->ring_off[i]);
        int rc = ipcb_shm_ring_init(p->ring[i], ZC_RING_MSG, slots[i], how, &what);
        if (rc < 0) {
            ipcb_chan_error(c, "%s: %s", what, strerror(-rc));
            return rc;
        }
        p->rings_ready++;
    }
    p->states = (unsigned char *)p->base + l->states_off;
    p->pool = (unsigned char *)p->base + l->pool_off;
    for (uint32_t k = 0; k < p->total; k++) {
        atomic_init(zc_state(p, k), zc_word(0, ZC_RETURNED));
        ipcb_msg_fill(zc_chunk(p, k), c->msg_max);
    }
    return 0;
}

static int zc_create(struct ipcb_chan *c, enum ipcb_shm_notify how)
{
    struct zc_layout l;
    if (layout(c->msg_max, &l) < 0) {
        ipcb_chan_error(c, "a pool of %zu-byte chunks does not fit in memory", c->msg_max);
        return -EOVERFLOW;
    }
    if (l.owned[0] + l.owned[1] > ipcb_shm_notify_max_slots(how)) {
        ipcb_chan_error(c, "--zc-chunks %u is more than %s's wait can count (at most %u)",
                        l.owned[0], c->t->name, ipcb_shm_notify_max_slots(how) - 2);
        return -ERANGE;
    }
    struct zc_chan *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    c->priv = p;
    memcpy(p->owned, l.owned, sizeof p->owned);
    p->total = l.owned[0] + l.owned[1];
    p->bytes = l.bytes;
    p->stride = l.stride;
    ipcb_unique_name(p->name, sizeof p->name, "/");
    int err, fd = shm_open(p->name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        err = ipcb_chan_errno(c, "shm_open of shm-zc's segment");
    } else {
        p->linked = 1;
        err = map_segment(c, p, fd);
        close(fd); /* the mapping keeps the segment */
        if (err == 0)
            err = init_segment(c, p, &l, how);
    }
    if (err < 0)
        zc_destroy(c); /* leaves nothing behind, and a later destroy() is a no-op */
    return err;
}

/* the test hook's "zc-reuse:N" (the rest of IPCBENCH_INJECT is run/'s) */
static uint64_t reuse_at(void)
{
    const char *inject = getenv("IPCBENCH_INJECT");
    unsigned long long n;
    if (inject && sscanf(inject, "zc-reuse:%llu", &n) == 1)
        return n;
    return UINT64_MAX;
}

static int zc_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct zc_chan *p = c->priv;
    c->side = side;
    p->me = side;
    p->pending = 0;
    p->sent = 0;
    p->reuse_at = side == IPCB_PRODUCER ? reuse_at() : UINT64_MAX;
    /* this side's pool, the lowest chunk loaned first */
    uint32_t first = side == IPCB_PRODUCER ? 0 : p->owned[IPCB_PRODUCER];
    p->n_free = p->owned[side];
    for (uint32_t i = 0; i < p->n_free; i++)
        p->free_chunks[i] = first + p->n_free - 1 - i;
    return 0;
}

/* both sides hold the segment: the name can go, so that no run can leave
 * it behind from here on; and eventfd's descriptors, of which the children
 * have their own copies */
static void zc_opened(struct ipcb_chan *c)
{
    struct zc_chan *p = c->priv;
    if (p->linked) {
        shm_unlink(p->name);
        p->linked = 0;
    }
    if (p->rings_ready > 0 && ipcb_shm_ring_fini_at_open(p->ring[0]))
        zc_fini_rings(p);
}

/* the child keeps its mapping until it exits */
static void zc_close(struct ipcb_chan *c, enum ipcb_side side)
{
    (void)c;
    (void)side;
}

static const struct ipcb_option *const zc_options[] = {&opt_zc_chunks, NULL};

/* one table per notify strategy of shm_ring.h's list, as shm has: the
 * registry lists the variants with IPCB_VARIANT_ENTRIES_ring */
#define ZC_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX | IPCB_ZERO_COPY)
#define ZC_OPS .open = zc_open, .opened = zc_opened, .send = ipcb_zc_send,          \
    .recv = ipcb_zc_recv, .close = zc_close, .destroy = zc_destroy,                \
    .options = zc_options, .memory = zc_memory, .loan = ipcb_zc_loan,              \
    .take = ipcb_zc_take, .release = ipcb_zc_release
#define ZC_CREATE_(e, id) \
    static int zc_create_##id(struct ipcb_chan *c) { return zc_create(c, IPCB_NOTIFY_##e); }
#define ZC_OWN_(ctx, e, id, str, what)                                                      \
    ZC_CREATE_(e, id)                                                                       \
    const struct ipcb_transport ipcb_shm_zc = {                                             \
        .name = "shm-zc", .flags = ZC_FLAGS, .wait_default = str, .create = zc_create_##id, \
        .summary = "loaned chunks of a pool in POSIX shared memory, indices in rings, "     \
                   "no copy; --zc-chunks per producer pool (16, at most 64 MiB); " what,    \
        ZC_OPS};
#define ZC_VARIANT_(ctx, e, id, str, what)                                                  \
    ZC_CREATE_(e, id)                                                                       \
    const struct ipcb_transport ipcb_shm_zc_##id = {                                        \
        .name = "shm-zc/" str, .summary = "shm-zc's loaned chunks, " what,                  \
        .flags = ZC_FLAGS | IPCB_VARIANT, .base = &ipcb_shm_zc, .create = zc_create_##id,   \
        ZC_OPS};

IPCB_SHM_NOTIFY_OWN(ZC_OWN_, _)
IPCB_SHM_NOTIFY_VARIANTS(ZC_VARIANT_, _)
