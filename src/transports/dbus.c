/* dbus: D-Bus through a bus daemon the run starts for each channel, a
 * dbus-daemon with a configuration of its own in the channel's private
 * directory, listening on unix:path=<dir>/bus; four hops per call and its
 * reply (producer, daemon, consumer, daemon, producer). The daemon is a
 * component of the run (run/daemon.h): started in create, stopped in
 * destroy, named when it dies, killed by `ipcbench cleanup` after a SIGKILL.
 * Its limits are raised so that it never stands between the sides: 128 MiB
 * messages, 1 GB queued per connection (past which dbus-daemon would drop a
 * signal: the stamps would fail the cell). */
#include "transports/optional.h"

#define DBUS_SUMMARY "D-Bus (sd-bus) through a private dbus-daemon on AF_UNIX; calls and signals"

#ifdef IPCB_HAVE_DBUS

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "transports/dbus_common.h"

/* the daemon's configuration: our socket, nothing else it may do, and its
 * limits out of the benchmark's way */
static int write_config(struct ipcb_chan *c, struct ipcb_dbus *d, const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ipcb_chan_errno(c, "the bus daemon's configuration");
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return ipcb_chan_errno(c, "fdopen");
    }
    fprintf(f,
            "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
            "<busconfig>\n"
            "  <listen>%s</listen>\n"
            "  <auth>EXTERNAL</auth>\n"
            "  <policy context=\"default\">\n"
            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
            "    <allow eavesdrop=\"true\"/>\n"
            "    <allow own=\"*\"/>\n"
            "  </policy>\n"
            "  <limit name=\"max_message_size\">134217728</limit>\n"
            "  <limit name=\"max_incoming_bytes\">1000000000</limit>\n"
            "  <limit name=\"max_outgoing_bytes\">1000000000</limit>\n"
            "  <limit name=\"max_replies_per_connection\">50000</limit>\n"
            "  <limit name=\"reply_timeout\">300000</limit>\n"
            "</busconfig>\n", d->address);
    return fclose(f) == 0 ? 0 : ipcb_chan_errno(c, "writing the bus daemon's configuration");
}

static int dbus_create(struct ipcb_chan *c)
{
    struct ipcb_dbus *d;
    char conf[PATH_MAX], log[PATH_MAX], sock[PATH_MAX], conf_arg[PATH_MAX + 16];
    int rc = ipcb_dbus_new(c, &d);
    if (rc == 0 && (ipcb_dbus_path(d, "bus.conf", conf, sizeof conf) != 0 ||
                    ipcb_dbus_path(d, "log", log, sizeof log) != 0 ||
                    ipcb_dbus_path(d, "bus", sock, sizeof sock) != 0))
        rc = -ENAMETOOLONG;
    if (rc == 0)
        rc = write_config(c, d, conf);
    if (rc < 0)
        return rc;
    snprintf(conf_arg, sizeof conf_arg, "--config-file=%s", conf);
    char *argv[] = {"dbus-daemon", conf_arg, "--nofork", "--nopidfile", "--nosyslog", NULL};
    rc = ipcb_daemon_start(&d->daemon, "the bus daemon", argv, log, c->err, sizeof c->err);
    if (rc == -ENOENT) {
        ipcb_chan_error(c, "dbus-daemon is not installed (Debian: apt-get install dbus-daemon)");
        return -EOPNOTSUPP;
    }
    if (rc == 0)
        rc = ipcb_daemon_wait_socket(&d->daemon, sock, 10000, c->err, sizeof c->err);
    return rc;
}

const struct ipcb_transport ipcb_dbus = {
    .name = "dbus", .summary = DBUS_SUMMARY, .flags = IPCB_DBUS_FLAGS,
    .wait_default = "block", .limit = ipcb_dbus_limit, .create = dbus_create,
    .open = ipcb_dbus_open, .opened = ipcb_dbus_opened, .send = ipcb_dbus_send,
    .recv = ipcb_dbus_recv, .close = ipcb_dbus_close, .destroy = ipcb_dbus_destroy,
    .library = ipcb_dbus_library,
};

#else

IPCB_ABSENT_TRANSPORT(ipcb_dbus, "dbus", IPCB_MESSAGE | IPCB_DUPLEX, DBUS_SUMMARY,
                      IPCB_ABSENT_DBUS);

#endif
