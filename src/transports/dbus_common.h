/* What the D-Bus transports share (dbus_common.c, through sd-bus): the
 * channel's state, the sides' operations, and the two ways to make one:
 * through a bus daemon the run starts (dbus, dbus-broker) or peer to peer
 * on a socketpair (dbus-p2p).
 *
 * A message is one method call or signal of interface org.ipcbench.Bench
 * whose one argument is the payload as a byte array ("ay"). Pingpong
 * (IPCB_USE_ANSWERS) sends the producer's messages as calls of Ping, which
 * the consumer answers with a method return carrying its echo; stream sends
 * signals named Data, which reach the consumer through its match rule. */
#ifndef IPCB_DBUS_COMMON_H
#define IPCB_DBUS_COMMON_H

#include <limits.h>

#include "ipcbench/transport.h"
#include "run/daemon.h"

#define IPCB_DBUS_FLAGS (IPCB_MESSAGE | IPCB_DUPLEX)
/* the D-Bus specification's largest array, the payload's type */
#define IPCB_DBUS_MAX_ARRAY (64u << 20)

struct sd_bus;
struct sd_bus_message;

struct ipcb_dbus {
    char dir[PATH_MAX];           /* private directory: the bus socket, config, log */
    char address[PATH_MAX + 16];  /* "unix:path=<dir>/bus"; "" peer to peer */
    struct ipcb_daemon daemon;    /* the bus daemon, when there is one */
    int fds[2];                   /* peer to peer: the socketpair, -1 when closed */
    /* this side's, in the child */
    struct sd_bus *bus;
    /* the consumer: the call it answers next; the producer: the reply it reads next */
    struct sd_bus_message *pending;
};

/* create() of a bus transport: the channel's state and private directory,
 * address set; the caller starts the daemon on it. 0 or -errno, c->err. */
int ipcb_dbus_new(struct ipcb_chan *c, struct ipcb_dbus **out);
/* create() of dbus-p2p */
int ipcb_dbus_create_p2p(struct ipcb_chan *c);
/* "<dir>/<name>" of the channel's private directory */
int ipcb_dbus_path(const struct ipcb_dbus *d, const char *name, char *buf, size_t len);

int ipcb_dbus_open(struct ipcb_chan *c, enum ipcb_side side);
void ipcb_dbus_opened(struct ipcb_chan *c);
IPCB_HOT ssize_t ipcb_dbus_send(struct ipcb_chan *c, const void *buf, size_t len);
IPCB_HOT ssize_t ipcb_dbus_recv(struct ipcb_chan *c, void *buf, size_t len);
void ipcb_dbus_close(struct ipcb_chan *c, enum ipcb_side side);
/* stops the daemon, removes the directory; idempotent */
void ipcb_dbus_destroy(struct ipcb_chan *c);
void ipcb_dbus_limit(struct ipcb_limit *lim);
const char *ipcb_dbus_library(void);

#endif
