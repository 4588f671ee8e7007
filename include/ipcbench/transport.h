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
/* another way to run a transport ("shm/futex" of "shm"): run only when asked
 * for by name or by an option such as --notify, never by "all" */
#define IPCB_VARIANT 0x10u

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
    unsigned ring_slots;   /* queue depth, for mechanisms that have one; 0: --ring-slots */
    int recv_timeout_ms;   /* IPCB_LOSSY only: a receive gives up after this */
    enum ipcb_side side;   /* set by open() in the child */
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
    const char *name;      /* as on the command line: "posix-mq" */
    const char *summary;   /* one line for `ipcbench list` */
    unsigned flags;
    /* optional: the live limit on one message, read now (NULL: no limit) */
    void (*limit)(struct ipcb_limit *lim);
    int (*create)(struct ipcb_chan *c);                  /* parent, before fork */
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
};

/* registry.c */
/* the transport's live limit; max_message 0 when it has none */
void ipcb_transport_limit(const struct ipcb_transport *t, struct ipcb_limit *lim);
const struct ipcb_transport *ipcb_transport_find(const char *name);
const struct ipcb_transport *const *ipcb_transports(size_t *count);
/* "4k exceeds sysv-mq's limit of 8192 bytes (kernel.msgmax)"; with_hint adds
 * how to raise it. Returns 0 when size fits, else -EMSGSIZE. */
int ipcb_check_limit(const struct ipcb_transport *t, uint64_t size, int with_hint,
                     char *buf, size_t len);

/* helpers shared by transports (src/transports/common.c) */
IPCB_HOT ssize_t ipcb_write_full(int fd, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_read_full(int fd, void *buf, size_t len);
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

/* The descriptors one side reads and writes, after open (-1 before; one
 * socket both ways has rfd == wfd). Every transport built on descriptors
 * (pipe, fifo, the sockets) puts this first in its c->priv, so that one
 * send, recv, close and destroy serve them all. */
struct ipcb_fds {
    int rfd, wfd;
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
