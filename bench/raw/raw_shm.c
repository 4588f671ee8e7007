/* Raw ping-pong over the shm transport's mechanism: one shm_open segment
 * holding two of ipcbench's rings (src/transports/shm_ring.c and
 * shm_notify.c, linked as they are: the ring and its POSIX semaphores, the
 * plain "shm" transport's way to wait, are the mechanism), 16 slots of SIZE
 * bytes, put and get called directly instead of through the transport table. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

#include "raw_common.h"
#include "transports/shm_ring.h"

#define RING_SLOTS 16 /* ipcbench's default --ring-slots */

static struct ipcb_shm_ring *ring[2]; /* [0]: to the consumer, [1]: to the producer */
static struct ipcb_shm_ring *tx, *rx;

static int setup(const struct raw_run *r)
{
    size_t one = ipcb_shm_ring_bytes(r->size, RING_SLOTS);
    char name[64];
    snprintf(name, sizeof name, "/raw_shm-%ld", (long)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0)
        return raw_fail("shm_open");
    shm_unlink(name); /* the mapping, inherited by fork, keeps it */
    int err = one == 0 ? EINVAL
            : ftruncate(fd, (off_t)(2 * one)) != 0 ? errno
            : posix_fallocate(fd, 0, (off_t)(2 * one));
    if (err != 0) {
        close(fd);
        errno = err;
        return raw_fail("sizing the segment in /dev/shm");
    }
    unsigned char *base = mmap(NULL, 2 * one, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED)
        return raw_fail("mmap");
    for (int i = 0; i < 2; i++) {
        ring[i] = (struct ipcb_shm_ring *)(base + (size_t)i * one);
        const char *what = "sem_init";
        if (ipcb_shm_ring_init(ring[i], r->size, RING_SLOTS, IPCB_NOTIFY_SEM, &what) != 0)
            return raw_fail(what);
    }
    return 0;
}

static int open_side(const struct raw_run *r, int side)
{
    (void)r;
    tx = ring[side];
    rx = ring[!side];
    return 0;
}

static int producer(const struct raw_run *r)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++) {
        uint64_t t0 = raw_now_ns();
        if (ipcb_shm_ring_put(tx, r->sbuf, r->size) != (ssize_t)r->size ||
            ipcb_shm_ring_get(rx, r->rbuf, r->size) != (ssize_t)r->size)
            return raw_fail("round trip");
        raw_record(r, i, raw_now_ns() - t0);
    }
    return 0;
}

static int consumer(const struct raw_run *r)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++)
        if (ipcb_shm_ring_get(rx, r->rbuf, r->size) != (ssize_t)r->size ||
            ipcb_shm_ring_put(tx, r->rbuf, r->size) != (ssize_t)r->size)
            return raw_fail("echo");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct raw_mechanism shm_mech = {
        .name = "shm", .setup = setup, .open = open_side,
        .producer = producer, .consumer = consumer,
    };
    return raw_main(argc, argv, &shm_mech);
}
