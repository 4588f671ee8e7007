/* AF_UNIX SOCK_STREAM bound to a path in a private directory: the parent
 * listens, the consumer accepts, the producer connects; one connection
 * carries both directions. With its variants unix/spin, /poll, /epoll,
 * /uring. */
#include <sys/socket.h>

#include "transports/unix_sock.h"

IPCB_UNIX_SOCK_TRANSPORT(ipcb_unix, "unix", SOCK_STREAM, IPCB_STREAM | IPCB_DUPLEX, bytes,
                         "AF_UNIX stream socket on a path in a private directory")
