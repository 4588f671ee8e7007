/* The table of operations every IPC mechanism fills. The driver and the
 * patterns only ever talk to this table; they never name a mechanism. */
#ifndef IPCBENCH_TRANSPORT_H
#define IPCBENCH_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipcbench/options.h"

enum ipcb_side { IPCB_PRODUCER = 0, IPCB_CONSUMER = 1 };

/* flags */
#define IPCB_STREAM  0x1u /* byte stream: no message boundaries */
#define IPCB_MESSAGE 0x2u /* each send arrives as one message */
#define IPCB_DUPLEX  0x4u /* one underlying object carries both directions */
#define IPCB_LOSSY   0x8u /* may drop or reorder: losses are counted, not fatal */
/* another way to run a transport ("shm/futex" of "shm", "pipe/epoll" of
 * "pipe"): run only when asked for by name or by --wait, never by "all" */
#define IPCB_VARIANT 0x10u
/* several processes may hold the producer end and send at once, each
 * message arriving whole (a byte stream: up to PIPE_BUF bytes) */
#define IPCB_SHARED_SEND 0x20u
/* zero-copy: the message is built in and checked in the transport's own
 * memory (.loan, .take, .release below); no copy into or out of it */
#define IPCB_ZERO_COPY 0x40u
/* What a pattern's needs may ask of a channel without requiring it: the
 * driver does not filter on these bits (IPCB_USE_ASKS), a transport whose
 * flags have one makes its channel so when create() finds it in c->use,
 * and the others make their usual channel. */
#define IPCB_USE_MANY_SENDERS 0x10000u /* several producers on one channel (shm's MPMC ring) */
#define IPCB_USE_MANY_READERS 0x20000u /* several consumers, each gets every message */
#define IPCB_USE_ASKS 0xffff0000u
/* addresses the other side by its process (a signal sent to its pid), so
 * it cannot run between threads of one process: --sides threads skips it */
#define IPCB_PROCESSES_ONLY 0x80u
/* chan->use, a pattern's hint (ipcb_pattern.uses), never required: the
 * consumer answers each message (pingpong), so a transport with a call and
 * its reply (D-Bus) sends the producer's messages as calls */
#define IPCB_USE_ANSWERS 0x800u
/* synchronization primitives (src/sync/), what they can be asked for */
#define IPCB_SYNC_HANDOFF 0x100u  /* send passes the token to the peer, recv waits for it */
#define IPCB_SYNC_LOCK    0x200u  /* recv takes the lock, send releases it */
#define IPCB_SYNC_NOLOCK  0x400u  /* a lock that guards nothing: lost updates expected */

/* How a side waits for the other, for the strategies every descriptor
 * transport shares (src/transports/wait_io.c, wait_uring.c). IPCB_WAIT_OWN is
 * the transport's own way: blocking calls, or what shm's table chose. */
enum ipcb_wait_kind {
    IPCB_WAIT_OWN = 0,
    IPCB_WAIT_SPIN,   /* O_NONBLOCK, tried again at once; yields after bounded tries */
    IPCB_WAIT_POLL,   /* O_NONBLOCK, sleeps in poll() on EAGAIN */
    IPCB_WAIT_EPOLL,  /* O_NONBLOCK, sleeps in epoll_wait() on EAGAIN */
    IPCB_WAIT_URING,  /* the transfer submitted to io_uring and waited for there */
};

/* How a transport's send and recv move one message, so that the wait
 * strategies can do the same without knowing the transport. */
enum ipcb_io_kind {
    IPCB_IO_OWN = 0,   /* none the wait code knows (shm) */
    IPCB_IO_BYTES,     /* a byte stream over struct ipcb_fds: ipcb_fds_write/read */
    IPCB_IO_DGRAM,     /* one message per call: ipcb_sock_send_msg/recv_msg */
    IPCB_IO_POSIX_MQ,  /* mq_send/mq_receive on struct ipcb_fds (wfd, rfd) */
    IPCB_IO_SYSV_MQ,   /* msgsnd/msgrcv on the transport's own queue */
};

#define IPCB_ERR_LEN 256

/* Every buffer the patterns hand to send/recv has this many bytes before it
 * that the transport may overwrite: a mechanism that wants a header in front
 * of the payload (System V's mtype) builds it in place instead of copying
 * the payload to a buffer of its own and back. */
#define IPCB_MSG_HEADROOM 64u

/* The timed path: every transport's send and recv, what they call, and the
 * pattern loops. GCC puts hot functions in .text.hot, which the linker lays
 * out together, so one round trip runs in one or two pages of code instead
 * of four spread over the binary; bench/overhead measured that as 1.5-3% of
 * a same-CPU ping-pong of pipe and tcp (each round trip switches context
 * twice, and this kind of guest has no PCID to keep the TLB across them). */
