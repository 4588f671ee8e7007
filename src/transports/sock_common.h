/* What the path-named transports share: objects in a private directory
 * (fifo, unix, unix-dgram, unix-seqpacket), the AF_UNIX socket lifecycle,
 * message send/recv and the live message limit. Internal to src/transports/. */
#ifndef IPCB_SOCK_COMMON_H
#define IPCB_SOCK_COMMON_H

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ipcbench/transport.h"

/* "<dir>/<name>" into buf; 0 or -ENAMETOOLONG */
int ipcb_dir_path(char *buf, size_t len, const char *dir, const char *name);
/* unlink dir/names[i] and rmdir dir, ignoring what is already gone; dir
 * becomes "" so a second call does nothing */
void ipcb_dir_remove(char *dir, const char *const names[], size_t n);

/* One AF_UNIX channel, c->priv of unix, unix-dgram and unix-seqpacket.
 * SOCK_STREAM and SOCK_SEQPACKET: create() binds and listens in the parent,
 * the consumer accepts, the producer connects; one socket carries both
 * directions. SOCK_DGRAM: create() binds one socket per side and connects
 * each to the other's path, open() keeps this side's. */
struct ipcb_sock {
    int fd;               /* this side's socket, after open */
    int listen_fd;        /* stream, seqpacket */
    int side_fd[2];       /* dgram: the producer's and the consumer's socket */
    int type;
    int big_buffers;      /* SO_SNDBUF/SO_RCVBUF raised to the sysctl maxima */
    char dir[PATH_MAX];   /* the private directory, "" once removed */
};

int ipcb_sock_create(struct ipcb_chan *c, int type, int big_buffers);
int ipcb_sock_open(struct ipcb_chan *c, enum ipcb_side side);
void ipcb_sock_opened(struct ipcb_chan *c);
void ipcb_sock_close(struct ipcb_chan *c, enum ipcb_side side);
void ipcb_sock_destroy(struct ipcb_chan *c);

/* the live limit on one message of this socket type, found with real sends */
void ipcb_sock_limit(int type, struct ipcb_limit *lim);

/* One message each way: the timed path, so nothing but the system call. */
static inline ssize_t ipcb_sock_send_msg(int fd, const void *buf, size_t len)
{
    ssize_t n;
    while ((n = send(fd, buf, len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -errno : n;
}

/* MSG_TRUNC makes recv return the length that arrived even when it is
 * longer than len, so a wrong-sized message shows instead of being cut. */
static inline ssize_t ipcb_sock_recv_msg(int fd, void *buf, size_t len)
{
    ssize_t n;
    while ((n = recv(fd, buf, len, MSG_TRUNC)) < 0 && errno == EINTR)
        ;
    return n < 0 ? -errno : n;
}

#endif
