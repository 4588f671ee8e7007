/* AF_UNIX SOCK_SEQPACKET bound to a path in a private directory: the parent
 * listens, the consumer accepts, the producer connects; one connection
 * carries both directions, each send one message. With its variants
 * unix-seqpacket/spin, /poll, /epoll, /uring. */
#include <sys/socket.h>

#include "transports/unix_sock.h"

IPCB_UNIX_SOCK_TRANSPORT(ipcb_unix_seqpacket, "unix-seqpacket", SOCK_SEQPACKET,
                         IPCB_MESSAGE | IPCB_DUPLEX, dgram,
                         "AF_UNIX seqpacket socket on a path in a private directory")
