/* The D-Bus transports' shared code, on sd-bus (dbus_common.h). */
#include "transports/optional.h"

#ifdef IPCB_HAVE_DBUS

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "transports/dbus_common.h"
#include "transports/private_dir.h"

#define BENCH_PATH "/org/ipcbench"
#define BENCH_IFACE "org.ipcbench.Bench"
#define CONSUMER_NAME "org.ipcbench.Consumer"
#define CALL_TIMEOUT_US (120ull * 1000 * 1000)

const char *ipcb_dbus_library(void)
{
    return "sd-bus (libsystemd " IPCB_VERSION_DBUS ")";
}

void ipcb_dbus_limit(struct ipcb_limit *lim)
{
    lim->max_message = IPCB_DBUS_MAX_ARRAY;
    lim->fixed = "the D-Bus specification's largest array";
}

int ipcb_dbus_path(const struct ipcb_dbus *d, const char *name, char *buf, size_t len)
{
    return ipcb_dir_path(buf, len, d->dir, name);
}

int ipcb_dbus_new(struct ipcb_chan *c, struct ipcb_dbus **out)
{
    struct ipcb_dbus *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->fds[0] = d->fds[1] = -1;
    c->priv = *out = d;
    int rc = ipcb_chan_private_dir(c, d->dir, sizeof d->dir);
    if (rc < 0)
        return rc;
    if (strlen(d->dir) + sizeof "/bus" > 107) {
        ipcb_chan_error(c, "the bus socket %.200s/bus is longer than AF_UNIX's 107 bytes; "
                        "set TMPDIR to a shorter directory", d->dir);
        return -ENAMETOOLONG;
    }
    snprintf(d->address, sizeof d->address, "unix:path=%s/bus", d->dir);
    return 0;
}

int ipcb_dbus_create_p2p(struct ipcb_chan *c)
{
    struct ipcb_dbus *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    c->priv = d;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, d->fds) != 0) {
        d->fds[0] = d->fds[1] = -1;
        return ipcb_chan_errno(c, "socketpair");
    }
    return 0;
}

/* a call failed with r (and the bus's error, when it sent one): the
 * daemon's end when that is why (it may take a moment after its socket
 * closes to be seen as ended), else what failed */
static int dbus_failed_with(struct ipcb_chan *c, const char *what, int r,
                            const sd_bus_error *error)
{
    struct ipcb_dbus *d = c->priv;
    struct timespec nap = {0, 1000 * 1000};
    char ended[256];
    for (int ms = 0; d->daemon.pid > 0 && ms < 500; ms++) {
        if (ipcb_daemon_ended(&d->daemon, ended, sizeof ended)) {
            ipcb_chan_error(c, "%s", ended);
            return r < 0 ? r : -EIO;
        }
        nanosleep(&nap, NULL);
    }
    if (error && sd_bus_error_is_set(error))
        ipcb_chan_error(c, "%s: %s: %s", what, error->name, error->message ? error->message : "");
    else
        ipcb_chan_error(c, "%s: %s", what, strerror(r < 0 ? -r : EIO));
    return r < 0 ? r : -EIO;
}

static int dbus_failed(struct ipcb_chan *c, const char *what, int r)
{
    return dbus_failed_with(c, what, r, NULL);
}

static int on_match(sd_bus_message *m, void *arg, sd_bus_error *err)
{
    (void)m, (void)arg, (void)err;
    return 0; /* not handled here: sd_bus_process hands it to the consumer */
}

/* the consumer on the bus: a well-known name for the calls, a match rule
 * for the signals, both in place before the start barrier */
static int consumer_on_bus(struct ipcb_chan *c, sd_bus *bus)
{
    int r = sd_bus_request_name(bus, CONSUMER_NAME, 0);
    if (r < 0)
        return dbus_failed(c, "RequestName " CONSUMER_NAME, r);
    r = sd_bus_add_match(bus, NULL, "type='signal',interface='" BENCH_IFACE "',member='Data'",
                         on_match, NULL);
    return r < 0 ? dbus_failed(c, "AddMatch", r) : 0;
}

int ipcb_dbus_open(struct ipcb_chan *c, enum ipcb_side side)
{
    struct ipcb_dbus *d = c->priv;
    c->side = side;
    sd_bus *bus = NULL;
    int r = sd_bus_new(&bus);
    if (r < 0)
        return dbus_failed(c, "sd_bus_new", r);
    d->bus = bus;
    if (d->address[0]) {
        if ((r = sd_bus_set_address(bus, d->address)) >= 0)
            r = sd_bus_set_bus_client(bus, 1);
    } else {
        /* peer to peer: the consumer is the server of the socketpair */
        int mine = d->fds[side == IPCB_PRODUCER ? 0 : 1];
        ipcb_close_fd(&d->fds[side == IPCB_PRODUCER ? 1 : 0]);
        d->fds[side == IPCB_PRODUCER ? 0 : 1] = -1; /* sd-bus owns it now */
        sd_id128_t id;
        r = sd_bus_set_fd(bus, mine, mine);
        if (r >= 0 && side == IPCB_CONSUMER && (r = sd_id128_randomize(&id)) >= 0)
            r = sd_bus_set_server(bus, 1, id);
    }
    if (r >= 0)
        r = sd_bus_start(bus);
    if (r < 0)
        return dbus_failed(c, d->address[0] ? d->address : "sd_bus_start", r);
    return side == IPCB_CONSUMER && d->address[0] ? consumer_on_bus(c, bus) : 0;
}

void ipcb_dbus_opened(struct ipcb_chan *c)
{
    struct ipcb_dbus *d = c->priv;
    ipcb_close_fd(&d->fds[0]);
    ipcb_close_fd(&d->fds[1]);
}

