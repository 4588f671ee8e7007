/* iceoryx: publish/subscribe through iceoryx 2.0's C binding, the message
 * built in and read from a chunk of RouDi's shared memory (zero-copy:
 * .loan is iox_pub_loan_chunk, send of a loan iox_pub_publish_chunk, .take
 * iox_sub_take_chunk, .release iox_sub_release_chunk). Each side is a
 * runtime of its own ("ipcbench-<driver pid>-<n>-<random>-p" and "-c",
 * registered after fork); a channel is two topics of one service instance,
 * "forth" from producer to consumer and "back", so pingpong's answer is a
 * chunk of its own (a subscriber cannot publish what it took: the echo
 * copies it into a loan). Waiting: a WaitSet on the subscriber's HAS_DATA
 * state (iceoryx), or iox_sub_take_chunk tried again (iceoryx/spin).
 *
 * Nothing is dropped: publishers wait for a full subscriber queue
 * (WAIT_FOR_CONSUMER, BLOCK_PRODUCER). The queue holds ICE_QUEUE_MAX
 * chunks (iceoryx's own maximum), fewer for large messages; RouDi's
 * mempool for the cell has the chunks both directions can hold at once
 * (ice_chunks). RouDi itself: transports/iceoryx_roudi.h. */
#include "transports/optional.h"

#define ICE_SUMMARY "iceoryx 2.0 publish/subscribe, zero-copy chunks in RouDi's shared memory"
#define ICE_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX | IPCB_ZERO_COPY)
#define ICE_SPIN_SUMMARY "iceoryx, waiting by iox_sub_take_chunk tried again"

#ifdef IPCB_HAVE_ICEORYX

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iceoryx_binding_c/log.h"
#include "iceoryx_binding_c/publisher.h"
#include "iceoryx_binding_c/runtime.h"
#include "iceoryx_binding_c/subscriber.h"
#include "iceoryx_binding_c/wait_set.h"

#include "ipcbench/pattern.h"
#include "measure/message.h"
#include "transports/iceoryx_roudi.h"
#include "transports/private_dir.h"

#define ICE_QUEUE_MAX 256u             /* iceoryx 2.0's largest subscriber queue */
#define ICE_QUEUE_BYTES (64u << 20)    /* what one queue may hold, for large messages */
#define ICE_POOL_BYTES (256ull << 20)  /* the most a cell's pool maps for sharing channels */
#define ICE_MAX_PAYLOAD (1ull << 30)   /* chunk sizes are 32-bit; RouDi maps all up front */
#define ICE_HEADER 64u                 /* a chunk's header, rounded up */
#define ICE_MATCH_MS 10000             /* for RouDi to connect the sides' ports */
#define ICE_SPIN_TRIES 1024u          /* failed takes before the spin yields (a power of 2) */
#define ICE_FILLED 2048u               /* chunks a side remembers having filled */

/* The runtime says goodbye to RouDi only in its destructor, which runs at
 * exit(); a side leaves by _exit, and a RouDi whose registered process is
 * gone without one aborts when it is stopped. So the side runs the exit
 * handlers now, as exit() would (ipcbench registers none: only the C++
 * libraries' destructors run), and _exits as before. */
extern void __cxa_finalize(void *dso);

struct ice_side {
    iox_pub_storage_t pub_storage;
    iox_sub_storage_t sub_storage;
    iox_ws_storage_t ws_storage;
    iox_pub_t pub;
    iox_sub_t sub;
    iox_ws_t ws;                /* NULL for the spin variant */
    void *loaned;               /* what loan handed out and send has not published */
    const void *taken;          /* what take handed out and nobody has released */
    int roudi_fd;               /* a pidfd of the RouDi in use */
    unsigned polls, takes;      /* when to look at RouDi again */
    unsigned n_filled;
    uintptr_t filled[ICE_FILLED];  /* chunks filled with ipcb_msg_fill once */
};

/* one runtime per process, named after the first channel end it opens (a
 * pipeline stage opens two), finalized when the last end closes */
static char ice_runtime[96];
static unsigned ice_ends_open;

