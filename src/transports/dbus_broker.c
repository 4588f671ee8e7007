/* dbus-broker: the row of D-Bus through dbus-broker, beside dbus-daemon's,
 * absent from every build for now. dbus-broker is driven by a controller,
 * dbus-broker-launch, which cannot run on its own: it logs to systemd's
 * journal, takes its listening socket by systemd's socket activation and
 * connects to systemd's bus (tried on Debian 12 without systemd: it stops
 * at the journal, and given one, at that connection). Starting it under a
 * user's systemd is not done yet, so `ipcbench list` names it with that
 * reason and a row asked for is skipped with it. */
#include "transports/optional.h"

IPCB_ABSENT_TRANSPORT(ipcb_dbus_broker, "dbus-broker", IPCB_MESSAGE | IPCB_DUPLEX,
                      "D-Bus through dbus-broker",
                      "dbus-broker-launch runs only under systemd (its journal, socket "
                      "activation and bus), and starting it there is not done yet; the dbus "
                      "row runs dbus-daemon");
