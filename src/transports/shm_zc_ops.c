/* shm-zc's operations (shm_zc.h): loan a chunk, publish it, take it in
 * place, give it back; and send and recv with a copy for the patterns that
 * bring their own buffers. Every hand-over of a chunk is a compare-and-swap
 * of its owner word from what the side must see to what it leaves, so two
 * sides can never both think they hold it: whoever loses the race (a chunk
 * reused too early) fails and names the chunk. */
#include "transports/shm_zc.h"

#include <errno.h>
#include <string.h>

#include "transports/shm_pair.h"

static const char *role(enum ipcb_side s)
{
    return s == IPCB_PRODUCER ? "producer" : "consumer";
}

static enum ipcb_side other(enum ipcb_side s)
{
    return s == IPCB_PRODUCER ? IPCB_CONSUMER : IPCB_PRODUCER;
}

/* chunk k's owner word was not what this side expected (seen): say what
 * happened, in the words a reader of the failed row needs */
static int owner_wrong(struct ipcb_chan *c, uint32_t k, uint64_t expected, uint64_t seen)
{
    struct zc_chan *p = c->priv;
    uint32_t holder = (uint32_t)seen;
    if ((seen >> 32) != (expected >> 32) || holder == ZC_LOANED + other(p->me) ||
        holder == ZC_RETURNED)
        ipcb_chan_error(c, "chunk %u was reused before the %s gave it back", k, role(p->me));
    else
        ipcb_chan_error(c, "chunk %u: its owner word says %#llx where the %s expected %#llx",
                        k, (unsigned long long)seen, role(p->me),
                        (unsigned long long)expected);
    return -EPROTO;
}

/* the chunk buf is the start of, when it is one: most often the one this
 * side loaned or took last, known without a division */
static inline int chunk_of(const struct zc_chan *p, const void *buf, uint32_t *k)
{
    if (buf == zc_chunk(p, p->last)) {
        *k = p->last;
        return 1;
    }
    uintptr_t at = (uintptr_t)buf, pool = (uintptr_t)p->pool;
    if (at < pool)
        return 0;
    uintptr_t off = at - pool;
    if (off % p->stride != 0 || off / p->stride >= p->total)
        return 0;
    *k = (uint32_t)(off / p->stride);
    return 1;
}

/* a ring's failure, in the ring transports' words */
static int ring_failed(struct ipcb_chan *c, ssize_t n)
{
    ipcb_shm_pair_error(c, n, sizeof(struct zc_token));
    if (!c->err[0])
        ipcb_chan_error(c, "shm-zc's index ring: %s", strerror((int)-n));
    return (int)n;
}

/* The next free chunk of this side's pool: one never used or given back
 * here, else the next the other side gives back (waiting for it, the
 * strategy's way, while the pool is exhausted). It must be in this pool
 * and back in it; a chunk the other side still holds is never handed out. */
static int next_free(struct ipcb_chan *c, uint32_t *k)
{
    struct zc_chan *p = c->priv;
    if (p->n_free > 0) {
        *k = p->free_chunks[--p->n_free];
        return 0;
    }
    struct zc_token tok;
    ssize_t n = ipcb_shm_ring_get(zc_back(p, p->me), &tok, sizeof tok);
    if (n < 0)
        return ring_failed(c, n);
    if (n != (ssize_t)sizeof tok || tok.chunk >= p->total || zc_owner(p, tok.chunk) != p->me) {
        ipcb_chan_error(c, "the %s was given back chunk %u, which is not in its pool",
                        role(p->me), tok.chunk);
        return -EPROTO;
    }
    *k = tok.chunk;
    return 0;
}

IPCB_HOT void *ipcb_zc_loan(struct ipcb_chan *c, size_t len)
{
    struct zc_chan *p = c->priv;
    uint32_t k = 0;
    if (p->pending < 0)
        return NULL;
    if (len > c->msg_max) {
        ipcb_chan_error(c, "a %zu-byte message does not fit a %zu-byte chunk", len, c->msg_max);
        return NULL;
    }
    if (next_free(c, &k) < 0)
        return NULL;
    _Atomic uint64_t *w = zc_state(p, k);
    uint64_t seen = atomic_load_explicit(w, memory_order_acquire);
    if ((uint32_t)seen != ZC_RETURNED) {
        ipcb_chan_error(c, "chunk %u is in the %s's pool but its owner word says %#llx",
                        k, role(p->me), (unsigned long long)seen);
        return NULL;
    }
    /* a new generation: a token of the last one no longer names it */
    atomic_store_explicit(w, zc_word((uint32_t)(seen >> 32) + 1, ZC_LOANED + p->me),
                          memory_order_relaxed);
    p->last = k;
    return zc_chunk(p, k);
}

/* Test hook (IPCBENCH_INJECT=zc-reuse:N): the producer reuses the chunk of
 * its message N at once, as if it had been given back already: it loans it
 * again in a new generation and starts its next message there, before the
 * token of message N is even published. The consumer must catch it. */
static void reuse_too_early(struct zc_chan *p, uint32_t k, uint32_t gen)
{
    atomic_store_explicit(zc_state(p, k), zc_word(gen + 1, ZC_LOANED + p->me),
                          memory_order_release);
    memset(zc_chunk(p, k), 0x5a, p->stride < 8 ? p->stride : 8);
}

/* Publish chunk k (this side's loan, or a message it took and passes on)
 * to the other side: its owner word from loaned or held by this side to
 * sent to the other, then its token into data[me]. */
