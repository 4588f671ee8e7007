/* pipe(2), one per direction, made in the parent and inherited by fork. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcbench/transport.h"

struct pipe_chan {
    int to_consumer[2];  /* producer writes [1], consumer reads [0] */
    int to_producer[2];
    int rfd, wfd;        /* this side's ends, after open */
};

static int pipe_create(struct ipcb_chan *c)
{
    struct pipe_chan *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *p = (struct pipe_chan){{-1, -1}, {-1, -1}, -1, -1};
    c->priv = p;
    if (pipe2(p->to_consumer, O_CLOEXEC) != 0 || pipe2(p->to_producer, O_CLOEXEC) != 0) {
        int err = errno;
        ipcb_chan_error(c, "pipe2: %s", strerror(err));
        return -err;
    }
    return 0;
}

static int pipe_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct pipe_chan *p = c->priv;
    c->side = side;
    if (side == IPCB_PRODUCER) {
        p->wfd = p->to_consumer[1];
        p->rfd = p->to_producer[0];
        ipcb_close_fd(&p->to_consumer[0]);
        ipcb_close_fd(&p->to_producer[1]);
    } else {
        p->wfd = p->to_producer[1];
        p->rfd = p->to_consumer[0];
        ipcb_close_fd(&p->to_producer[0]);
        ipcb_close_fd(&p->to_consumer[1]);
    }
    return 0;
}

static IPCB_HOT ssize_t pipe_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_write_full(((struct pipe_chan *)c->priv)->wfd, buf, len);
}

static IPCB_HOT ssize_t pipe_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_read_full(((struct pipe_chan *)c->priv)->rfd, buf, len);
}

static void pipe_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct pipe_chan *p = c->priv;
    (void)side;
    ipcb_close_fd(&p->rfd);
    ipcb_close_fd(&p->wfd);
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

static void pipe_destroy(struct ipcb_chan *c)
{
    struct pipe_chan *p = c->priv;
    if (!p)
        return;
    pipe_opened(c);
    free(p);
    c->priv = NULL;
}

const struct ipcb_transport ipcb_pipe = {
    .name = "pipe",
    .summary = "anonymous pipes, one per direction",
    .flags = IPCB_STREAM,
    .create = pipe_create, .open = pipe_open, .opened = pipe_opened, .send = pipe_send,
    .recv = pipe_recv, .close = pipe_close, .destroy = pipe_destroy,
};
