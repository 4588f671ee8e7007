/* The pair of shm rings, one per direction, that makes one duplex channel,
 * in one shared region whatever backs it: a POSIX shm object (shm.c), a
 * regular file (mmap.c), a System V segment (sysv_shm.c). Each of those
 * transports puts struct ipcb_shm_pair first in its c->priv, makes and maps
 * its memory, and hands it here; open, send, recv and close are then the
 * same for all of them. */
#ifndef IPCB_SHM_PAIR_H
#define IPCB_SHM_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "transports/shm_ring.h"

struct ipcb_shm_pair {
    void *base;            /* the whole region; NULL until mapped */
    size_t bytes;
    int rings_ready;       /* rings whose strategy's objects exist, to fini */
    /* [IPCB_PRODUCER]: producer->consumer, [IPCB_CONSUMER]: back */
    struct ipcb_shm_ring *ring[2];
    struct ipcb_shm_ring *tx, *rx; /* this side's, after open */
};

/* The bytes two rings of c->msg_max x --ring-slots take, checked against
 * what the strategy can count; 0 or -errno with c->err set. */
int ipcb_shm_pair_size(struct ipcb_chan *c, enum ipcb_shm_notify how, size_t *bytes);

/* what a channel's two rings of --ring-slots slots map for messages of
 * size bytes (transport.h's .memory), 0 when they could not be made */
uint64_t ipcb_shm_pair_memory(uint64_t size);

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

/* A ring transport's tables, one per notify strategy of shm_ring.h's list:
 * base_ (name_, "shm") waits on the list's own strategy, semaphores, and
 * each variant base_##_<id> (name_ "/<name>", "shm/futex") another way.
 * All have the operations named here, recv and close the pair's own, and
 * a create that calls create_(c, strategy); wait_opt_ (or NULL) is base_'s
 * own name for --wait (transport.h's wait_option). The registry lists the
 * variants with IPCB_VARIANT_ENTRIES_ring (transports/variants.h). */
#define IPCB_RING_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX)
#define IPCB_RING_TABLE_(var_, fn_, create_, how_, open_, opened_, send_, destroy_, opts_, ...) \
    static int fn_(struct ipcb_chan *c) { return create_(c, how_); }                           \
    const struct ipcb_transport var_ = {                                                      \
        .create = fn_, .open = open_, .opened = opened_, .send = send_,                       \
        .recv = ipcb_shm_pair_recv, .close = ipcb_shm_pair_close, .destroy = destroy_,        \
        .options = opts_, .memory = ipcb_shm_pair_memory, __VA_ARGS__};
#define IPCB_RING_OWN_(base_, name_, create_, open_, opened_, send_, destroy_, opts_, summary_, \
                       wait_opt_, e, id, str, what)                                           \
    IPCB_RING_TABLE_(base_, create_##_##id, create_, IPCB_NOTIFY_##e, open_, opened_, send_,  \
                     destroy_, opts_, .name = name_, .summary = summary_,                     \
                     .flags = IPCB_RING_FLAGS, .wait_default = str, .wait_option = wait_opt_)
#define IPCB_RING_VARIANT_(base_, name_, create_, open_, opened_, send_, destroy_, opts_,     \
                           e, id, str, what)                                                  \
    IPCB_RING_TABLE_(base_##_##id, create_##_##id, create_, IPCB_NOTIFY_##e, open_, opened_,  \
                     send_, destroy_, opts_, .name = name_ "/" str,                           \
                     .summary = name_ " rings, " what,                                        \
                     .flags = IPCB_RING_FLAGS | IPCB_VARIANT, .base = &base_)
#define IPCB_RING_TRANSPORTS(base_, name_, summary_, create_, open_, opened_, send_, destroy_, \
                             opts_, wait_opt_)                                                \
    IPCB_SHM_NOTIFY_OWN(IPCB_RING_OWN_, base_, name_, create_, open_, opened_, send_,         \
                        destroy_, opts_, summary_, wait_opt_)                                 \
    IPCB_SHM_NOTIFY_VARIANTS(IPCB_RING_VARIANT_, base_, name_, create_, open_, opened_,       \
                             send_, destroy_, opts_)

#endif