static inline ssize_t publish(struct ipcb_chan *c, uint32_t k, size_t len)
{
    struct zc_chan *p = c->priv;
    _Atomic uint64_t *w = zc_state(p, k);
    uint64_t seen = atomic_load_explicit(w, memory_order_relaxed);
    uint32_t gen = (uint32_t)(seen >> 32), holder = (uint32_t)seen;
    if (holder != ZC_LOANED + p->me && holder != ZC_HELD + p->me)
        return owner_wrong(c, k, zc_word(gen, ZC_HELD + p->me), seen);
    /* release: the message's bytes before the word that hands them over */
    if (!atomic_compare_exchange_strong_explicit(w, &seen, zc_word(gen, ZC_SENT + other(p->me)),
                                                 memory_order_release, memory_order_relaxed))
        return owner_wrong(c, k, zc_word(gen, holder), seen);
    if (__builtin_expect(p->sent++ == p->reuse_at, 0))
        reuse_too_early(p, k, gen);
    const struct zc_token tok = {.chunk = k, .gen = gen, .len = len};
    ssize_t n = ipcb_shm_ring_put(zc_data(p, p->me), &tok, sizeof tok);
    return n < 0 ? ring_failed(c, n) : (ssize_t)len;
}

IPCB_HOT ssize_t ipcb_zc_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct zc_chan *p = c->priv;
    uint32_t k = 0;
    if (p->pending < 0)
        return p->pending;
    if (len > c->msg_max) {
        ipcb_chan_error(c, "a %zu-byte message does not fit a %zu-byte chunk", len, c->msg_max);
        return -EMSGSIZE;
    }
    if (!chunk_of(p, buf, &k)) {
        /* the side's own buffer: the one copy, into a loan */
        unsigned char *loan = ipcb_zc_loan(c, len);
        if (!loan)
            return p->pending < 0 ? p->pending : -EPROTO;
        memcpy(loan, buf, len);
        k = p->last;
    }
    return publish(c, k, len);
}

IPCB_HOT ssize_t ipcb_zc_take(struct ipcb_chan *c, void **msg, size_t len)
{
    struct zc_chan *p = c->priv;
    struct zc_token tok;
    (void)len;
    if (p->pending < 0)
        return p->pending;
    ssize_t n = ipcb_shm_ring_get(zc_data(p, other(p->me)), &tok, sizeof tok);
    if (n < 0)
        return ring_failed(c, n);
    /* the token is the other process's to write: trust no more than fits */
    if (n != (ssize_t)sizeof tok || tok.chunk >= p->total || tok.len > c->msg_max) {
        ipcb_chan_error(c, "a token names chunk %u of %u and %llu bytes (at most %zu)",
                        tok.chunk, p->total, (unsigned long long)tok.len, c->msg_max);
        return -EPROTO;
    }
    /* acquire: pairs with the sender's release, so the bytes are there */
    uint64_t want = zc_word(tok.gen, ZC_SENT + p->me);
    uint64_t seen = want;
    if (!atomic_compare_exchange_strong_explicit(zc_state(p, tok.chunk), &seen,
                                                 zc_word(tok.gen, ZC_HELD + p->me),
                                                 memory_order_acquire, memory_order_relaxed))
        return owner_wrong(c, tok.chunk, want, seen);
    p->last = tok.chunk;
    *msg = zc_chunk(p, tok.chunk);
    return (ssize_t)tok.len;
}

/* chunk k goes home: to this side's free chunks, or back[owner] */
static int give_back(struct ipcb_chan *c, uint32_t k, uint32_t gen)
{
    struct zc_chan *p = c->priv;
    enum ipcb_side owner = zc_owner(p, k);
    if (owner == p->me) {
        p->free_chunks[p->n_free++] = k; /* at most owned[me] of them: it fits */
        return 0;
    }
    const struct zc_token tok = {.chunk = k, .gen = gen, .len = 0};
    ssize_t n = ipcb_shm_ring_put(zc_back(p, owner), &tok, sizeof tok);
    return n < 0 ? ring_failed(c, n) : 0;
}

/* The side is done with msg (taken, or loaned and not sent): its owner
 * word from held by this side to returned, then the chunk goes home. A
 * failure has nowhere to go but the next call, which returns it. */
void ipcb_zc_release(struct ipcb_chan *c, void *msg)
{
    struct zc_chan *p = c->priv;
    uint32_t k = 0;
    if (p->pending < 0 || !chunk_of(p, msg, &k))
        return;
    _Atomic uint64_t *w = zc_state(p, k);
    uint64_t seen = atomic_load_explicit(w, memory_order_relaxed);
    uint32_t gen = (uint32_t)(seen >> 32), holder = (uint32_t)seen;
    if (holder != ZC_HELD + p->me && holder != ZC_LOANED + p->me) {
        p->pending = owner_wrong(c, k, zc_word(gen, ZC_HELD + p->me), seen);
        return;
    }
    /* release: this side's reads of the chunk before its owner may write it */
    if (!atomic_compare_exchange_strong_explicit(w, &seen, zc_word(gen, ZC_RETURNED),
                                                 memory_order_release, memory_order_relaxed)) {
        p->pending = owner_wrong(c, k, zc_word(gen, holder), seen);
        return;
    }
    int rc = give_back(c, k, gen);
    if (rc < 0)
        p->pending = rc;
}

/* the copy out, for the patterns that receive into their own buffer */
IPCB_HOT ssize_t ipcb_zc_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    struct zc_chan *p = c->priv;
    ssize_t n = ipcb_recv_by_take(c, buf, len);
    /* a reuse the release found is this call's failure */
    return n >= 0 && p->pending < 0 ? p->pending : n;
}
