/* The pair of shm rings that makes a duplex channel (shm_pair.h). */
#include "transports/shm_pair.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "transports/shm_options.h"

int ipcb_shm_pair_size(struct ipcb_chan *c, enum ipcb_shm_notify how, size_t *bytes)
{
    unsigned slots = ipcb_ring_slots();
    if (slots > ipcb_shm_notify_max_slots(how)) {
        ipcb_chan_error(c, "--ring-slots %u is more than %s's wait can count (at most %u); "
                        "lower --ring-slots", slots, c->t->name,
                        ipcb_shm_notify_max_slots(how));
        return -ERANGE;
    }
    size_t one = ipcb_shm_ring_bytes(c->msg_max, slots);
    if (one == 0 || __builtin_mul_overflow(one, (size_t)2, bytes)) {
        ipcb_chan_error(c, "%u slots of %zu bytes do not fit in one segment",
                        slots, c->msg_max);
        return -EOVERFLOW;
    }
    return 0;
}

uint64_t ipcb_shm_pair_memory(uint64_t size)
{
    return size > SIZE_MAX ? 0 : 2 * (uint64_t)ipcb_shm_ring_bytes((size_t)size,
                                                                   ipcb_ring_slots());
}

void *ipcb_shm_pair_new(struct ipcb_chan *c, enum ipcb_shm_notify how, size_t priv_size,
                         int *err)
{
    size_t bytes;
    *err = ipcb_shm_pair_size(c, how, &bytes);
    struct ipcb_shm_pair *r = *err < 0 ? NULL : calloc(1, priv_size);
    if (r)
        r->bytes = bytes;
    else if (*err == 0)
        *err = -ENOMEM;
    c->priv = r;
    return r;
}

/* the region did not fit: say how much it needs and what the file system has */
static int no_space(struct ipcb_chan *c, size_t bytes, int fd, int err, const char *what,
                    const char *where)
{
    struct statvfs vfs;
    unsigned long long avail = 0;
    if (fstatvfs(fd, &vfs) == 0)
        avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    ipcb_chan_error(c,
        "%s: %s cannot hold the %zu bytes (%.1f MiB) of 2 rings x %u slots x %zu bytes "
        "(%llu bytes free): %s; make room in %s or lower --ring-slots",
        what, where, bytes, (double)bytes / (1024.0 * 1024.0), ipcb_ring_slots(), c->msg_max,
        avail, strerror(err), where);
    return -err;
}

int ipcb_shm_pair_map_fd(struct ipcb_chan *c, struct ipcb_shm_pair *r, int fd,
                          enum ipcb_shm_notify how, const char *where)
{
    int err;
    if (ftruncate(fd, (off_t)r->bytes) != 0) {
        err = errno;
        if (err == ENOSPC || err == ENOMEM || err == EFBIG)
            return no_space(c, r->bytes, fd, err, "ftruncate", where);
        ipcb_chan_error(c, "ftruncate to %zu bytes in %s: %s", r->bytes, where, strerror(err));
        return -err;
    }
    /* tmpfs takes any ftruncate and sends SIGBUS on the first touch of a page
     * it cannot back; reserving every page now turns that into ENOSPC here */
    err = posix_fallocate(fd, 0, (off_t)r->bytes);
    if (err != 0) {
        if (err == ENOSPC || err == ENOMEM || err == EFBIG)
            return no_space(c, r->bytes, fd, err, "fallocate", where);
        ipcb_chan_error(c, "fallocate %zu bytes in %s: %s", r->bytes, where, strerror(err));
        return -err;
    }
    void *base = mmap(NULL, r->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        err = errno;
        ipcb_chan_error(c, "mmap of %zu bytes: %s", r->bytes, strerror(err));
        return -err;
    }
    r->base = base; /* fork hands the mapping to both sides */
    return ipcb_shm_pair_init(c, r, how);
}

int ipcb_shm_pair_init(struct ipcb_chan *c, struct ipcb_shm_pair *r, enum ipcb_shm_notify how)
{
    size_t one = r->bytes / 2;
    for (int i = 0; i < 2; i++) {
        r->ring[i] = (struct ipcb_shm_ring *)((unsigned char *)r->base + (size_t)i * one);
        const char *what;
        int rc = ipcb_shm_ring_init(r->ring[i], c->msg_max, ipcb_ring_slots(), how,
                                    &what);
        if (rc < 0) {
            ipcb_chan_error(c, "%s: %s", what, strerror(-rc));
            return rc;
        }
        r->rings_ready++;
    }
    return 0;
}

void ipcb_shm_pair_opened(struct ipcb_shm_pair *r)
{
    if (r->rings_ready > 0 && ipcb_shm_ring_fini_at_open(r->ring[0]))
        ipcb_shm_pair_fini(r);
}

void ipcb_shm_pair_fini(struct ipcb_shm_pair *r)
{
    while (r->rings_ready > 0)
        ipcb_shm_ring_fini(r->ring[--r->rings_ready]);
}

void ipcb_shm_pair_unmap(struct ipcb_shm_pair *r)
{
    ipcb_shm_pair_fini(r);
    if (r->base)
        munmap(r->base, r->bytes);
    r->base = NULL;
}

int ipcb_shm_pair_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_shm_pair *r = c->priv;
    c->side = side;
    r->tx = r->ring[side];
    r->rx = r->ring[side == IPCB_PRODUCER ? IPCB_CONSUMER : IPCB_PRODUCER];
    return 0;
}

/* what a failed put or get means, said once for every ring transport: the
 * monitor's robust mutex reports a side that died holding it, the sleeping
 * waits (condvar, signal) a side that is gone */
ssize_t ipcb_shm_pair_error(struct ipcb_chan *c, ssize_t n, size_t len)
{
    const char *other = c->side == IPCB_PRODUCER ? "consumer" : "producer";
    if (n == -EMSGSIZE)
        ipcb_chan_error(c, "a %zu-byte message does not fit a %zu-byte slot", len, c->msg_max);
    else if (n == -EOWNERDEAD)
        ipcb_chan_error(c, "the %s side died holding the ring's mutex", other);
    else if (n == -EPIPE)
        ipcb_chan_error(c, "the %s side is gone", other);
    return n;
}

/* the child keeps its mapping until it exits; nothing to give back here */
void ipcb_shm_pair_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_shm_pair *r = c->priv;
    (void)side;
    r->tx = r->rx = NULL;
}
