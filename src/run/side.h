/* What the forked sides of one group share with the driver, what each
 * side's loop is handed, and the helpers the pattern loops share
 * (implemented in run/side.c). */
#ifndef IPCB_SIDE_H
#define IPCB_SIDE_H

#include <stdatomic.h>
#include <string.h>
#include <stdint.h>

#include "ipcbench/histogram.h"
#include "ipcbench/pattern.h"
#include "ipcbench/transport.h"
#include "measure/clock.h"

struct ipcb_side_result {
    int failed;
    uint64_t failed_ns;         /* when: the earlier failure is the cause */
    char error[512];
    uint64_t messages;          /* timed messages this side saw */
    uint64_t first_ns, last_ns; /* timed span */
    uint64_t span_messages;     /* messages that arrived inside the span */
    uint64_t lost, reordered;   /* IPCB_LOSSY only */
    uint64_t lost_updates;      /* contention: a shared counter short by this much */
    uint64_t share;             /* layout.shares_of_senders: what this side's peer counted of it */
    double cpu_user_s, cpu_sys_s;   /* getrusage over the timed span */
    uint64_t cpu_ns;                /* CLOCK_PROCESS_CPUTIME_ID over the same span */
    uint64_t ctx_switches;
    uint64_t voluntary_switches;    /* of ctx_switches: the side slept */
    long max_rss_kib;           /* peak resident memory of this side */
    int cpu;                    /* the one CPU its affinity allows, -1 if several */
    /* progress for the watchdog and the display: messages done so far */
    _Alignas(64) _Atomic uint64_t progress;
    _Alignas(64) struct ipcb_hist hist;
    /* rate: latency from the actual send time (hist is from the intended) */
    struct ipcb_hist hist_uncorrected;
    uint64_t offered_per_s;     /* rate: the producer's schedule, 0 for other patterns */
    uint64_t behind_max_ns;     /* rate: how late the producer sent, at worst */
    uint64_t latency_every;       /* stream's producer: one message in this many was timed */
};

/* One group's part of the anonymous shared mapping the driver makes before
 * fork: the group's counters, then one result per side of the pattern. */
struct ipcb_shared {
    /* all messages, warm-up included; in duration mode the producer sets it
     * before it sends the last one, so the consumer knows where to stop */
    _Alignas(64) _Atomic uint64_t total;
    _Atomic int producer_done;
    unsigned n_sides;
    /* the server pattern on rings: the futex word its clients bump after a
     * request, which the server sleeps on when every ring is empty, and
     * whether it sleeps (patterns/server_wait.c) */
    _Alignas(64) _Atomic uint32_t doorbell;
    _Atomic uint32_t doorbell_sleeping;
    struct ipcb_side_result side[];  /* n_sides of them */
};

struct ipcb_side_args {
    struct ipcb_chan *chan;         /* chans[0] */
    /* the channel ends its declaration names, opened, in that order */
    struct ipcb_chan *chans[IPCB_MAX_ENDS];
    unsigned side_index;            /* in the layout's sides[] */
    const struct ipcb_pattern *pattern;     /* the one this side runs (a copy with options) */
    struct ipcb_shared *sh;
    struct ipcb_side_result *res;   /* &sh->side[side_index] */
    uint64_t size;
    uint64_t warmup;
    uint64_t duration_ns;           /* 0: run sh->total messages */
    uint64_t cap_ns;                /* plan.cap_ns: and end them after this long */
    int verify_full;
    int as_thread;                  /* --sides threads: a thread of one process */
    /* test hook (IPCBENCH_INJECT): the producer spoils message inject_seq */
    uint64_t inject_seq;
    int inject_payload;             /* 1: a payload byte, 0: the sequence number */
    /* size bytes each, all holding the filler: what is sent, what arrives,
     * and scratch for full verification */
    unsigned char *buf, *rbuf, *expect;
};

IPCB_HOT int ipcb_stream_producer(struct ipcb_side_args *a);
/* stream's producer loop: messages tag | seq; with own_total, the end of a
 * timed run (-d) is told the consumer through sh->total; with sampled,
 * --latency-every decides which messages carry their send time (the others
 * carry 0), else every one does */
IPCB_HOT int ipcb_stream_send_all(struct ipcb_side_args *a, uint64_t tag, int own_total,
                                  int sampled);
IPCB_HOT int ipcb_stream_consumer(struct ipcb_side_args *a);
/* --latency-every, stream's option, which pipeline (whose source and sink
 * are stream's) takes too */
extern const struct ipcb_option ipcb_stream_latency_every_opt;

/* The buffer the side's next message of len bytes is built in: a loan of
 * the transport's memory (IPCB_ZERO_COPY) or the side's own a->buf. Under
 * --verify full the producer writes every byte of it, as the consumer
 * reads every byte; otherwise it writes the stamps alone (the
 * ipcb_msg_stamp that follows), on every transport alike. NULL: the loan
 * failed, c->err says why. */
__attribute__((always_inline))
static inline unsigned char *ipcb_side_outgoing(struct ipcb_side_args *a, struct ipcb_chan *c,
                                                size_t len)
{
    unsigned char *buf = a->buf;
    if (c->t->loan) {
        buf = c->t->loan(c, len);
        if (__builtin_expect(!buf, 0))
            return NULL;
    }
    if (a->verify_full)
        memcpy(buf, a->expect, len); /* the filler, and stamps the next call overwrites */
    return buf;
}

