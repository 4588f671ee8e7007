/* dbus-broker: the row of D-Bus through dbus-broker, beside dbus-daemon's.
 * dbus-broker itself is driven by a controller, dbus-broker-launch, which
 * cannot run on its own: it logs to systemd's journal, takes its listening
 * socket by systemd's socket activation, and connects to systemd's bus to
 * activate services (tried on Debian 12: without systemd it stops at the
 * journal and then at that connection). So the row is skipped with that
 * reason where systemd does not run, and also where it does: starting the
 * launcher under a user's systemd is not done here yet. */
#include "transports/optional.h"

#define DBUS_BROKER_SUMMARY "D-Bus (sd-bus) through dbus-broker; needs systemd, skipped without"

#ifdef IPCB_HAVE_DBUS

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "transports/dbus_common.h"

/* dbus-broker-launch in PATH */
static int launcher_installed(void)
{
    const char *path = getenv("PATH");
    char dir[4096], file[4200];
    snprintf(dir, sizeof dir, "%s", path && *path ? path : "/usr/bin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(dir, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(file, sizeof file, "%s/dbus-broker-launch", d);
        if (access(file, X_OK) == 0)
            return 1;
    }
    return 0;
}

static int dbus_broker_create(struct ipcb_chan *c)
{
    if (!launcher_installed())
        ipcb_chan_error(c, "dbus-broker is not installed (Debian: apt-get install dbus-broker)");
    else if (sd_booted() <= 0)
        ipcb_chan_error(c, "dbus-broker-launch needs systemd (its journal, socket activation "
                        "and bus), and this machine does not run it");
    else
        ipcb_chan_error(c, "starting dbus-broker-launch under systemd is not done yet; the dbus "
                        "row runs dbus-daemon");
    return -EOPNOTSUPP;
}

const struct ipcb_transport ipcb_dbus_broker = {
    .name = "dbus-broker", .summary = DBUS_BROKER_SUMMARY, .flags = IPCB_DBUS_FLAGS,
    .wait_default = "block", .limit = ipcb_dbus_limit, .create = dbus_broker_create,
    .open = ipcb_dbus_open, .opened = ipcb_dbus_opened, .send = ipcb_dbus_send,
    .recv = ipcb_dbus_recv, .close = ipcb_dbus_close, .destroy = ipcb_dbus_destroy,
    .library = ipcb_dbus_library,
};

#else

IPCB_ABSENT_TRANSPORT(ipcb_dbus_broker, "dbus-broker", IPCB_MESSAGE | IPCB_DUPLEX,
                      DBUS_BROKER_SUMMARY, IPCB_ABSENT_DBUS);

#endif
