/* pipe(2), one per direction, made in the parent and inherited by fork. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/variants.h"

struct pipe_chan {
    struct ipcb_fds io;  /* this side's ends, after open */
    int to_consumer[2];  /* producer writes [1], consumer reads [0] */
    int to_producer[2];
};

static int pipe_create(struct ipcb_chan *c)
{
    struct pipe_chan *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *p = (struct pipe_chan){.io = {.rfd = -1, .wfd = -1}, .to_consumer = {-1, -1},
                            .to_producer = {-1, -1}};
    c->priv = p;
    if (pipe2(p->to_consumer, O_CLOEXEC) != 0 || pipe2(p->to_producer, O_CLOEXEC) != 0)
        return ipcb_chan_errno(c, "pipe2");
    return 0;
}

/* this side's two ends move to io; the other side's are closed here */
static int pipe_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct pipe_chan *p = c->priv;
    int *out = side == IPCB_PRODUCER ? p->to_consumer : p->to_producer;
    int *in = side == IPCB_PRODUCER ? p->to_producer : p->to_consumer;
    c->side = side;
    p->io = (struct ipcb_fds){.rfd = in[0], .wfd = out[1]};
    in[0] = out[1] = -1;
    ipcb_close_fd(&in[1]);
    ipcb_close_fd(&out[0]);
    return 0;
}

/* parent: once both sides hold their ends, its copies would only keep a
 * dead side's pipe open */
static void pipe_opened(struct ipcb_chan *c)
{
    struct pipe_chan *p = c->priv;
    for (int i = 0; i < 2; i++) {
        ipcb_close_fd(&p->to_consumer[i]);
        ipcb_close_fd(&p->to_producer[i]);
    }
}

/* and its variants, the same channel waited on another way: pipe/spin,
 * /poll, /epoll, /uring */
IPCB_FD_TRANSPORT(ipcb_pipe, "pipe", IPCB_STREAM | IPCB_SHARED_SEND, bytes,
                  "anonymous pipes, one per direction",
                  .create = pipe_create, .open = pipe_open, .opened = pipe_opened)
