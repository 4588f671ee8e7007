/* Named pipes (mkfifo), one per direction, in a private 0700 directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "sock_common.h"

enum { TO_CONSUMER, TO_PRODUCER };
static const char *const fifo_name[] = {"to-consumer", "to-producer"};

struct fifo_chan {
    int rfd, wfd;         /* this side's ends, after open */
    char dir[PATH_MAX];   /* the private directory, "" once removed */
};

static int fifo_create(struct ipcb_chan *c)
{
    struct fifo_chan *f = malloc(sizeof *f);
    if (!f)
        return -ENOMEM;
    *f = (struct fifo_chan){.rfd = -1, .wfd = -1};
    c->priv = f;
    int rc = ipcb_private_dir(f->dir, sizeof f->dir);
    if (rc < 0) {
        f->dir[0] = '\0';
        ipcb_chan_error(c, "private directory: %s", strerror(-rc));
        return rc;
    }
    for (int i = 0; i < 2; i++) {
        char path[PATH_MAX];
        rc = ipcb_dir_path(path, sizeof path, f->dir, fifo_name[i]);
        if (rc == 0 && mkfifo(path, 0600) != 0)
            rc = -errno;
        if (rc < 0) {
            ipcb_chan_error(c, "mkfifo %s/%s: %s", f->dir, fifo_name[i], strerror(-rc));
            return rc;
        }
    }
    return 0;
}

static int open_fifo(struct ipcb_chan *c, int which, int mode)
{
    struct fifo_chan *f = c->priv;
    char path[PATH_MAX];
    int fd, rc = ipcb_dir_path(path, sizeof path, f->dir, fifo_name[which]);
    if (rc < 0)
        return rc;
    while ((fd = open(path, mode | O_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (fd < 0) {
        rc = -errno;
        ipcb_chan_error(c, "open %s: %s", path, strerror(-rc));
        return rc;
    }
    return fd;
}

/* Opening a FIFO blocks until its other end opens, so both sides open
 * to-consumer first, then to-producer: neither can wait on the other's second. */
static int fifo_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct fifo_chan *f = c->priv;
    c->side = side;
    if (side == IPCB_PRODUCER) {
        if ((f->wfd = open_fifo(c, TO_CONSUMER, O_WRONLY)) < 0)
            return f->wfd;
        f->rfd = open_fifo(c, TO_PRODUCER, O_RDONLY);
        return f->rfd < 0 ? f->rfd : 0;
    }
    if ((f->rfd = open_fifo(c, TO_CONSUMER, O_RDONLY)) < 0)
        return f->rfd;
    f->wfd = open_fifo(c, TO_PRODUCER, O_WRONLY);
    return f->wfd < 0 ? f->wfd : 0;
}

static IPCB_HOT ssize_t fifo_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_write_full(((struct fifo_chan *)c->priv)->wfd, buf, len);
}

static IPCB_HOT ssize_t fifo_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_read_full(((struct fifo_chan *)c->priv)->rfd, buf, len);
}

static void fifo_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct fifo_chan *f = c->priv;
    (void)side;
    ipcb_close_fd(&f->rfd);
    ipcb_close_fd(&f->wfd);
}

/* parent: both sides have their ends open, the names can go */
static void fifo_opened(struct ipcb_chan *c)
{
    ipcb_dir_remove(((struct fifo_chan *)c->priv)->dir, fifo_name, 2);
}

static void fifo_destroy(struct ipcb_chan *c)
{
    struct fifo_chan *f = c->priv;
    if (!f)
        return;
    ipcb_dir_remove(f->dir, fifo_name, 2);
    free(f);
    c->priv = NULL;
}

const struct ipcb_transport ipcb_fifo = {
    .name = "fifo",
    .summary = "named pipes (mkfifo) in a private directory, one per direction",
    .flags = IPCB_STREAM,
    .create = fifo_create, .open = fifo_open, .opened = fifo_opened, .send = fifo_send,
    .recv = fifo_recv, .close = fifo_close, .destroy = fifo_destroy,
};
