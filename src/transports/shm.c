/* POSIX shared memory: one shm_open segment, mapped in the parent and
 * inherited by both children through fork, holding two bounded rings
 * (producer->consumer and consumer->producer). Every message is copied in
 * and out. How a side waits for the other is the notify strategy: one
 * transport table per strategy, "shm" (process-shared POSIX semaphores in
 * the segment) and the variants "shm/<strategy>" that --wait selects. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/shm_options.h"
#include "transports/shm_ring.h"

struct shm_chan {
    char name[64];         /* "/ipcbench-<pid>-<n>-<random>" */
    int linked;            /* the name is still in /dev/shm */
    void *base;            /* the whole segment; NULL until mapped */
    size_t bytes;
    int rings_ready;       /* rings whose strategy's objects exist, to fini */
    struct ipcb_shm_ring *ring[2]; /* [IPCB_PRODUCER]: producer->consumer, [IPCB_CONSUMER]: back */
    struct ipcb_shm_ring *tx, *rx; /* this side's, after open */
};

static void shm_destroy(struct ipcb_chan *c);

/* the segment did not fit: say how much it needs and what /dev/shm has */
static int no_space(struct ipcb_chan *c, int fd, int err, const char *what)
{
    struct shm_chan *p = c->priv;
    struct statvfs vfs;
    unsigned long long avail = 0;
    if (fstatvfs(fd, &vfs) == 0)
        avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    ipcb_chan_error(c,
        "%s: /dev/shm cannot hold the %zu bytes (%.1f MiB) of 2 rings x %u slots x %zu bytes "
        "(%llu bytes free): %s; enlarge /dev/shm or lower --ring-slots",
        what, p->bytes, (double)p->bytes / (1024.0 * 1024.0), c->ring_slots, c->msg_max,
        avail, strerror(err));
    return -err;
}

static int shm_create(struct ipcb_chan *c, enum ipcb_shm_notify notify)
{
    if (c->ring_slots == 0)
        c->ring_slots = ipcb_ring_slots();
    if (c->ring_slots > ipcb_shm_notify_max_slots(notify)) {
        ipcb_chan_error(c, "--ring-slots %u is more than %s's wait can count (at most %u); "
                        "lower --ring-slots", c->ring_slots, c->t->name,
                        ipcb_shm_notify_max_slots(notify));
        return -ERANGE;
    }
    size_t one = ipcb_shm_ring_bytes(c->msg_max, c->ring_slots), bytes;
    if (one == 0 || __builtin_mul_overflow(one, (size_t)2, &bytes)) {
        ipcb_chan_error(c, "%u slots of %zu bytes do not fit in one segment",
                        c->ring_slots, c->msg_max);
        return -EOVERFLOW;
    }
    struct shm_chan *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    c->priv = p;
    p->bytes = bytes;
    ipcb_unique_name(p->name, sizeof p->name, "/");

    int err, fd = shm_open(p->name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        err = errno;
        ipcb_chan_error(c, "shm_open %s: %s", p->name, strerror(err));
        goto fail;
    }
    p->linked = 1;
    if (ftruncate(fd, (off_t)bytes) != 0) {
        err = errno;
        if (err == ENOSPC || err == ENOMEM || err == EFBIG)
            no_space(c, fd, err, "ftruncate");
        else
            ipcb_chan_error(c, "ftruncate %s to %zu bytes: %s", p->name, bytes, strerror(err));
        goto fail_fd;
    }
    /* tmpfs takes any ftruncate and sends SIGBUS on the first touch of a page
     * it cannot back; reserving every page now turns that into ENOSPC here */
    err = posix_fallocate(fd, 0, (off_t)bytes);
    if (err != 0) {
        if (err == ENOSPC || err == ENOMEM || err == EFBIG)
            no_space(c, fd, err, "fallocate");
        else
            ipcb_chan_error(c, "fallocate %s, %zu bytes: %s", p->name, bytes, strerror(err));
        goto fail_fd;
    }
    void *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    err = errno;
    close(fd); /* the mapping keeps the segment; fork hands it to both sides */
    if (base == MAP_FAILED) {
        ipcb_chan_error(c, "mmap of %zu bytes: %s", bytes, strerror(err));
        goto fail;
    }
    p->base = base;
    for (int i = 0; i < 2; i++) {
        p->ring[i] = (struct ipcb_shm_ring *)((unsigned char *)base + (size_t)i * one);
        const char *what;
        int rc = ipcb_shm_ring_init(p->ring[i], c->msg_max, c->ring_slots, notify, &what);
        if (rc < 0) {
            err = -rc;
            ipcb_chan_error(c, "%s: %s", what, strerror(err));
            goto fail;
        }
        p->rings_ready++;
    }
    return 0;

fail_fd:
    close(fd);
fail:
    shm_destroy(c); /* leaves nothing behind, and a later destroy() is a no-op */
    return -err;
}

static int shm_open_side(struct ipcb_chan *c, enum ipcb_side side)
{
    struct shm_chan *p = c->priv;
    c->side = side;
    p->tx = p->ring[side];
    p->rx = p->ring[side == IPCB_PRODUCER ? IPCB_CONSUMER : IPCB_PRODUCER];
    return 0;
}

static IPCB_HOT ssize_t shm_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    ssize_t n = ipcb_shm_ring_put(((struct shm_chan *)c->priv)->tx, buf, len);
    if (n == -EMSGSIZE)
        ipcb_chan_error(c, "a %zu-byte message does not fit a %zu-byte slot", len, c->msg_max);
    return n;
}

