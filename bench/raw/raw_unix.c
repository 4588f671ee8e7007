/* Raw ping-pong over an AF_UNIX SOCK_STREAM connection, made as the unix
 * transport makes it: the parent binds and listens on a path in a private
 * directory, the consumer accepts, the producer connects; read/write over
 * partial transfers on the one connection. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "raw_common.h"

static char dir[PATH_MAX];
static struct sockaddr_un addr = {.sun_family = AF_UNIX};
static int listen_fd = -1, fd = -1;

static int setup(const struct raw_run *r)
{
    (void)r;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/raw_unix-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        dir[0] = '\0';
        return raw_fail("mkdtemp");
    }
    if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/sock", dir) >=
        sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return raw_fail("socket path");
    }
    listen_fd = raw_stream_listen(AF_UNIX, (struct sockaddr *)&addr, sizeof addr);
    return listen_fd < 0 ? -1 : 0;
}

static int open_side(const struct raw_run *r, int side)
{
    (void)r;
    fd = raw_stream_open(side, listen_fd, AF_UNIX, (struct sockaddr *)&addr, sizeof addr);
    return fd < 0 ? -1 : 0;
}

/* the parent's listening socket, and the path and its directory */
static void teardown(void)
{
    if (listen_fd >= 0)
        close(listen_fd);
    listen_fd = -1;
    if (dir[0]) {
        unlink(addr.sun_path);
        rmdir(dir);
        dir[0] = '\0';
    }
}

int main(int argc, char **argv)
{
    static const struct raw_mechanism unix_mech = {
        .name = "unix", .setup = setup, .open = open_side, .opened = teardown,
        .teardown = teardown, .rfd = &fd, .wfd = &fd,
    };
    return raw_main(argc, argv, &unix_mech);
}
