/* What every socket transport shares (unix, unix-dgram, unix-seqpacket,
 * tcp, udp): sockets made, connected and accepted with what failed in
 * c->err, buffers as large as this user may have them, a socket on a
 * loopback port, and the send and recv of the message transports. */
#ifndef IPCB_SOCKETS_H
#define IPCB_SOCKETS_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ipcbench/transport.h"

/* socket(domain, type | SOCK_CLOEXEC): the descriptor, or -errno */
int ipcb_sock_new(struct ipcb_chan *c, int domain, int type);

/* an AF_INET socket bound to 127.0.0.1 on a port the kernel picks, which
 * *addr is filled with: the descriptor, or -errno */
int ipcb_sock_loopback(struct ipcb_chan *c, int type, struct sockaddr_in *addr);

/* connect fd to addr, again after EINTR; where names the peer in c->err */
int ipcb_sock_connect(struct ipcb_chan *c, int fd, const void *addr, socklen_t len,
                      const char *where);

/* the next connection on listen_fd, close-on-exec, with the peer's address
 * in peer when it is not NULL: the descriptor, or -errno */
int ipcb_sock_accept(struct ipcb_chan *c, int listen_fd, void *peer, socklen_t *peer_len);

/* SO_SNDBUF and SO_RCVBUF raised to net.core.wmem_max and rmem_max, the
 * most an unprivileged process may ask for, and never lowered: 0 or -errno */
int ipcb_sock_buffers_max(int fd);

/* --sndbuf and --rcvbuf, options of tcp and udp (the same objects, listed
 * by each): SO_SNDBUF and SO_RCVBUF set on fd where given, and with
 * raise_others the one not given raised as ipcb_sock_buffers_max does;
 * 0, or -errno with c->err (c may be NULL) */
struct ipcb_option;
extern const struct ipcb_option ipcb_opt_sndbuf, ipcb_opt_rcvbuf;
int ipcb_sock_buffers_given(struct ipcb_chan *c, int fd, int raise_others);

/* tcp.c, for meta.json: what a tcp socket of this run starts with, its
 * options applied: the congestion control ("?" unknown), SO_SNDBUF and
 * SO_RCVBUF as the kernel reports them (-1 unknown) */
void ipcb_tcp_facts(char *cc, size_t len, int *sndbuf, int *rcvbuf);

/* The message transports' send and recv, on c->priv's struct ipcb_fds: one
 * message each, nothing but the system call. recv returns the length that
 * arrived even when it is longer than len (MSG_TRUNC), so a wrong-sized
 * message shows instead of being cut; a receive timeout is -EAGAIN. */
IPCB_HOT ssize_t ipcb_sock_send_msg(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_sock_recv_msg(struct ipcb_chan *c, void *buf, size_t len);

#endif
