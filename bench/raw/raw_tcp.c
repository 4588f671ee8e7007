/* Raw ping-pong over TCP on 127.0.0.1, set up as src/transports/tcp.c does:
 * the parent listens on an ephemeral port, the consumer accepts, the
 * producer connects, TCP_NODELAY on both ends; read/write over partial
 * transfers on the one connection. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "raw_common.h"

static struct sockaddr_in addr;
static int listen_fd = -1, fd = -1;

static int setup(const struct raw_run *r)
{
    (void)r;
    addr = (struct sockaddr_in){.sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    listen_fd = raw_stream_listen(AF_INET, (struct sockaddr *)&addr, sizeof addr);
    return listen_fd < 0 ? -1 : 0;
}

static int open_side(const struct raw_run *r, int side)
{
    (void)r;
    fd = raw_stream_open(side, listen_fd, AF_INET, (struct sockaddr *)&addr, sizeof addr);
    if (fd < 0)
        return -1;
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        return raw_fail("setsockopt TCP_NODELAY");
    return 0;
}

static void teardown(void)
{
    if (listen_fd >= 0)
        close(listen_fd);
    listen_fd = -1;
}

int main(int argc, char **argv)
{
    static const struct raw_mechanism tcp_mech = {
        .name = "tcp", .setup = setup, .open = open_side, .opened = teardown,
        .teardown = teardown, .rfd = &fd, .wfd = &fd,
    };
    return raw_main(argc, argv, &tcp_mech);
}