/* a message of the producer's: a call of Ping, or a signal Data */
static int new_message(struct ipcb_chan *c, sd_bus_message **m)
{
    struct ipcb_dbus *d = c->priv;
    if (c->use & IPCB_USE_ANSWERS)
        return sd_bus_message_new_method_call(d->bus, m, d->address[0] ? CONSUMER_NAME : NULL,
                                              BENCH_PATH, BENCH_IFACE, "Ping");
    return sd_bus_message_new_signal(d->bus, m, BENCH_PATH, BENCH_IFACE, "Data");
}

IPCB_HOT ssize_t ipcb_dbus_send(struct ipcb_chan *c, const void *buf, size_t len)
{
    struct ipcb_dbus *d = c->priv;
    sd_bus_message *m = NULL;
    int r;
    if (c->side == IPCB_CONSUMER) { /* the echo: the answer to the call just read */
        if (!d->pending) {
            ipcb_chan_error(c, "no call to answer: the producer sent signals");
            return -EPROTO;
        }
        r = sd_bus_message_new_method_return(d->pending, &m);
        d->pending = sd_bus_message_unref(d->pending);
    } else {
        r = new_message(c, &m);
    }
    if (r >= 0)
        r = sd_bus_message_append_array(m, 'y', buf, len);
    if (r < 0) {
        sd_bus_message_unref(m);
        return dbus_failed(c, "building the message", r);
    }
    if (c->side == IPCB_PRODUCER && (c->use & IPCB_USE_ANSWERS)) {
        /* the round trip: the reply is what recv reads next */
        sd_bus_error error = SD_BUS_ERROR_NULL;
        r = sd_bus_call(d->bus, m, CALL_TIMEOUT_US, &error, &d->pending);
        if (r < 0)
            dbus_failed_with(c, "call", r, &error);
        sd_bus_error_free(&error);
    } else if ((r = sd_bus_send(d->bus, m, NULL)) >= 0) {
        r = sd_bus_flush(d->bus); /* what the socket takes now bounds what is queued */
    }
    sd_bus_message_unref(m);
    if (r < 0)
        return c->err[0] ? r : dbus_failed(c, "send", r);
    return (ssize_t)len;
}

/* the payload of m into buf; its length, or -EMSGSIZE */
static ssize_t payload(struct ipcb_chan *c, sd_bus_message *m, void *buf, size_t len)
{
    const void *p;
    size_t n;
    int r = sd_bus_message_read_array(m, 'y', &p, &n);
    if (r < 0)
        return dbus_failed(c, "reading the payload", r);
    if (n > len) {
        ipcb_chan_error(c, "a message of %zu bytes where %zu fit", n, len);
        return -EMSGSIZE;
    }
    memcpy(buf, p, n);
    return (ssize_t)n;
}

/* the consumer: the next call of Ping or signal Data, past the bus's own
 * messages (NameAcquired) */
static sd_bus_message *next_message(struct ipcb_chan *c, int *err)
{
    struct ipcb_dbus *d = c->priv;
    for (;;) {
        sd_bus_message *m = NULL;
        int r = sd_bus_process(d->bus, &m);
        if (r < 0) {
            *err = dbus_failed(c, "receive", r);
            return NULL;
        }
        if (m && (sd_bus_message_is_method_call(m, BENCH_IFACE, "Ping") > 0 ||
                  sd_bus_message_is_signal(m, BENCH_IFACE, "Data") > 0))
            return m;
        sd_bus_message_unref(m);
        if (r > 0)
            continue;
        if ((r = sd_bus_wait(d->bus, UINT64_MAX)) < 0) {
            *err = dbus_failed(c, "wait", r);
            return NULL;
        }
    }
}

IPCB_HOT ssize_t ipcb_dbus_recv(struct ipcb_chan *c, void *buf, size_t len)
{
    struct ipcb_dbus *d = c->priv;
    if (c->side == IPCB_PRODUCER) { /* the reply of the call send made */
        if (!d->pending) {
            ipcb_chan_error(c, "no reply to read: the consumer only answers calls");
            return -EPROTO;
        }
        ssize_t n = payload(c, d->pending, buf, len);
        d->pending = sd_bus_message_unref(d->pending);
        return n;
    }
    int err = 0;
    sd_bus_message *m = next_message(c, &err);
    if (!m)
        return err;
    ssize_t n = payload(c, m, buf, len);
    if (sd_bus_message_is_method_call(m, NULL, NULL) > 0 && n >= 0)
        d->pending = m; /* answered by the next send */
    else
        sd_bus_message_unref(m);
    return n;
}

void ipcb_dbus_close(struct ipcb_chan *c, enum ipcb_side side)
{
    (void)side;
    struct ipcb_dbus *d = c->priv;
    d->pending = sd_bus_message_unref(d->pending);
    if (d->bus)
        d->bus = sd_bus_flush_close_unref(d->bus);
    ipcb_close_fd(&d->fds[0]);
    ipcb_close_fd(&d->fds[1]);
}

void ipcb_dbus_destroy(struct ipcb_chan *c)
{
    struct ipcb_dbus *d = c->priv;
    if (!d)
        return;
    ipcb_daemon_stop(&d->daemon);
    ipcb_close_fd(&d->fds[0]);
    ipcb_close_fd(&d->fds[1]);
    static const char *const names[] = {"bus", "bus.conf", "log"};
    if (d->dir[0])
        ipcb_dir_remove(d->dir, names, sizeof names / sizeof names[0]);
    free(d);
    c->priv = NULL;
}

#endif
