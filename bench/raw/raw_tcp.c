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
    socklen_t alen = sizeof addr;
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd < 0)
        return raw_fail("socket");
    if (bind(listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(listen_fd, (struct sockaddr *)&addr, &alen) != 0)
        return raw_fail("bind to 127.0.0.1");
    if (listen(listen_fd, 4) != 0)
        return raw_fail("listen");
    return 0;
}

static int open_side(const struct raw_run *r, int side)
{
    (void)r;
    if (side == RAW_CONSUMER) {
        while ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
            ;
        if (fd < 0)
            return raw_fail("accept");
    } else {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return raw_fail("socket");
        while (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
            if (errno != EINTR)
                return raw_fail("connect");
    }
    close(listen_fd);
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

static int producer(const struct raw_run *r) { return raw_fd_producer(r, fd, fd); }

static int consumer(const struct raw_run *r) { return raw_fd_consumer(r, fd, fd); }

int main(int argc, char **argv)
{
    static const struct raw_mechanism tcp_mech = {
        .name = "tcp", .setup = setup, .open = open_side, .opened = teardown,
        .producer = producer, .consumer = consumer, .teardown = teardown,
    };
    return raw_main(argc, argv, &tcp_mech);
}
