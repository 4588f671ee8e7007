/* AF_UNIX SOCK_DGRAM: one socket per side, each bound to its own path in a
 * private directory and connected to the other's, so send and recv need no
 * address. Linux blocks a sender whose peer's queue is full rather than
 * drop, so nothing is lost. With its variants unix-dgram/spin, /poll,
 * /epoll, /uring. */
#include <sys/socket.h>

#include "transports/unix_sock.h"

IPCB_UNIX_SOCK_TRANSPORT(ipcb_unix_dgram, "unix-dgram", SOCK_DGRAM,
                         IPCB_MESSAGE | IPCB_SHARED_SEND, dgram,
                         "AF_UNIX datagram sockets, one bound path per side")
