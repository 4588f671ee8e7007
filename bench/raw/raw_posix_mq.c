/* Raw ping-pong over two POSIX message queues, made as src/transports/
 * posix_mq.c makes them (unique names, O_EXCL, 0600, depth min(16,
 * fs.mqueue.msg_max), message size SIZE); each side opens its ends by name,
 * then mq_send/mq_receive. */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>

#include "raw_common.h"

#define RING_SLOTS 16 /* ipcbench's default --ring-slots */

static char name[2][64]; /* [0]: to the consumer, [1]: to the producer */
static int named[2];
static mqd_t sendq = (mqd_t)-1, recvq = (mqd_t)-1;

static long queue_depth(void)
{
    long max = 10; /* the kernel's default fs.mqueue.msg_max */
    FILE *f = fopen("/proc/sys/fs/mqueue/msg_max", "r");
    if (f) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 10;
        fclose(f);
    }
    return max < RING_SLOTS ? max : RING_SLOTS;
}

static int setup(const struct raw_run *r)
{
    struct mq_attr attr = {.mq_maxmsg = queue_depth(), .mq_msgsize = (long)r->size};
    for (int dir = 0; dir < 2; dir++) {
        snprintf(name[dir], sizeof name[dir], "/raw_mq-%ld-%d", (long)getpid(), dir);
        mqd_t q = mq_open(name[dir], O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        if (q == (mqd_t)-1)
            return raw_fail("mq_open (see fs.mqueue.msgsize_max)");
        named[dir] = 1;
        mq_close(q);
    }
    return 0;
}

static int open_side(const struct raw_run *r, int side)
{
    (void)r;
    sendq = mq_open(name[side], O_WRONLY);
    recvq = mq_open(name[!side], O_RDONLY);
    if (sendq == (mqd_t)-1 || recvq == (mqd_t)-1)
        return raw_fail("mq_open");
    return 0;
}

static void teardown(void)
{
    for (int dir = 0; dir < 2; dir++)
        if (named[dir]) {
            mq_unlink(name[dir]);
            named[dir] = 0;
        }
}

static int producer(const struct raw_run *r)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++) {
        uint64_t t0 = raw_now_ns();
        if (mq_send(sendq, (const char *)r->sbuf, r->size, 0) != 0 ||
            mq_receive(recvq, (char *)r->rbuf, r->size, NULL) != (ssize_t)r->size)
            return raw_fail("round trip");
        raw_record(r, i, raw_now_ns() - t0);
    }
    return 0;
}

static int consumer(const struct raw_run *r)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++)
        if (mq_receive(recvq, (char *)r->rbuf, r->size, NULL) != (ssize_t)r->size ||
            mq_send(sendq, (const char *)r->rbuf, r->size, 0) != 0)
            return raw_fail("echo");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct raw_mechanism mq_mech = {
        .name = "posix-mq", .setup = setup, .open = open_side, .opened = teardown,
        .producer = producer, .consumer = consumer, .teardown = teardown,
    };
    return raw_main(argc, argv, &mq_mech);
}
