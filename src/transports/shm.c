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
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/shm_options.h"
#include "transports/shm_pair.h"

struct shm_chan {
    struct ipcb_shm_pair r; /* first: the shared ring operations find it */
    char name[64];         /* "/ipcbench-<pid>-<n>-<random>" */
    int linked;            /* the name is still in /dev/shm */
};

static void shm_destroy(struct ipcb_chan *c);

static int shm_create(struct ipcb_chan *c, enum ipcb_shm_notify notify)
{
    int err;
    struct shm_chan *p = ipcb_shm_pair_new(c, notify, sizeof *p, &err);
    if (!p)
        return err;
    ipcb_unique_name(p->name, sizeof p->name, "/");

    int fd = shm_open(p->name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0) {
        err = -errno;
        ipcb_chan_error(c, "shm_open %s: %s", p->name, strerror(-err));
    } else {
        p->linked = 1;
        err = ipcb_shm_pair_map_fd(c, &p->r, fd, notify, "/dev/shm");
        close(fd); /* the mapping keeps the segment */
    }
    if (err < 0)
        shm_destroy(c); /* leaves nothing behind, and a later destroy() is a no-op */
    return err;
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
    ipcb_shm_pair_opened(&p->r);
}

static void shm_destroy(struct ipcb_chan *c)
{
    struct shm_chan *p = c->priv;
    if (!p)
        return;
    /* both children are reaped by now: no one waits on the rings */
    ipcb_shm_pair_unmap(&p->r);
    if (p->linked)
        shm_unlink(p->name); /* ENOENT: already gone, which is what we want */
    free(p);
    c->priv = NULL;
}

/* no .limit: only memory bounds it, and create() says so when /dev/shm is too small */
static const struct ipcb_option *const shm_options[] = {
    &ipcb_opt_ring_slots, &ipcb_opt_notify, NULL,
};

/* one table per notify strategy, as mmap has: "shm" waits on POSIX
 * semaphores, each variant "shm/<strategy>" another way (-t shm --wait ...) */
IPCB_RING_TRANSPORTS(ipcb_shm, "shm",
                     "POSIX shared memory ring buffers, process-shared semaphores",
                     shm_create, ipcb_shm_pair_open, shm_opened, ipcb_shm_pair_send,
                     shm_destroy, shm_options,
                     &ipcb_opt_notify)