struct ice_chan {
    struct ipcb_roudi roudi;
    char name[64];              /* the service's instance, the runtimes' stem */
    unsigned queue;             /* subscriber queue capacity */
    struct ice_side *side;      /* this side's, made by open in the child */
};

static unsigned ice_queue(uint64_t size)
{
    uint64_t q = ICE_QUEUE_BYTES / (size ? size : 1);
    return q > ICE_QUEUE_MAX ? ICE_QUEUE_MAX : q < 2 ? 2 : (unsigned)q;
}

/* both directions' queues full, each side holding one taken and one loaned */
static unsigned ice_chunks(unsigned queue)
{
    return 2 * queue + 8;
}

/* RouDi's one mempool for a cell: the channels of a pipeline or --pairs
 * share it, so it holds up to IPCB_MAX_CHANNELS channels' chunks within
 * ICE_POOL_BYTES, and one channel's at least (an exhausted pool has been
 * seen to crash a publisher in iceoryx 2.0 rather than make it wait) */
static uint64_t ice_pool_chunks(uint64_t size)
{
    uint64_t one = ice_chunks(ice_queue(size)), chunk = ((size + 7) & ~7ull) + ICE_HEADER;
    uint64_t all = one * IPCB_MAX_CHANNELS, budget = ICE_POOL_BYTES / chunk;
    uint64_t n = all < budget ? all : budget;
    return n > one ? n : one;
}

static uint64_t ice_memory(uint64_t size)
{
    return ice_pool_chunks(size) * (((size + 7) & ~7ull) + ICE_HEADER);
}

static void ice_limit(struct ipcb_limit *lim)
{
    lim->max_message = ICE_MAX_PAYLOAD;
    lim->fixed = "ipcbench's bound for one iceoryx chunk, which RouDi maps for every chunk "
                 "of its mempool up front";
}

static const char *ice_library(void)
{
    static char text[160];
    snprintf(text, sizeof text, "iceoryx %s (C binding); %s", IPCB_ICEORYX_VERSION,
             ipcb_roudi_mode());
    return text;
}

/* "/tmp/<runtime>" and its ".lock": the sockets a runtime makes, which it
 * removes only when the process exits through exit() */
static void ice_unlink_runtime(const char *runtime)
{
    char path[160];
    snprintf(path, sizeof path, "/tmp/%s", runtime);
    unlink(path);
    snprintf(path, sizeof path, "/tmp/%s.lock", runtime);
    unlink(path);
}

/* The user's RouDi has the mempools its config gives, and a loan no pool
 * fits aborts the process (the library's error handler): so a child
 * loans one chunk of the cell's size first, and the cell is skipped when
 * it could not. */
static int ice_probe(struct ipcb_chan *c, struct ice_chan *ic)
{
    char runtime[96];
    snprintf(runtime, sizeof runtime, "%s-probe", ic->name);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        iox_set_loglevel(Iceoryx_LogLevel_Off);
        iox_runtime_init(runtime);
        iox_pub_storage_t storage;
        iox_pub_t pub = iox_pub_init(&storage, "ipcbench", ic->name, "probe", NULL);
        void *p;
        int ok = iox_pub_loan_chunk(pub, &p, (uint32_t)c->msg_max) == AllocationResult_SUCCESS;
        if (ok)
            iox_pub_release_chunk(pub, p);
        iox_pub_deinit(pub);
        __cxa_finalize(NULL); /* unregistered, as a side leaves (ice_close) */
        _exit(ok ? 0 : 2);
    }
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    ice_unlink_runtime(runtime);
    if (pid < 0)
        return ipcb_chan_errno(c, "fork of the mempool probe");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    ipcb_chan_error(c, "the user's RouDi (iox-roudi, pid %ld) has no mempool chunk for %zu "
                    "bytes (its config decides; ipcbench starts a RouDi of its own when none "
                    "runs)", (long)ic->roudi.pid, c->msg_max);
    return -EOPNOTSUPP;
}

