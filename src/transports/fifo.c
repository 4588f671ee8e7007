/* Named pipes (mkfifo), one per direction, in a private 0700 directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcbench/transport.h"
#include "transports/private_dir.h"
#include "transports/variants.h"

enum { TO_CONSUMER, TO_PRODUCER };
static const char *const fifo_name[] = {"to-consumer", "to-producer"};

struct fifo_chan {
    struct ipcb_fds io;   /* this side's ends, after open */
    char dir[PATH_MAX];   /* the private directory, "" once removed */
};

static int fifo_create(struct ipcb_chan *c)
{
    struct fifo_chan *f = malloc(sizeof *f);
    if (!f)
        return -ENOMEM;
    *f = (struct fifo_chan){.io = {.rfd = -1, .wfd = -1}};
    c->priv = f;
    int rc = ipcb_chan_private_dir(c, f->dir, sizeof f->dir);
    for (int i = 0; i < 2 && rc == 0; i++) {
        char path[PATH_MAX];
        rc = ipcb_dir_path(path, sizeof path, f->dir, fifo_name[i]);
        if (rc == 0 && mkfifo(path, 0600) != 0)
            rc = -errno;
        if (rc < 0)
            ipcb_chan_error(c, "mkfifo %s/%s: %s", f->dir, fifo_name[i], strerror(-rc));
    }
    return rc;
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
        if ((f->io.wfd = open_fifo(c, TO_CONSUMER, O_WRONLY)) < 0)
            return f->io.wfd;
        f->io.rfd = open_fifo(c, TO_PRODUCER, O_RDONLY);
        return f->io.rfd < 0 ? f->io.rfd : 0;
    }
    if ((f->io.rfd = open_fifo(c, TO_CONSUMER, O_RDONLY)) < 0)
        return f->io.rfd;
    f->io.wfd = open_fifo(c, TO_PRODUCER, O_WRONLY);
    return f->io.wfd < 0 ? f->io.wfd : 0;
}

/* parent: both sides have their ends open, the names can go */
static void fifo_opened(struct ipcb_chan *c)
{
    ipcb_dir_remove(((struct fifo_chan *)c->priv)->dir, fifo_name, 2);
}

/* and its variants, the same channel waited on another way: fifo/spin,
 * /poll, /epoll, /uring */
IPCB_FD_TRANSPORT(ipcb_fifo, "fifo", IPCB_STREAM | IPCB_SHARED_SEND, bytes,
                  "named pipes (mkfifo) in a private directory, one per direction",
                  .create = fifo_create, .open = fifo_open, .opened = fifo_opened)