#if defined(__GNUC__)
#define IPCB_HOT __attribute__((hot))
#else
#define IPCB_HOT
#endif

/* One channel between a producer and a consumer, both directions.
 * create() fills it in the parent before fork; each child inherits a copy. */
struct ipcb_chan {
    const struct ipcb_transport *t;
    size_t msg_max;        /* largest message this channel will carry */
    int recv_timeout_ms;   /* IPCB_LOSSY only: a receive gives up after this */
    enum ipcb_side side;   /* set by open() in the child */
    unsigned use;          /* what the pattern needs of it (ipcb_pattern.needs) */
    void *priv;            /* the transport's own state, made by create() */
    char err[IPCB_ERR_LEN];/* what went wrong, when an op returns < 0 */
};

/* What stops a message from being larger, on this machine now. */
struct ipcb_limit {
    size_t max_message;   /* bytes, 0 = no limit */
    const char *setting;  /* the sysctl that raises it, NULL when none does */
    size_t ceiling;       /* above this no setting helps, 0 = none known */
    const char *fixed;    /* what the limit is when no setting raises it */
};

struct ipcb_transport {
    const char *name;      /* as on the command line: "posix-mq", "pipe/epoll" */
    const char *summary;   /* one line for `ipcbench list` */
    unsigned flags;
    /* a variant (IPCB_VARIANT): the transport it varies, named "<base>/<strategy>" */
    const struct ipcb_transport *base;
    enum ipcb_wait_kind wait;   /* a variant's wait strategy, for the shared wait code */
    enum ipcb_io_kind io;       /* how send and recv move a message */
    /* what --wait calls the transport's own strategy ("block", shm's "sem");
     * NULL on a variant */
    const char *wait_default;
    /* not a mechanism but a row the command line asked for that cannot run
     * ("sysv-mq/epoll"): the driver makes it a skipped row with this reason
     * and calls none of the operations */
    const char *unsupported;
    /* optional: the live limit on one message, read now (NULL: no limit) */
    void (*limit)(struct ipcb_limit *lim);
    /* parent, before fork. -EOPNOTSUPP, with c->err saying why, means the
     * mechanism is refused on this machine (io_uring disabled, say): the
     * driver makes the row skipped rather than failed. */
    int (*create)(struct ipcb_chan *c);
    int (*open)(struct ipcb_chan *c, enum ipcb_side side); /* in the child */
    /* optional, parent: both sides have opened, names can go now */
    void (*opened)(struct ipcb_chan *c);
    /* send/recv move exactly one message of len bytes (byte streams loop over
     * partial transfers). They return len, 0 on end of file, or -errno;
     * recv on a message transport returns the length that arrived. On an
     * IPCB_LOSSY transport recv returns -EAGAIN after recv_timeout_ms.
     * The IPCB_MSG_HEADROOM bytes right before buf are the transport's for
     * the call, for a header the mechanism wants in front of the payload. */
    ssize_t (*send)(struct ipcb_chan *c, const void *buf, size_t len);
    ssize_t (*recv)(struct ipcb_chan *c, void *buf, size_t len);
    void (*close)(struct ipcb_chan *c, enum ipcb_side side); /* in the child */
    void (*destroy)(struct ipcb_chan *c);  /* parent, on every path; idempotent */
    /* its own command-line options, NULL-terminated; shared ones (one
     * --ring-slots for shm and posix-mq) are the same object, listed by each */
    const struct ipcb_option *const *options;
    /* optional: one of its options that is its own name for --wait, for it
     * alone (shm's --notify); the plan makes its rows as --wait's */
    const struct ipcb_option *wait_option;

    /* Zero-copy (IPCB_ZERO_COPY), all three or none. The pattern loops use
     * them in place of their own buffers (run/side.h ipcb_side_outgoing,
     * ipcb_side_incoming):
     *  loan: the buffer the side's next message of len bytes is built in,
     *    memory of the transport's (a pool chunk, a mapped memfd); it waits
     *    while none is free, and never hands out one the peer still holds.
     *    NULL, with c->err saying why, on failure. Outside the stamps
     *    (measure/message.h) its bytes hold the filler of ipcb_msg_fill, as
     *    the patterns' own buffers do: memory reused is filled once when
     *    made, a fresh buffer per message is filled by loan.
     *  send(c, p, len) with p from loan publishes p without copying it; with
     *    p from take it passes the received message on (the echo of
     *    pingpong), without a copy where the mechanism can. Either way p is
     *    no longer the side's after the call.
     *  take: the next message in place: *msg points at len bytes of the
     *    transport's memory, the side's until it sends or releases it;
     *    returns len, 0 at end of file, or -errno as recv does.
     *  release: the side is done with a taken message; its memory may be
     *    reused by the peer from now on.
     * send and recv keep working with the side's own buffers (a copy into a
     * loan, a copy out of a take), for the patterns that do not loan. */
    /* optional: the bytes one channel of this transport maps or pins for
     * messages of size bytes (ring slots x size, pool chunks x size), for
     * the plan's statement of memory and its bound (--max-memory) */
    uint64_t (*memory)(uint64_t size);