static int ice_create(struct ipcb_chan *c)
{
    struct ice_chan *ic = calloc(1, sizeof *ic);
    if (!ic)
        return ipcb_chan_errno(c, "calloc");
    c->priv = ic;
    ic->roudi.d.pid = -1;
    ic->queue = ice_queue(c->msg_max);
    ipcb_unique_name(ic->name, sizeof ic->name, "");
    int rc = ipcb_chan_private_dir(c, ic->roudi.dir, sizeof ic->roudi.dir);
    if (rc < 0)
        return rc;
    rc = ipcb_roudi_acquire(&ic->roudi, c->msg_max, (unsigned)ice_pool_chunks(c->msg_max),
                            c->err, sizeof c->err);
    return rc == 0 && ic->roudi.users ? ice_probe(c, ic) : rc;
}

/* RouDi gone: the reason in c->err, 1 */
static int ice_roudi_gone(struct ipcb_chan *c)
{
    struct ice_chan *ic = c->priv;
    char why[300];
    if (!ipcb_roudi_ended(&ic->roudi, ic->side->roudi_fd, why, sizeof why))
        return 0;
    ipcb_chan_error(c, "%s", why);
    return 1;
}

/* wait until RouDi has connected this side's publisher and subscriber to
 * the other side's; 0 or -errno with c->err saying why */
static int ice_match(struct ipcb_chan *c)
{
    struct ice_side *s = ((struct ice_chan *)c->priv)->side;
    const struct timespec nap = {0, 1000 * 1000};
    for (int ms = 0; ms < ICE_MATCH_MS; ms++) {
        if (iox_sub_get_subscription_state(s->sub) == SubscribeState_SUBSCRIBED &&
            iox_pub_has_subscribers(s->pub))
            return 0;
        if (ice_roudi_gone(c))
            return -EPIPE;
        nanosleep(&nap, NULL);
    }
    ipcb_chan_error(c, "RouDi did not connect the two sides' topics within %d ms",
                    ICE_MATCH_MS);
    return -ETIMEDOUT;
}

static int ice_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ice_chan *ic = c->priv;
    struct ice_side *s = calloc(1, sizeof *s);
    if (!s)
        return ipcb_chan_errno(c, "calloc");
    ic->side = s;
    c->side = side;
    s->roudi_fd = (int)syscall(SYS_pidfd_open, ic->roudi.pid, 0);
    if (s->roudi_fd < 0 || ice_roudi_gone(c))
        return s->roudi_fd < 0 ? ipcb_chan_errno(c, "pidfd_open of RouDi") : -EPIPE;
    if (ice_ends_open++ == 0) {
        iox_set_loglevel(Iceoryx_LogLevel_Error); /* the library's chatter off the table */
        snprintf(ice_runtime, sizeof ice_runtime, "%s-%s", ic->name,
                 side == IPCB_PRODUCER ? "p" : "c");
        iox_runtime_init(ice_runtime);
    }
    iox_pub_options_t po;
    iox_pub_options_init(&po);
    po.subscriberTooSlowPolicy = ConsumerTooSlowPolicy_WAIT_FOR_CONSUMER;
    iox_sub_options_t so;
    iox_sub_options_init(&so);
    so.queueCapacity = ic->queue;
    so.queueFullPolicy = QueueFullPolicy_BLOCK_PRODUCER;
    const int forth = side == IPCB_PRODUCER;
    s->pub = iox_pub_init(&s->pub_storage, "ipcbench", ic->name, forth ? "forth" : "back", &po);
    s->sub = iox_sub_init(&s->sub_storage, "ipcbench", ic->name, forth ? "back" : "forth", &so);
    if (c->t->wait != IPCB_WAIT_SPIN) {
        s->ws = iox_ws_init(&s->ws_storage);
        if (iox_ws_attach_subscriber_state(s->ws, s->sub, SubscriberState_HAS_DATA, 0, NULL) !=
            WaitSetResult_SUCCESS) {
            ipcb_chan_error(c, "iox_ws_attach_subscriber_state failed");
            return -EIO;
        }
    }
    return ice_match(c);
}

static const char *ice_alloc_error(enum iox_AllocationResult r)
{
    switch (r) {
    case AllocationResult_NO_MEMPOOLS_AVAILABLE: return "RouDi has no mempool";
    case AllocationResult_RUNNING_OUT_OF_CHUNKS: return "the mempool is out of chunks";
    case AllocationResult_TOO_MANY_CHUNKS_ALLOCATED_IN_PARALLEL:
        return "too many chunks loaned at once";
    default: return "the chunk or its size was refused";
    }
}

