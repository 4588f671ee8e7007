/* dbus-p2p: D-Bus (sd-bus) peer to peer, no daemon: the two sides speak the
 * D-Bus protocol over an AF_UNIX socketpair made in create, the consumer as
 * its server. The same calls, replies and signals as dbus, two hops per call
 * and its reply, so the daemon's cost is the difference of the two rows. */
#include "transports/optional.h"

#define DBUS_P2P_SUMMARY "D-Bus (sd-bus) peer to peer on an AF_UNIX socketpair, no daemon"

#ifdef IPCB_HAVE_DBUS

#include "transports/dbus_common.h"

const struct ipcb_transport ipcb_dbus_p2p = {
    .name = "dbus-p2p", .summary = DBUS_P2P_SUMMARY, .flags = IPCB_DBUS_FLAGS,
    .wait_default = "block", .limit = ipcb_dbus_limit, .create = ipcb_dbus_create_p2p,
    .open = ipcb_dbus_open, .opened = ipcb_dbus_opened, .send = ipcb_dbus_send,
    .recv = ipcb_dbus_recv, .close = ipcb_dbus_close, .destroy = ipcb_dbus_destroy,
    .library = ipcb_dbus_library,
};

#else

IPCB_ABSENT_TRANSPORT(ipcb_dbus_p2p, "dbus-p2p", IPCB_MESSAGE | IPCB_DUPLEX, DBUS_P2P_SUMMARY,
                      IPCB_ABSENT_DBUS);

#endif
