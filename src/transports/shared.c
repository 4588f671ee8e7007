/* What the transports share: full reads and writes over byte streams, the
 * send, recv, close and destroy of every transport built on descriptors,
 * unique names, live limits, error messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ipcbench/transport.h"

IPCB_HOT ssize_t ipcb_write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

IPCB_HOT ssize_t ipcb_read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return done ? -EPIPE : 0; /* end of file, or torn mid-message */
        done += (size_t)n;
    }
    return (ssize_t)done;
}

IPCB_HOT ssize_t ipcb_recv_by_take(struct ipcb_chan *c, void *buf, size_t len)
{
    void *msg;
    ssize_t n = c->t->take(c, &msg, len);
    if (n <= 0)
        return n;
    memcpy(buf, msg, (size_t)n < len ? (size_t)n : len);
    c->t->release(c, msg);
    return n;
}

void ipcb_unique_name(char *buf, size_t len, const char *prefix)
{
    static atomic_uint counter;
    unsigned rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd = (unsigned)rand();
    snprintf(buf, len, "%sipcbench-%ld-%u-%08x", prefix, (long)getpid(),
             atomic_fetch_add(&counter, 1), rnd);
}

size_t ipcb_read_sysctl(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unsigned long long v = 0;
    if (fscanf(f, "%llu", &v) != 1)
        v = 0;
    fclose(f);
    return (size_t)v;
}

void ipcb_chan_error(struct ipcb_chan *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
}

void ipcb_close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

int ipcb_chan_errno(struct ipcb_chan *c, const char *what)
{
    int err = errno;
    ipcb_chan_error(c, "%s: %s", what, strerror(err));
    return -err;
}

IPCB_HOT ssize_t ipcb_fds_write(struct ipcb_chan *c, const void *buf, size_t len)
{
    return ipcb_write_full(((const struct ipcb_fds *)c->priv)->wfd, buf, len);
}

IPCB_HOT ssize_t ipcb_fds_read(struct ipcb_chan *c, void *buf, size_t len)
{
    return ipcb_read_full(((const struct ipcb_fds *)c->priv)->rfd, buf, len);
}

void ipcb_fds_close(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_fds *io = c->priv;
    (void)side;
    if (io->wfd == io->rfd)
        io->wfd = -1; /* one socket: closed once */
    ipcb_close_fd(&io->rfd);
    ipcb_close_fd(&io->wfd);
}

void ipcb_fds_destroy(struct ipcb_chan *c)
{
    if (!c->priv)
        return;
    if (c->t->opened)
        c->t->opened(c);
    ipcb_fds_close(c, c->side);
    free(c->priv);
    c->priv = NULL;
}
