/* Scaffolding of the raw ping-pong loops in bench/raw/: argument parsing,
 * fork, pinning, a start barrier, the array of round-trip times and the
 * printed line. Each raw_<mechanism>.c keeps only its set-up and its two
 * loops, written with the same system calls as the ipcbench transport and
 * nothing else, so bench/overhead can compare ipcbench against them; the
 * byte streams (pipe, unix, tcp) share one pair of read/write loops. */
#ifndef RAW_COMMON_H
#define RAW_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
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
    /* byte streams: no producer or consumer, but the descriptors open()
     * sets, for the shared loops: the producer writes and reads back size
     * bytes per round trip, the consumer echoes them */
    const int *rfd, *wfd;
};

/* usage: raw_<name> [-s SIZE] [-n COUNT] [-w WARMUP] [PRODUCER_CPU CONSUMER_CPU]
 * prints "raw <name> size=.. count=.. cpu=A,B p50_ns=.. p99_ns=.." */
int raw_main(int argc, char **argv, const struct raw_mechanism *m);

/* perror-style message naming the mechanism; returns -1 */
int raw_fail(const char *what);

/* The byte-stream sockets (unix, tcp), made as the transports make them. In
 * the parent: a socket of domain bound to *addr and listening, *addr then
 * the address it got (tcp's ephemeral port); the descriptor, or -1. */
int raw_stream_listen(int domain, struct sockaddr *addr, socklen_t len);
/* In a child: the consumer accepts, the producer connects to addr; either
 * closes its copy of listen_fd. The connected descriptor, or -1. */
int raw_stream_open(int side, int listen_fd, int domain, const struct sockaddr *addr,
                    socklen_t len);

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

#endif
