/* shm-zc, the loaned-chunk transport: what its two files share. One POSIX
 * shm segment, mapped before fork, holds a pool of fixed-size chunks, an
 * owner word per chunk and four small rings of chunk indices (shm_ring.h,
 * so every notify strategy of shm waits here too):
 *   data[s]  the messages side s sends: a token naming a chunk and its length
 *   back[s]  chunks given back to side s's pool by the other side
 * Each side loans only from its own pool: the producer's holds --zc-chunks
 * chunks, the consumer's ZC_ANSWER_CHUNKS (for an answer it builds itself
 * instead of passing a taken message back). A chunk's owner word says who
 * holds it and in which generation, and every hand-over moves it with a
 * compare-and-swap, so a chunk reused before it was given back is caught
 * by the side that still holds it (or is about to take it), and named. */
#ifndef IPCB_SHM_ZC_H
#define IPCB_SHM_ZC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ipcbench/transport.h"
#include "transports/shm_ring.h"

#define ZC_MAX_CHUNKS 1024u      /* --zc-chunks' bound */
#define ZC_ANSWER_CHUNKS 2u      /* the consumer's own pool */
#define ZC_STATE_BYTES 64u       /* one owner word per cache line */

/* what a chunk's owner word holds below its generation: who has it */
enum zc_holder {
    ZC_RETURNED = 0,            /* in its owner's pool, or on its way there */
    ZC_LOANED = 1,              /* + side: loaned, the message being built */
    ZC_SENT = 3,                /* + side: published to that side, not yet taken */
    ZC_HELD = 5,                /* + side: taken by that side, being checked */
};

/* what data[] and back[] carry: one chunk, its generation, a length */
struct zc_token {
    uint32_t chunk;
    uint32_t gen;               /* the generation it was sent or given back in */
    uint64_t len;
};

struct zc_chan {
    void *base;                 /* the segment; NULL until mapped */
    size_t bytes;
    int rings_ready;            /* rings whose strategy's objects exist, to fini */
    struct ipcb_shm_ring *ring[4];      /* data[0], data[1], back[0], back[1] */
    unsigned char *states, *pool;
    size_t stride;              /* bytes from one chunk to the next */
    uint32_t owned[2];          /* chunks in each side's pool */
    uint32_t total;             /* owned[0] + owned[1]; side 0's come first */
    char name[64];              /* "/ipcbench-<pid>-<n>-<random>" */
    int linked;                 /* the name is still in /dev/shm */
    /* this side's own, after open (each child has its copy) */
    enum ipcb_side me;
    int pending;                /* a release's failure, for the next call: -errno */
    uint64_t sent;              /* messages sent, for the test hook */
    uint64_t reuse_at;          /* IPCBENCH_INJECT=zc-reuse:N, or UINT64_MAX */
    uint32_t last;              /* the chunk this side loaned or took last */
    uint32_t n_free;
    uint32_t free_chunks[ZC_MAX_CHUNKS];
};

static inline struct ipcb_shm_ring *zc_data(struct zc_chan *p, enum ipcb_side s)
{
    return p->ring[s];
}

static inline struct ipcb_shm_ring *zc_back(struct zc_chan *p, enum ipcb_side s)
{
    return p->ring[2 + s];
}

static inline _Atomic uint64_t *zc_state(struct zc_chan *p, uint32_t k)
{
    return (_Atomic uint64_t *)(void *)(p->states + (size_t)k * ZC_STATE_BYTES);
}

static inline unsigned char *zc_chunk(const struct zc_chan *p, uint32_t k)
{
    return p->pool + (size_t)k * p->stride;
}

static inline uint64_t zc_word(uint32_t gen, uint32_t holder)
{
    return (uint64_t)gen << 32 | holder;
}

/* the side whose pool chunk k is in */
static inline enum ipcb_side zc_owner(const struct zc_chan *p, uint32_t k)
{
    return k < p->owned[IPCB_PRODUCER] ? IPCB_PRODUCER : IPCB_CONSUMER;
}

/* shm_zc_ops.c: the operations on the pool */
void *ipcb_zc_loan(struct ipcb_chan *c, size_t len);
IPCB_HOT ssize_t ipcb_zc_send(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_zc_take(struct ipcb_chan *c, void **msg, size_t len);
void ipcb_zc_release(struct ipcb_chan *c, void *msg);
IPCB_HOT ssize_t ipcb_zc_recv(struct ipcb_chan *c, void *buf, size_t len);

#endif
