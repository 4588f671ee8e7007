/* System V message queue: one private queue carries both directions, told
 * apart by message type (1 producer->consumer, 2 consumer->producer). One
 * queue is enough: ping-pong has one message in flight and stream sends in
 * one direction only, so neither direction can fill the queue against the
 * other. A queue has no name, so it lives until destroy() removes it. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "ipcbench/transport.h"
#include "transports/ledger.h"
#include "transports/wait.h"

#define TYPE_TO_CONSUMER 1L
#define TYPE_TO_PRODUCER 2L

/* the kernel's defaults, should /proc/sys be unreadable */
#define DEFAULT_MSGMAX 8192u
#define DEFAULT_MSGMNB 16384u

struct sysv_msg {
    long mtype;
    char text[];
};
_Static_assert(offsetof(struct sysv_msg, text) <= IPCB_MSG_HEADROOM,
               "mtype fits in the headroom in front of every message buffer");

struct sysv_chan {
    int id;                   /* msqid, -1 once removed */
    long send_type, recv_type;
};

/* The header goes in the headroom right before the payload (transport.h),
 * so msgsnd and msgrcv work on the caller's buffer: no copy in or out. */
static struct sysv_msg *msg_around(const void *payload)
{
    return (struct sysv_msg *)((uintptr_t)payload - offsetof(struct sysv_msg, text));
}

/* A message must fit both kernel.msgmax (one message) and kernel.msgmnb (the
 * queue's bytes, or msgsnd blocks forever): the smaller one binds. */
static void sysv_limit(struct ipcb_limit *lim)
{
    size_t msgmax = ipcb_read_sysctl("/proc/sys/kernel/msgmax");
    size_t msgmnb = ipcb_read_sysctl("/proc/sys/kernel/msgmnb");
    if (msgmax == 0)
        msgmax = DEFAULT_MSGMAX;
    if (msgmnb == 0)
        msgmnb = DEFAULT_MSGMNB;
    int mnb_binds = msgmnb < msgmax;
    lim->max_message = mnb_binds ? msgmnb : msgmax;
    lim->setting = mnb_binds ? "kernel.msgmnb" : "kernel.msgmax";
}

static int sysv_create(struct ipcb_chan *c)
{
    struct sysv_chan *q = malloc(sizeof *q);
    if (!q)
        return -ENOMEM;
    *q = (struct sysv_chan){.id = -1};
    c->priv = q;
    q->id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (q->id < 0) {
        int err = errno;
        if (err == ENOSPC)
            ipcb_chan_error(c, "msgget: %s (kernel.msgmni queues exist already)",
                            strerror(err));
        else
            ipcb_chan_error(c, "msgget: %s", strerror(err));
        return -err;
    }
    ipcb_ledger_sysv("msg", q->id);
    return 0;
}

static int sysv_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct sysv_chan *q = c->priv;
    c->side = side;
    q->send_type = side == IPCB_PRODUCER ? TYPE_TO_CONSUMER : TYPE_TO_PRODUCER;
    q->recv_type = side == IPCB_PRODUCER ? TYPE_TO_PRODUCER : TYPE_TO_CONSUMER;
    return 0;
}

/* The send and receive of sysv-mq (spin 0) and of sysv-mq/spin (spin 1),
 * which tries with IPC_NOWAIT again at once until the queue has room or a
 * message. Inlined with spin a constant, the blocking one compiles to the
 * plain loop it always was. */
static inline __attribute__((always_inline)) ssize_t
put(struct ipcb_chan *c, const void *buf, size_t len, int spin)
{
    struct sysv_chan *q = c->priv;
    struct sysv_msg *m = msg_around(buf);
    unsigned tries = 0;
    if (len > c->msg_max)
        return -EMSGSIZE;
    m->mtype = q->send_type;
    while (msgsnd(q->id, m, len, spin ? IPC_NOWAIT : 0) != 0) {
        if (spin && errno == EAGAIN)
            ipcb_spin_pause(&tries);
        else if (errno != EINTR)
            return -errno;
    }
    return (ssize_t)len;
}

static inline __attribute__((always_inline)) ssize_t
get(struct ipcb_chan *c, void *buf, size_t len, int spin)
{
    struct sysv_chan *q = c->priv;
    unsigned tries = 0;
    if (len > c->msg_max)
        len = c->msg_max;
    ssize_t n;
    /* no MSG_NOERROR: a message longer than len fails with E2BIG, never truncates */
    while ((n = msgrcv(q->id, msg_around(buf), len, q->recv_type, spin ? IPC_NOWAIT : 0)) < 0) {
        if (spin && errno == ENOMSG)
            ipcb_spin_pause(&tries);
        else if (errno != EINTR)
            return -errno;
    }
    return n;
}

static IPCB_HOT ssize_t sysv_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return put(c, buf, len, 0);
}

static IPCB_HOT ssize_t sysv_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return get(c, buf, len, 0);
}

static IPCB_HOT ssize_t sysv_send_spin(struct ipcb_chan *c, const void *buf, size_t len)
{
    return put(c, buf, len, 1);
}

static IPCB_HOT ssize_t sysv_recv_spin(struct ipcb_chan *c, void *buf, size_t len)
{
    return get(c, buf, len, 1);
}

/* nothing of this side's own: the queue is the parent's to remove */
static void sysv_close(struct ipcb_chan *c, enum ipcb_side side)
{
    (void)c;
    (void)side;
}

static void sysv_destroy(struct ipcb_chan *c)
{
    struct sysv_chan *q = c->priv;
    if (!q)
        return;
    if (q->id >= 0)
        msgctl(q->id, IPC_RMID, NULL); /* wakes a side still blocked with EIDRM */
    q->id = -1;
    free(q);
    c->priv = NULL;
}

#define SYSV_OPS .limit = sysv_limit, .create = sysv_create, .open = sysv_open, \
    .close = sysv_close, .destroy = sysv_destroy, .io = IPCB_IO_SYSV_MQ

const struct ipcb_transport ipcb_sysv_mq = {
    .name = "sysv-mq",
    .summary = "System V message queue, both directions by message type",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_SHARED_SEND, .wait_default = "block",
    .send = sysv_send, .recv = sysv_recv, SYSV_OPS,
};

/* the same queue without sleeping (a queue has no descriptor to poll) */
const struct ipcb_transport ipcb_sysv_mq_spin = {
    .name = "sysv-mq/spin",
    .summary = "sysv-mq, IPC_NOWAIT tried again at once, yields after 64 tries",
    .flags = IPCB_MESSAGE | IPCB_DUPLEX | IPCB_SHARED_SEND | IPCB_VARIANT,
    .base = &ipcb_sysv_mq, .wait = IPCB_WAIT_SPIN,
    .send = sysv_send_spin, .recv = sysv_recv_spin, SYSV_OPS,
};