/* The next message: taken in place into *msg (IPCB_ZERO_COPY), or received
 * into own with *msg = own. Returns what recv or take returns. */
__attribute__((always_inline))
static inline ssize_t ipcb_side_incoming(struct ipcb_chan *c, unsigned char *own,
                                         unsigned char **msg, size_t len)
{
    if (c->t->take)
        return c->t->take(c, (void **)msg, len);
    *msg = own;
    return c->t->recv(c, own, len);
}

/* A stream's side publishes its progress once every this many messages of
 * up to IPCB_PROGRESS_BATCH_MAX bytes (larger ones every message), and at
 * its last: the watchdog and the display need no more, and in a stream of
 * 64-byte messages on a spinning ring a store per message on each side
 * was a visible part of the message's time. Even a slow mechanism moves
 * thousands of such messages a second, so the watchdog, which waits
 * --timeout (at least 0.1 s) for progress, still sees it move. */
#define IPCB_PROGRESS_EVERY 64u
#define IPCB_PROGRESS_BATCH_MAX 1024u

/* the mask of how often a stream of len-byte messages publishes progress:
 * when the count's low bits under it are 0 */
static inline uint64_t ipcb_progress_mask(uint64_t len)
{
    return len <= IPCB_PROGRESS_BATCH_MAX ? IPCB_PROGRESS_EVERY - 1 : 0;
}

/* a receiving side is done with message expected - 1: publish its progress
 * when expected & mask is 0 (mask 0: every message) and at the last, and
 * say whether that was the last message */
static inline int ipcb_side_received_streaming(struct ipcb_side_args *a, uint64_t expected,
                                               uint64_t mask)
{
    const int last = expected >= atomic_load_explicit(&a->sh->total, memory_order_acquire);
    if (last || (expected & mask) == 0)
        atomic_store_explicit(&a->res->progress, expected, memory_order_relaxed);
    return last;
}

/* the same, progress after every message */
static inline int ipcb_side_received(struct ipcb_side_args *a, uint64_t expected)
{
    return ipcb_side_received_streaming(a, expected, 0);
}

/* a timed side's message seq took ns: into its histogram, through the
 * loop's accumulator lat, after the warm-up, and its progress published */
static inline void ipcb_side_timed(struct ipcb_side_args *a, struct ipcb_hist_acc *lat,
                                   uint64_t seq, uint64_t ns)
{
    if (seq >= a->warmup)
        ipcb_hist_acc_record(&a->res->hist, lat, ns);
    atomic_store_explicit(&a->res->progress, seq + 1, memory_order_relaxed);
}

/* on every way out of a loop that timed through lat: the latencies and,
 * one per latency, the timed messages into the shared result */
static inline void ipcb_side_timed_flush(struct ipcb_side_args *a, const struct ipcb_hist_acc *lat)
{
    ipcb_hist_acc_flush(&a->res->hist, lat);
    a->res->messages += lat->total;
}

/* run/side.c: the CPU use of a side over its timed span, read at its start and end */
void ipcb_side_usage_begin(struct ipcb_side_args *a);
void ipcb_side_usage_end(struct ipcb_side_args *a);

/* a timing producer's start of its timed span, when its warm-up is done
 * (pingpong, handoff, contention, server, workers): the CPU use read, then
 * the span opened; returns when a timed run (-d, or the default count's
 * cap) is to end, 0 for a counted one. The twin of ipcb_side_producer_end,
 * and as inline: it runs in the hot loop. */
static inline uint64_t ipcb_side_producer_begin(struct ipcb_side_args *a)
{
    ipcb_side_usage_begin(a);
    a->res->first_ns = ipcb_now_ns();
    const uint64_t span = a->duration_ns ? a->duration_ns : a->cap_ns;
    return span ? a->res->first_ns + span : 0;
}

/* a timing producer's way out of its loop (pingpong, handoff): the
 * latencies flushed on every path, and on success the span closed, the
 * CPU use read and the other side told it is done; returns rc */
static inline int ipcb_side_producer_end(struct ipcb_side_args *a, const struct ipcb_hist_acc *lat,
                                         int rc)
{
    ipcb_side_timed_flush(a, lat);
    if (rc != 0)
        return rc;
    a->res->last_ns = ipcb_now_ns();
    a->res->span_messages = a->res->messages;
    ipcb_side_usage_end(a);
    atomic_store(&a->sh->producer_done, 1);
    return 0;
}

/* run/side.c */
/* message seq, about to go out from buf, is the one to spoil */
void ipcb_side_inject(struct ipcb_side_args *a, unsigned char *buf);
static inline void ipcb_side_maybe_inject(struct ipcb_side_args *a, unsigned char *buf,
                                          uint64_t seq)
{
    if (__builtin_expect(seq == a->inject_seq, 0))
        ipcb_side_inject(a, buf);
}
int ipcb_side_fail(struct ipcb_side_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int ipcb_side_io_error(struct ipcb_side_args *a, const char *what, uint64_t seq, ssize_t rc);

#endif