/* a chunk of len bytes, waiting while the pool has none free; NULL with
 * c->err saying why */
IPCB_HOT static void *ice_loan_raw(struct ipcb_chan *c, size_t len)
{
    struct ice_side *s = ((struct ice_chan *)c->priv)->side;
    void *p;
    for (unsigned tries = 1;; tries++) {
        enum iox_AllocationResult r = iox_pub_loan_chunk(s->pub, &p, (uint32_t)len);
        if (__builtin_expect(r == AllocationResult_SUCCESS, 1))
            return p;
        if (r != AllocationResult_RUNNING_OUT_OF_CHUNKS) {
            ipcb_chan_error(c, "iox_pub_loan_chunk of %zu bytes: %s", len, ice_alloc_error(r));
            return NULL;
        }
        if ((tries & 0x3ffu) == 0 && ice_roudi_gone(c))
            return NULL;
        sched_yield(); /* the chunks come back as the consumer releases them */
    }
}

/* memory reused is filled once (transport.h): each chunk the first time
 * this side is handed it */
static void ice_fill_once(struct ice_side *s, unsigned char *p, size_t len)
{
    uintptr_t key = (uintptr_t)p;
    size_t h = (size_t)(((uint64_t)key >> 3) * 0x9e3779b97f4a7c15ull >> 53) & (ICE_FILLED - 1);
    while (s->filled[h]) {
        if (s->filled[h] == key)
            return;
        h = (h + 1) & (ICE_FILLED - 1);
    }
    if (s->n_filled < ICE_FILLED / 2) { /* beyond that: filled every time */
        s->filled[h] = key;
        s->n_filled++;
    }
    ipcb_msg_fill(p, len);
}

IPCB_HOT static void *ice_loan(struct ipcb_chan *c, size_t len)
{
    struct ice_side *s = ((struct ice_chan *)c->priv)->side;
    unsigned char *p = ice_loan_raw(c, len);
    if (__builtin_expect(p != NULL, 1)) {
        ice_fill_once(s, p, len);
        s->loaned = p;
    }
    return p;
}

/* a loan published as it is; anything else (a taken message to answer
 * with, the side's own buffer) copied into a loan first */
IPCB_HOT static ssize_t ice_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct ice_side *s = ((struct ice_chan *)c->priv)->side;
    void *p = (void *)buf;
    if (buf != s->loaned) {
        p = ice_loan_raw(c, len);
        if (__builtin_expect(!p, 0))
            return -EIO;
        memcpy(p, buf, len);
        if (buf == s->taken) {
            iox_sub_release_chunk(s->sub, buf);
            s->taken = NULL;
        }
    }
    s->loaned = NULL;
    iox_pub_publish_chunk(s->pub, p);
    return (ssize_t)len;
}

/* nothing yet: wait in the WaitSet or try again; -EPIPE when RouDi ended */
IPCB_HOT static int ice_wait(struct ipcb_chan *c, struct ice_side *s)
{
    if (s->ws) {
        iox_notification_info_t info[1];
        uint64_t missed = 0;
        const struct timespec timeout = {0, 50 * 1000 * 1000};
        if (iox_ws_timed_wait(s->ws, timeout, info, 1, &missed) == 0 && ice_roudi_gone(c))
            return -EPIPE;
    } else if ((++s->polls & (ICE_SPIN_TRIES - 1)) == 0) {
        /* a failed take costs some 20 ns where a descriptor's costs a
         * system call: so many more tries before the CPU is yielded as the
         * descriptors' spin does (transports/wait.h) */
        sched_yield();
        if ((s->polls & (64 * ICE_SPIN_TRIES - 1)) == 0 && ice_roudi_gone(c))
            return -EPIPE;
    }
    return 0;
}

