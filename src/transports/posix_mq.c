/* POSIX message queues, one per direction, created under unique names in
 * the parent. Each side opens its two ends by name; once both have, the
 * parent unlinks the names and closes its own descriptors, so the queues
 * vanish with the last side that holds them. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "ipcbench/transport.h"
#include "transports/shm_options.h"
#include "transports/wait.h"

#define NAME_LEN 64
#define TO_CONSUMER 0
#define TO_PRODUCER 1

/* the kernel's defaults, should /proc/sys be unreadable */
#define DEFAULT_MSGSIZE_MAX 8192u
#define DEFAULT_MSG_MAX 10u
/* what the kernel charges per queued message besides its bytes: a struct
 * msg_msg and, worst case, a priority tree node (48 bytes each on 64-bit) */
#define KERNEL_BYTES_PER_MSG 96u

/* on Linux a queue descriptor is a file descriptor, so this side's two
 * queues are struct ipcb_fds's: the wait strategies poll them like any other */
_Static_assert(sizeof(mqd_t) == sizeof(int), "mqd_t is a descriptor");

struct posix_chan {
    struct ipcb_fds io;      /* this side's ends after open(): rfd receives, wfd sends */
    char name[2][NAME_LEN];  /* [TO_CONSUMER], [TO_PRODUCER] */
    int named[2];            /* the name still exists and is ours to unlink */
    mqd_t made[2];           /* the parent's descriptors from create() */
};

static void close_q(mqd_t *q)
{
    if (*q != (mqd_t)-1) {
        mq_close(*q);
        *q = (mqd_t)-1;
    }
}

static void posix_limit(struct ipcb_limit *lim)
{
    /* the sysctl even for root, who could exceed it: the figure must not
     * depend on who runs */
    size_t max = ipcb_read_sysctl("/proc/sys/fs/mqueue/msgsize_max");
    lim->max_message = max ? max : DEFAULT_MSGSIZE_MAX;
    lim->setting = "fs.mqueue.msgsize_max";
    lim->ceiling = 16u << 20; /* HARD_MSGSIZEMAX */
}

static int create_queue(struct ipcb_chan *c, struct posix_chan *p, int dir,
                        struct mq_attr *attr)
{
    ipcb_unique_name(p->name[dir], sizeof p->name[dir], "/");
    p->made[dir] = mq_open(p->name[dir], O_CREAT | O_EXCL | O_RDWR, 0600, attr);
    if (p->made[dir] != (mqd_t)-1) {
        p->named[dir] = 1;
        return 0;
    }
    int err = errno;
    if (err == EMFILE || err == ENOMEM) {
        /* the per-user RLIMIT_MSGQUEUE counts every queue's worst case */
        unsigned long long need = 2ull * (unsigned long long)attr->mq_maxmsg *
                                  ((unsigned long long)attr->mq_msgsize + KERNEL_BYTES_PER_MSG);
        struct rlimit rl;
        char now[32] = "unknown";
        if (getrlimit(RLIMIT_MSGQUEUE, &rl) == 0) {
            if (rl.rlim_cur == RLIM_INFINITY)
                snprintf(now, sizeof now, "unlimited");
            else
                snprintf(now, sizeof now, "%llu", (unsigned long long)rl.rlim_cur);
        }
        ipcb_chan_error(c, "mq_open refused (%s): 2 queues of %ld x %ld bytes need about %llu "
                        "bytes of RLIMIT_MSGQUEUE, now %s; raise it with ulimit -q or lower "
                        "--ring-slots", err == EMFILE ? "EMFILE" : "ENOMEM",
                        (long)attr->mq_maxmsg, (long)attr->mq_msgsize, need, now);
    } else if (err == ENOSPC) {
        ipcb_chan_error(c, "mq_open: %s (fs.mqueue.queues_max queues exist already)",
                        strerror(err));
    } else {
        ipcb_chan_error(c, "mq_open %s (%ld messages of %ld bytes): %s", p->name[dir],
                        (long)attr->mq_maxmsg, (long)attr->mq_msgsize, strerror(err));
    }
    return -err;
}