static IPCB_HOT ssize_t shm_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_shm_ring_get(((struct shm_chan *)c->priv)->rx, buf, len);
}

/* the child keeps its mapping until it exits; nothing to give back here */
static void shm_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct shm_chan *p = c->priv;
    (void)side;
    p->tx = p->rx = NULL;
}

/* both sides have the segment mapped: the name can go, so that no run can
 * leave it behind from here on; and a strategy whose children hold their
 * own copies (eventfd descriptors) lets the parent's go too */
static void shm_opened(struct ipcb_chan *c)
{
    struct shm_chan *p = c->priv;
    if (p->linked) {
        shm_unlink(p->name);
        p->linked = 0;
    }
    if (p->rings_ready > 0 && ipcb_shm_ring_fini_at_open(p->ring[0]))
        while (p->rings_ready > 0)
            ipcb_shm_ring_fini(p->ring[--p->rings_ready]);
}

static void shm_destroy(struct ipcb_chan *c)
{
    struct shm_chan *p = c->priv;
    if (!p)
        return;
    /* both children are reaped by now: no one waits on the rings */
    while (p->rings_ready > 0)
        ipcb_shm_ring_fini(p->ring[--p->rings_ready]);
    if (p->base)
        munmap(p->base, p->bytes);
    if (p->linked)
        shm_unlink(p->name); /* ENOENT: already gone, which is what we want */
    free(p);
    c->priv = NULL;
}

static int create_sem(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_SEM); }
static int create_sysv_sem(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_SYSV_SEM); }
static int create_futex(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_FUTEX); }
static int create_eventfd(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_EVENTFD); }
static int create_spin(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_SPIN); }

/* no .limit: only memory bounds it, and create() says so when /dev/shm is too small */
static const struct ipcb_option *const shm_options[] = {
    &ipcb_opt_ring_slots, &ipcb_opt_notify, NULL,
};

#define SHM_OPS .open = shm_open_side, .opened = shm_opened, .send = shm_send, \
    .recv = shm_recv, .close = shm_close, .destroy = shm_destroy, .options = shm_options

const struct ipcb_transport ipcb_shm = {
    .name = "shm",
    .summary = "POSIX shared memory ring buffers, process-shared semaphores",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX, .wait_default = "sem",
    .create = create_sem, SHM_OPS,
};

/* the variants: the same rings, another way to wait (-t shm --wait ...) */
const struct ipcb_transport ipcb_shm_sysv_sem = {
    .name = "shm/sysv-sem",
    .summary = "shm rings, waits on a System V semaphore set (semop)",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_VARIANT, .base = &ipcb_shm,
    .create = create_sysv_sem, SHM_OPS,
};

const struct ipcb_transport ipcb_shm_futex = {
    .name = "shm/futex",
    .summary = "shm rings, futex wait/wake only when the other side sleeps",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_VARIANT, .base = &ipcb_shm,
    .create = create_futex, SHM_OPS,
};

const struct ipcb_transport ipcb_shm_eventfd = {
    .name = "shm/eventfd",
    .summary = "shm rings, waits on eventfds in semaphore mode",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_VARIANT, .base = &ipcb_shm,
    .create = create_eventfd, SHM_OPS,
};

const struct ipcb_transport ipcb_shm_spin = {
    .name = "shm/spin",
    .summary = "shm rings, lock-free, busy-polling each slot's sequence number",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_VARIANT, .base = &ipcb_shm,
    .create = create_spin, SHM_OPS,
};

static int create_condvar(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_CONDVAR); }
static int create_signal(struct ipcb_chan *c) { return shm_create(c, IPCB_NOTIFY_SIGNAL); }

/* the monitor's send and receive: shm's, and a robust mutex's EOWNERDEAD
 * said as what it means */
static int condvar_owner_dead(struct ipcb_chan *c, ssize_t n)
{
    if (n == -EOWNERDEAD)
        ipcb_chan_error(c, "the %s side died holding the ring's mutex",
                        c->side == IPCB_PRODUCER ? "consumer" : "producer");
    else if (n == -EPIPE)
        ipcb_chan_error(c, "the %s side is gone",
                        c->side == IPCB_PRODUCER ? "consumer" : "producer");
    return (int)n;
}

static ssize_t condvar_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    ssize_t n = shm_send(c, buf, len);
    return n < 0 ? condvar_owner_dead(c, n) : n;
}

static ssize_t condvar_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    ssize_t n = shm_recv(c, buf, len);
    return n < 0 ? condvar_owner_dead(c, n) : n;
}

const struct ipcb_transport ipcb_shm_condvar = {
    .name = "shm/condvar",
    .summary = "shm rings as a monitor: robust shared mutex, two condition variables",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_VARIANT, .base = &ipcb_shm,
    .create = create_condvar, .open = shm_open_side, .opened = shm_opened,
    .send = condvar_send, .recv = condvar_recv, .close = shm_close,
    .destroy = shm_destroy, .options = shm_options,
};

const struct ipcb_transport ipcb_shm_signal = {
    .name = "shm/signal",
    .summary = "shm rings, a realtime signal (sigqueue) wakes a side in sigtimedwait",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_VARIANT, .base = &ipcb_shm,
    .create = create_signal, SHM_OPS,
};
