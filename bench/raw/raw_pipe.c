/* Raw ping-pong over pipe(2), one per direction: what src/transports/pipe.c
 * does (write/read over partial transfers), without the harness. */
#include <fcntl.h>

#include "raw_common.h"

static int to_consumer[2] = {-1, -1}, to_producer[2] = {-1, -1};
static int rfd = -1, wfd = -1;

static int setup(const struct raw_run *r)
{
    (void)r;
    if (pipe2(to_consumer, O_CLOEXEC) != 0 || pipe2(to_producer, O_CLOEXEC) != 0)
        return raw_fail("pipe2");
    return 0;
}

static int open_side(const struct raw_run *r, int side)
{
    (void)r;
    wfd = side == RAW_PRODUCER ? to_consumer[1] : to_producer[1];
    rfd = side == RAW_PRODUCER ? to_producer[0] : to_consumer[0];
    close(side == RAW_PRODUCER ? to_consumer[0] : to_producer[0]);
    close(side == RAW_PRODUCER ? to_producer[1] : to_consumer[1]);
    return 0;
}

static void opened(void)
{
    for (int i = 0; i < 2; i++) {
        close(to_consumer[i]);
        close(to_producer[i]);
    }
}

int main(int argc, char **argv)
{
    static const struct raw_mechanism pipe_mech = {
        .name = "pipe", .setup = setup, .open = open_side, .opened = opened,
        .rfd = &rfd, .wfd = &wfd,
    };
    return raw_main(argc, argv, &pipe_mech);
}