    void *(*loan)(struct ipcb_chan *c, size_t len);
    ssize_t (*take)(struct ipcb_chan *c, void **msg, size_t len);
    void (*release)(struct ipcb_chan *c, void *msg);

    /* A transport on an optional library (meson feature option, `auto`):
     *  absent: NULL when built; otherwise why it is not ("built without
     *    ZeroMQ: libzmq3-dev was not found (meson option zeromq)"). An absent
     *    transport is in `ipcbench list` with this reason, left out of -t
     *    all, and a row it is named for is skipped with the reason; none of
     *    its operations is called.
     *  library: optional, the library's name and version as linked
     *    ("libzmq 4.3.4"), for `ipcbench list` and meta.json. */
    const char *absent;
    const char *(*library)(void);
};

/* transport_registry.c */
/* the transport's live limit (a variant's is its base's); max_message 0 when
 * it has none */
void ipcb_transport_limit(const struct ipcb_transport *t, struct ipcb_limit *lim);
const struct ipcb_transport *ipcb_transport_find(const char *name);
const struct ipcb_transport *const *ipcb_transports(size_t *count);
/* "pipe, fifo, ...": the names -t all takes; 0, or -ENOSPC when cut */
int ipcb_transport_names(char *buf, size_t len);
/* t's wait strategies as --wait spells them, its own first and then its
 * variants' ("sem, sysv-sem, futex, eventfd, spin, condvar, signal" for
 * shm), comma-separated into buf; 0, or -ENOSPC when buf is too short (the
 * text is cut there) */
int ipcb_wait_strategy_names(const struct ipcb_transport *t, char *buf, size_t len);
/* every strategy some transport has, once each, as --wait takes them
 * ("block, spin, poll, epoll, uring, sem, sysv-sem, ..."); 0 or -ENOSPC */
int ipcb_wait_every_strategy_name(char *buf, size_t len);
/* "4k exceeds sysv-mq's limit of 8192 bytes (kernel.msgmax)"; with_hint adds
 * how to raise it. Returns 0 when size fits, else -EMSGSIZE. */
int ipcb_check_limit(const struct ipcb_transport *t, uint64_t size, int with_hint,
                     char *buf, size_t len);

/* helpers shared by transports (src/transports/shared.c) */
IPCB_HOT ssize_t ipcb_write_full(int fd, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_read_full(int fd, void *buf, size_t len);
/* a zero-copy transport's recv (IPCB_ZERO_COPY), through its own take and
 * release: the message taken, at most len bytes of it copied into buf, and
 * given back; returns what take returns (0: the peer closed, nothing taken) */
IPCB_HOT ssize_t ipcb_recv_by_take(struct ipcb_chan *c, void *buf, size_t len);
/* "ipcbench-<pid>-<n>-<random>", unique to this process and call */
void ipcb_unique_name(char *buf, size_t len, const char *prefix);
/* read a decimal number from a /proc/sys file; 0 when it cannot be read */
size_t ipcb_read_sysctl(const char *path);
/* close *fd if open and mark it closed */
void ipcb_close_fd(int *fd);
/* put "what: strerror(errno)" in c->err and return -errno */
int ipcb_chan_errno(struct ipcb_chan *c, const char *what);
void ipcb_chan_error(struct ipcb_chan *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct ipcb_wait;

/* The descriptors one side reads and writes, after open (-1 before; one
 * socket both ways has rfd == wfd). Every transport built on descriptors
 * (pipe, fifo, the sockets, posix-mq's queues) puts this first in its
 * c->priv, so that one send, recv, close and destroy serve them all, and the
 * wait strategies (transports/wait.h) find what they wait on. */
struct ipcb_fds {
    int rfd, wfd;
    /* a wait strategy's state for this side, made by its open in the child;
     * NULL for the transport itself and in the parent */
    struct ipcb_wait *wait;
};
/* byte streams: all of len over wfd, all of len from rfd (ipcb_*_full) */
IPCB_HOT ssize_t ipcb_fds_write(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_fds_read(struct ipcb_chan *c, void *buf, size_t len);
/* in the child: rfd and wfd */
void ipcb_fds_close(struct ipcb_chan *c, enum ipcb_side side);
/* in the parent: what the table's opened() releases, then rfd and wfd, then
 * c->priv itself */
void ipcb_fds_destroy(struct ipcb_chan *c);

#endif
