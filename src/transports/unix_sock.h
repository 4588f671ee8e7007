/* The AF_UNIX channel of unix, unix-dgram and unix-seqpacket, which differ
 * in socket type only. SOCK_STREAM and SOCK_SEQPACKET: create() binds and
 * listens on a path in a private directory, the consumer accepts, the
 * producer connects; one socket carries both directions. SOCK_DGRAM:
 * create() binds one socket per side and connects each to the other's path,
 * open() keeps this side's. Close and destroy are ipcb_fds_close and
 * ipcb_fds_destroy. */
#ifndef IPCB_UNIX_SOCK_H
#define IPCB_UNIX_SOCK_H

#include "ipcbench/transport.h"

int ipcb_unix_sock_create(struct ipcb_chan *c, int type);
int ipcb_unix_sock_open(struct ipcb_chan *c, enum ipcb_side side);
/* parent: both sides hold their sockets; the paths and its copies go */
void ipcb_unix_sock_opened(struct ipcb_chan *c);

/* the live limit on one message of this socket type, found with real sends */
void ipcb_unix_sock_limit(int type, struct ipcb_limit *lim);

#endif
