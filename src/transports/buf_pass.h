/* What the buffer-passing transports share (memfd, memfd-pool, cma): an
 * anonymous AF_UNIX seqpacket pair made in the parent, one record per
 * message (with descriptors, SCM_RIGHTS, when a memfd travels), and the
 * pool of buffers named by slot that memfd-pool and cma both keep.
 *
 * The pool: each side owns n slots of slot_bytes, one contiguous mapping
 * (mine). A slot is free, held by its side (loaned, or a message taken
 * into it), or lent to the peer (sent, not yet given back). A sent slot
 * comes back as a FREE record once the peer is done with it, or as a BACK
 * record when the peer passes the message itself back (pingpong's echo of
 * memfd-pool). A loan waits for a FREE record when every slot is out: the
 * producer never writes into a slot the peer may still read. */
#ifndef IPCB_BUF_PASS_H
#define IPCB_BUF_PASS_H

#include <stdint.h>
#include <sys/types.h>

#include "ipcbench/transport.h"

#define IPCB_POOL_MAX 32u  /* slots per side, at most */
#define IPCB_REC_FDS 32u   /* descriptors one record carries, at most */

enum ipcb_rec_kind {
    IPCB_REC_MSG = 1,   /* a message of len bytes in the sender's slot (at addr there) */
    IPCB_REC_BACK,      /* a message in the receiver's own slot, passed back */
    IPCB_REC_FREE,      /* the receiver's slot is free again */
    IPCB_REC_HELLO,     /* open: the sender's pid in addr, its pool's descriptors */
};

struct ipcb_rec {
    uint32_t kind, slot;
    uint64_t len, addr;
};

struct ipcb_buf_sock {
    int pair[2];  /* [IPCB_PRODUCER] is the producer's end; -1 once given away */
    int sock;     /* this side's end, after open */
};

/* parent: the pair, close-on-exec; 0 or -errno with c->err */
int ipcb_buf_sock_create(struct ipcb_chan *c, struct ipcb_buf_sock *s);
/* child: keep this side's end, close the other's */
void ipcb_buf_sock_open(struct ipcb_buf_sock *s, enum ipcb_side side);
/* child, at close: the end shut for writing, then what the peer still
 * sends read and dropped until it closes too. A socket closed with records
 * unread would reset the peer's, which then loses the messages still
 * queued for it (AF_UNIX reports the reset before them). */
void ipcb_buf_sock_finish(struct ipcb_buf_sock *s);
/* every descriptor still open */
void ipcb_buf_sock_close(struct ipcb_buf_sock *s);

/* one record, with nfds descriptors; 0 or -errno with c->err */
IPCB_HOT int ipcb_rec_send(struct ipcb_chan *c, int sock, const struct ipcb_rec *r,
                           const int *fds, unsigned nfds);
/* the next record and the descriptors that came with it (at most
 * IPCB_REC_FDS, how many in *nfds; fds may be NULL when none may come):
 * 1, 0 at end of file, or -errno with c->err */
IPCB_HOT int ipcb_rec_recv(struct ipcb_chan *c, int sock, struct ipcb_rec *r, int *fds,
                           unsigned *nfds);

struct ipcb_pool;
/* a MSG record from the peer made into the message this side now holds:
 * its bytes in place (memfd-pool) or copied into a slot of this side's
 * (cma); NULL with c->err on failure */
typedef unsigned char *(*ipcb_pool_fetch)(struct ipcb_chan *c, struct ipcb_pool *p,
                                          const struct ipcb_rec *r);

struct ipcb_pool {
    struct ipcb_buf_sock s;
    unsigned n;              /* slots per side */
    size_t slot_bytes;       /* a multiple of the page size */
    unsigned char *mine;     /* n slots of this side's */
    unsigned char *theirs;   /* the peer's n slots mapped here, or NULL (cma) */
    ipcb_pool_fetch fetch;
    unsigned char lent[IPCB_POOL_MAX];    /* mine's slot is with the peer */
    unsigned char filled[IPCB_POOL_MAX];  /* it holds the filler (ipcb_msg_fill) */
    unsigned free_slot[IPCB_POOL_MAX], n_free;
    /* messages that arrived while a loan waited for a free slot */
    struct ipcb_rec pending[2 * IPCB_POOL_MAX + 2];
    unsigned pending_head, pending_count;
};

/* slots per side for messages of size bytes: 16, fewer from 4 MiB up so
 * a pool stays within 64 MiB, never fewer than 2 */
unsigned ipcb_pool_slots(uint64_t size);
/* the page-rounded bytes of one slot for messages of size bytes */
size_t ipcb_pool_slot_bytes(uint64_t size);

/* child, after open: n slots free, none filled, nothing pending */
void ipcb_pool_reset(struct ipcb_pool *p);
/* a free slot of this side's, waiting for one to come back; NULL with c->err */
IPCB_HOT unsigned char *ipcb_pool_claim(struct ipcb_chan *c, struct ipcb_pool *p);
/* the table's operations over c->priv, which starts with struct ipcb_pool */
IPCB_HOT void *ipcb_pool_loan(struct ipcb_chan *c, size_t len);
IPCB_HOT ssize_t ipcb_pool_send(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_pool_take(struct ipcb_chan *c, void **msg, size_t len);
IPCB_HOT void ipcb_pool_release(struct ipcb_chan *c, void *msg);
/* what a channel maps (the table's .memory): the two sides' pools */
uint64_t ipcb_pool_memory(uint64_t size);

#endif
