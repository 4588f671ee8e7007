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
#include "transports/sockets.h"
#include "transports/variants.h"

int ipcb_unix_sock_create(struct ipcb_chan *c, int type);
int ipcb_unix_sock_open(struct ipcb_chan *c, enum ipcb_side side);
/* parent: both sides hold their sockets; the paths and its copies go */
void ipcb_unix_sock_opened(struct ipcb_chan *c);

/* the live limit on one message of this socket type, found with real sends */
void ipcb_unix_sock_limit(int type, struct ipcb_limit *lim);

/* The table of the AF_UNIX transport of socket type type_, and its fd
 * variants: socket type, name, flags and I/O kind are all that differ. A
 * message socket (io_ dgram) has a live limit, a byte stream none. */
#define IPCB_UNIX_LIMIT_FN_bytes(base_, type_)
#define IPCB_UNIX_LIMIT_bytes(base_)
#define IPCB_UNIX_LIMIT_FN_dgram(base_, type_) \
    static void base_##_limit(struct ipcb_limit *lim) { ipcb_unix_sock_limit(type_, lim); }
#define IPCB_UNIX_LIMIT_dgram(base_) .limit = base_##_limit,
#define IPCB_UNIX_SOCK_TRANSPORT(base_, name_, type_, flags_, io_, summary_)                \
    IPCB_UNIX_LIMIT_FN_##io_(base_, type_)                                                 \
    static int base_##_create(struct ipcb_chan *c) { return ipcb_unix_sock_create(c, type_); } \
    IPCB_FD_TRANSPORT(base_, name_, flags_, io_, summary_, IPCB_UNIX_LIMIT_##io_(base_)     \
                      .create = base_##_create, .open = ipcb_unix_sock_open,             \
                      .opened = ipcb_unix_sock_opened)
#endif