IPCB_HOT static ssize_t ice_take(struct ipcb_chan *c, void **msg, size_t len)
{
    struct ice_side *s = ((struct ice_chan *)c->priv)->side;
    const void *p;
    for (;;) {
        enum iox_ChunkReceiveResult r = iox_sub_take_chunk(s->sub, &p);
        if (__builtin_expect(r == ChunkReceiveResult_SUCCESS, 1))
            break;
        if (r != ChunkReceiveResult_NO_CHUNK_AVAILABLE) {
            ipcb_chan_error(c, "iox_sub_take_chunk: %s",
                            r == ChunkReceiveResult_TOO_MANY_CHUNKS_HELD_IN_PARALLEL
                                ? "too many chunks held at once" : "an undefined error");
            return -EIO;
        }
        int rc = ice_wait(c, s);
        if (rc < 0)
            return rc;
    }
    /* the data path needs no RouDi: its end is looked for now and then */
    if (__builtin_expect((++s->takes & 0x3ffu) == 0, 0) && ice_roudi_gone(c)) {
        iox_sub_release_chunk(s->sub, p);
        return -EPIPE;
    }
    s->taken = p;
    *msg = (void *)p;
    return (ssize_t)len;
}

IPCB_HOT static void ice_release(struct ipcb_chan *c, void *msg)
{
    struct ice_side *s = ((struct ice_chan *)c->priv)->side;
    iox_sub_release_chunk(s->sub, msg);
    s->taken = NULL;
}

static void ice_close(struct ipcb_chan *c, enum ipcb_side side)
{
    (void)side;
    struct ice_chan *ic = c->priv;
    struct ice_side *s = ic ? ic->side : NULL;
    if (!s)
        return;
    const int gone = ice_roudi_gone(c);
    if (!gone) {
        if (s->taken)
            iox_sub_release_chunk(s->sub, s->taken);
        if (s->loaned)
            iox_pub_release_chunk(s->pub, s->loaned);
        if (s->ws)
            iox_ws_deinit(s->ws);
        iox_sub_deinit(s->sub);
        iox_pub_deinit(s->pub);
    }
    if (s->roudi_fd >= 0)
        close(s->roudi_fd);
    ic->side = NULL;
    free(s);
    if (--ice_ends_open > 0)
        return;
    if (!gone)
        __cxa_finalize(NULL);
    ice_unlink_runtime(ice_runtime);
}

static void ice_destroy(struct ipcb_chan *c)
{
    struct ice_chan *ic = c->priv;
    if (!ic)
        return;
    char runtime[96];
    snprintf(runtime, sizeof runtime, "%s-p", ic->name); /* a side that died */
    ice_unlink_runtime(runtime);
    snprintf(runtime, sizeof runtime, "%s-c", ic->name);
    ice_unlink_runtime(runtime);
    ipcb_roudi_release(&ic->roudi);
    static const char *const names[] = {"roudi.toml", "roudi.log"};
    ipcb_dir_remove(ic->roudi.dir, names, 2);
    free(ic);
    c->priv = NULL;
}

#define ICE_TABLE(var_, name_, flags_, wait_, summary_, ...)                            \
    const struct ipcb_transport var_ = {                                               \
        .name = name_, .summary = summary_, .flags = flags_, .wait = wait_,            \
        .limit = ice_limit, .create = ice_create, .open = ice_open, .send = ice_send,  \
        .recv = ipcb_recv_by_take, .close = ice_close, .destroy = ice_destroy,                  \
        .memory = ice_memory, .loan = ice_loan, .take = ice_take,                      \
        .release = ice_release, .library = ice_library, __VA_ARGS__}

ICE_TABLE(ipcb_iceoryx, "iceoryx", ICE_FLAGS, IPCB_WAIT_OWN, ICE_SUMMARY,
          .wait_default = "block");
ICE_TABLE(ipcb_iceoryx_spin, "iceoryx/spin", ICE_FLAGS | IPCB_VARIANT, IPCB_WAIT_SPIN,
          ICE_SPIN_SUMMARY, .base = &ipcb_iceoryx);

#else

IPCB_ABSENT_TRANSPORT(ipcb_iceoryx, "iceoryx", ICE_FLAGS, ICE_SUMMARY, IPCB_ABSENT_ICEORYX);
IPCB_ABSENT_VARIANT(ipcb_iceoryx_spin, ipcb_iceoryx, "iceoryx/spin", ICE_FLAGS, IPCB_WAIT_SPIN,
                    ICE_SPIN_SUMMARY, IPCB_ABSENT_ICEORYX);

#endif