static int posix_create(struct ipcb_chan *c)
{
    struct posix_chan *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->made[0] = p->made[1] = (mqd_t)-1;
    p->io = (struct ipcb_fds){.rfd = -1, .wfd = -1};
    c->priv = p;

    size_t msg_max = ipcb_read_sysctl("/proc/sys/fs/mqueue/msg_max");
    if (msg_max == 0)
        msg_max = DEFAULT_MSG_MAX;
    unsigned slots = ipcb_ring_slots();
    size_t depth = slots < msg_max ? slots : msg_max;
    struct mq_attr attr = {
        .mq_maxmsg = (long)(depth ? depth : 1),
        .mq_msgsize = (long)(c->msg_max ? c->msg_max : 1),
    };
    for (int dir = 0; dir < 2; dir++) {
        int rc = create_queue(c, p, dir, &attr);
        if (rc < 0)
            return rc; /* destroy() removes the one already made */
    }
    return 0;
}

static int posix_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct posix_chan *p = c->priv;
    int out = side == IPCB_PRODUCER ? TO_CONSUMER : TO_PRODUCER;
    c->side = side;
    close_q(&p->made[0]); /* this child's inherited copies */
    close_q(&p->made[1]);
    p->io.wfd = mq_open(p->name[out], O_WRONLY);
    if (p->io.wfd == (mqd_t)-1) {
        int err = errno;
        ipcb_chan_error(c, "mq_open %s for sending: %s", p->name[out], strerror(err));
        return -err;
    }
    p->io.rfd = mq_open(p->name[1 - out], O_RDONLY);
    if (p->io.rfd == (mqd_t)-1) {
        int err = errno;
        ipcb_chan_error(c, "mq_open %s for receiving: %s", p->name[1 - out], strerror(err));
        return -err;
    }
    return 0;
}

static IPCB_HOT ssize_t posix_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    mqd_t q = ((const struct ipcb_fds *)c->priv)->wfd;
    while (mq_send(q, buf, len, 0) != 0)
        if (errno != EINTR)
            return -errno;
    return (ssize_t)len;
}

/* straight into the caller's buffer: it holds msg_max bytes, which is the
 * queue's mq_msgsize, the least mq_receive accepts */
static IPCB_HOT ssize_t posix_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    mqd_t q = ((const struct ipcb_fds *)c->priv)->rfd;
    ssize_t n;
    while ((n = mq_receive(q, buf, len, NULL)) < 0)
        if (errno != EINTR)
            return -errno;
    return n;
}

static void posix_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct posix_chan *p = c->priv;
    (void)side;
    close_q(&p->io.wfd);
    close_q(&p->io.rfd);
}

/* parent: both sides hold their ends, so the names and the parent's
 * descriptors can go; nothing is left to leak after this */
static void posix_opened(struct ipcb_chan *c)
{
    struct posix_chan *p = c->priv;
    for (int dir = 0; dir < 2; dir++) {
        if (p->named[dir])
            mq_unlink(p->name[dir]); /* ENOENT: already gone, nothing to do */
        p->named[dir] = 0;
        close_q(&p->made[dir]);
    }
}

static void posix_destroy(struct ipcb_chan *c)
{
    struct posix_chan *p = c->priv;
    if (!p)
        return;
    posix_opened(c);
    free(p);
    c->priv = NULL;
}

/* the kernel's memory for the two queues: as posix_create sizes them,
 * --ring-slots (at most fs.mqueue.msg_max) messages of size bytes each */
static uint64_t posix_memory(uint64_t size)
{
    size_t msg_max = ipcb_read_sysctl("/proc/sys/fs/mqueue/msg_max");
    uint64_t slots = ipcb_ring_slots();
    if (msg_max && msg_max < slots)
        slots = msg_max;
    return 2 * slots * size;
}

static const struct ipcb_option *const posix_options[] = {&ipcb_opt_ring_slots, NULL};

#define POSIX_MQ_FLAGS (IPCB_MESSAGE | IPCB_SHARED_SEND)

const struct ipcb_transport ipcb_posix_mq = {
    .name = "posix-mq",
    .summary = "POSIX message queues (mq_open), one per direction",
    .flags = POSIX_MQ_FLAGS, .io = IPCB_IO_POSIX_MQ, .wait_default = "block",
    .limit = posix_limit,
    .create = posix_create, .open = posix_open, .opened = posix_opened,
    .send = posix_send, .recv = posix_recv, .close = posix_close,
    .destroy = posix_destroy, .options = posix_options, .memory = posix_memory,
};

/* the same queues, waited on another way: posix-mq/spin, /poll, /epoll, /uring */
IPCB_FD_WAIT_VARIANTS(ipcb_posix_mq, "posix-mq", POSIX_MQ_FLAGS, mq)
