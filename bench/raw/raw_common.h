/* Scaffolding of the raw ping-pong loops in bench/raw/: argument parsing,
 * fork, pinning, a start barrier, the array of round-trip times and the
 * printed line. Each raw_<mechanism>.c keeps only its set-up and its two
 * loops, written with the same system calls as the ipcbench transport and
 * nothing else, so bench/overhead can compare ipcbench against them. */
#ifndef RAW_COMMON_H
#define RAW_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

enum { RAW_PRODUCER = 0, RAW_CONSUMER = 1 };

/* what one side's loop gets */
struct raw_run {
    size_t size;             /* bytes per message */
    uint64_t warmup, count;  /* untimed round trips first, then timed ones */
    unsigned char *sbuf, *rbuf; /* size bytes each, touched */
    uint64_t *rtt_ns;        /* producer: count entries, touched */
};

struct raw_mechanism {
    const char *name;
    int (*setup)(const struct raw_run *r);   /* parent, before fork; 0 or -1 */
    int (*open)(const struct raw_run *r, int side); /* in the child; 0 or -1 */
    void (*opened)(void);                    /* parent, both sides open; may be NULL */
    int (*producer)(const struct raw_run *r);/* the timed loop; 0 or -1 */
    int (*consumer)(const struct raw_run *r);
    void (*teardown)(void);                  /* parent, at the end; may be NULL */
};

/* usage: raw_<name> [-s SIZE] [-n COUNT] [-w WARMUP] [PRODUCER_CPU CONSUMER_CPU]
 * prints "raw <name> size=.. count=.. cpu=A,B p50_ns=.. p99_ns=.." */
int raw_main(int argc, char **argv, const struct raw_mechanism *m);

/* perror-style message naming the mechanism; returns -1 */
int raw_fail(const char *what);

static inline uint64_t raw_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void raw_record(const struct raw_run *r, uint64_t i, uint64_t rtt_ns)
{
    if (i >= r->warmup)
        r->rtt_ns[i - r->warmup] = rtt_ns;
}

/* byte streams: all len bytes, over partial transfers, again after EINTR */
static inline int raw_write_full(int fd, const void *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, (const char *)buf + done, len - done);
        if (n < 0 && errno != EINTR)
            return -1;
        if (n > 0)
            done += (size_t)n;
    }
    return 0;
}

static inline int raw_read_full(int fd, void *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = read(fd, (char *)buf + done, len - done);
        if (n == 0 || (n < 0 && errno != EINTR))
            return -1;
        if (n > 0)
            done += (size_t)n;
    }
    return 0;
}

/* the ping-pong of the byte-stream mechanisms (pipe, unix, tcp): the
 * producer writes and reads back SIZE bytes per round trip, timed */
static inline int raw_fd_producer(const struct raw_run *r, int rfd, int wfd)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++) {
        uint64_t t0 = raw_now_ns();
        if (raw_write_full(wfd, r->sbuf, r->size) != 0 ||
            raw_read_full(rfd, r->rbuf, r->size) != 0)
            return raw_fail("round trip");
        raw_record(r, i, raw_now_ns() - t0);
    }
    return 0;
}

/* ...and the consumer echoes each message back */
static inline int raw_fd_consumer(const struct raw_run *r, int rfd, int wfd)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++)
        if (raw_read_full(rfd, r->rbuf, r->size) != 0 ||
            raw_write_full(wfd, r->rbuf, r->size) != 0)
            return raw_fail("echo");
    return 0;
}

#endif
