/* The pair of shm rings, one per direction, that makes one duplex channel,
 * in one shared region whatever backs it: a POSIX shm object (shm.c), a
 * regular file (mmap.c), a System V segment (sysv_shm.c). Each of those
 * transports puts struct ipcb_shm_pair first in its c->priv, makes and maps
 * its memory, and hands it here; open, send, recv and close are then the
 * same for all of them. */
#ifndef IPCB_SHM_PAIR_H
#define IPCB_SHM_PAIR_H

#include <stddef.h>

#include "transports/shm_ring.h"

struct ipcb_shm_pair {
    void *base;            /* the whole region; NULL until mapped */
    size_t bytes;
    int rings_ready;       /* rings whose strategy's objects exist, to fini */
    /* [IPCB_PRODUCER]: producer->consumer, [IPCB_CONSUMER]: back */
    struct ipcb_shm_ring *ring[2];
    struct ipcb_shm_ring *tx, *rx; /* this side's, after open */
};

/* The bytes two rings of c->msg_max x c->ring_slots take (c->ring_slots
 * becomes --ring-slots when 0), checked against what the strategy can
 * count; 0 or -errno with c->err set. */
int ipcb_shm_pair_size(struct ipcb_chan *c, enum ipcb_shm_notify how, size_t *bytes);

/* A transport's c->priv of priv_size bytes, zeroed, starting with the
 * rings, whose bytes ipcb_shm_pair_size has set; NULL with *err (-errno,
 * c->err set) when they do not fit or there is no memory. */
void *ipcb_shm_pair_new(struct ipcb_chan *c, enum ipcb_shm_notify how, size_t priv_size,
                         int *err);

/* Size the descriptor to r->bytes, reserve every block (a sparse file or a
 * tmpfs page that cannot be backed would be SIGBUS at first touch), map it
 * shared into r->base and lay the rings out. where names the file system
 * for errors ("/dev/shm"). 0 or -errno with c->err set; what was mapped is
 * left for ipcb_shm_pair_release. The caller keeps and closes fd. */
int ipcb_shm_pair_map_fd(struct ipcb_chan *c, struct ipcb_shm_pair *r, int fd,
                          enum ipcb_shm_notify how, const char *where);

/* Lay both rings out at r->base (r->bytes long) and make what the strategy
 * waits on; 0 or -errno with c->err set. */
int ipcb_shm_pair_init(struct ipcb_chan *c, struct ipcb_shm_pair *r, enum ipcb_shm_notify how);

/* parent, once both sides hold the rings: release what the strategy lets go
 * then (eventfd: the children have their own descriptors) */
void ipcb_shm_pair_opened(struct ipcb_shm_pair *r);

/* parent, every path: fini the rings that were made; the caller unmaps */
void ipcb_shm_pair_fini(struct ipcb_shm_pair *r);

/* the same, then munmap what ipcb_shm_pair_map_fd mapped */
void ipcb_shm_pair_unmap(struct ipcb_shm_pair *r);

/* the operations every ring transport shares; c->priv starts with the rings.
 * send and recv are in shm_ring.c, where the ring's put and get inline into
 * them; a failure's sentence comes from ipcb_shm_pair_error */
int ipcb_shm_pair_open(struct ipcb_chan *c, enum ipcb_side side);
IPCB_HOT ssize_t ipcb_shm_pair_send(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_shm_pair_recv(struct ipcb_chan *c, void *buf, size_t len);
void ipcb_shm_pair_close(struct ipcb_chan *c, enum ipcb_side side);
ssize_t ipcb_shm_pair_error(struct ipcb_chan *c, ssize_t n, size_t len);

#endif
