/* Fork, pin, barrier, timing array and report for the raw loops. */
#include "raw_common.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static const char *mech_name = "raw";

int raw_fail(const char *what)
{
    fprintf(stderr, "raw_%s: %s: %s\n", mech_name, what, strerror(errno));
    return -1;
}

int raw_stream_listen(int domain, struct sockaddr *addr, socklen_t len)
{
    int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return raw_fail("socket");
    if (bind(fd, addr, len) != 0 || getsockname(fd, addr, &len) != 0 || listen(fd, 4) != 0) {
        raw_fail("bind and listen");
        close(fd);
        return -1;
    }
    return fd;
}

int raw_stream_open(int side, int listen_fd, int domain, const struct sockaddr *addr,
                    socklen_t len)
{
    int fd;
    if (side == RAW_CONSUMER) {
        while ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
            ;
        close(listen_fd);
        return fd < 0 ? raw_fail("accept") : fd;
    }
    close(listen_fd);
    fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return raw_fail("socket");
    while (connect(fd, addr, len) != 0)
        if (errno != EINTR)
            return raw_fail("connect");
    return fd;
}

static int usage(void)
{
    fprintf(stderr, "usage: raw_%s [-s SIZE] [-n COUNT] [-w WARMUP] "
                    "[PRODUCER_CPU CONSUMER_CPU]\n"
                    "  SIZE takes k and M (powers of 1024); defaults 64, 20000, 500\n",
            mech_name);
    return 2;
}

static int parse_u64(const char *s, int units, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return -1;
    if (units && (*end == 'k' || *end == 'K'))
        v <<= 10, end++;
    else if (units && (*end == 'm' || *end == 'M'))
        v <<= 20, end++;
    if (*end)
        return -1;
    *out = v;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* nearest rank, as ipcbench's histogram counts it: the ceil(q*n)-th value */
static uint64_t percentile(const uint64_t *sorted, uint64_t n, double q)
{
    uint64_t rank = (uint64_t)((double)n * q);
    if ((double)rank < (double)n * q)
        rank++;
    return sorted[rank ? rank - 1 : 0];
}

/* byte streams: all len bytes, over partial transfers, again after EINTR */
static int write_full(int fd, const void *buf, size_t len)
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

static int read_full(int fd, void *buf, size_t len)
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

static int fd_producer(const struct raw_run *r, int rfd, int wfd)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++) {
        uint64_t t0 = raw_now_ns();
        if (write_full(wfd, r->sbuf, r->size) != 0 || read_full(rfd, r->rbuf, r->size) != 0)
            return raw_fail("round trip");
        raw_record(r, i, raw_now_ns() - t0);
    }
    return 0;
}

static int fd_consumer(const struct raw_run *r, int rfd, int wfd)
{
    for (uint64_t i = 0; i < r->warmup + r->count; i++)
        if (read_full(rfd, r->rbuf, r->size) != 0 || write_full(wfd, r->rbuf, r->size) != 0)
            return raw_fail("echo");
    return 0;
}

/* this side's loop: the mechanism's own, or the byte streams' */
static int run_side(const struct raw_mechanism *m, const struct raw_run *r, int side)
{
    if (!m->producer)
        return side == RAW_PRODUCER ? fd_producer(r, *m->rfd, *m->wfd)
                                    : fd_consumer(r, *m->rfd, *m->wfd);
    return side == RAW_PRODUCER ? m->producer(r) : m->consumer(r);
}

static unsigned char *touched(size_t bytes)
{
    unsigned char *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (p)
        memset(p, 0xa5, bytes);
    return p;
}

static void __attribute__((noreturn))
child(const struct raw_mechanism *m, struct raw_run *r, int side, const int cpu[2],
      int ready_fd, int go_fd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    if (cpu[side] >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu[side], &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) {
            raw_fail("sched_setaffinity");
            _exit(1);
        }
    }
    if (side == RAW_PRODUCER) {
        r->rtt_ns = malloc(r->count * sizeof *r->rtt_ns);
        if (!r->rtt_ns)
            _exit(1);
        memset(r->rtt_ns, 0, r->count * sizeof *r->rtt_ns);
    }
    if (m->open(r, side) != 0)
        _exit(1);
    char byte = 'r';
    if (write(ready_fd, &byte, 1) != 1)
        _exit(1);
    close(ready_fd);
    while (read(go_fd, &byte, 1) < 0 && errno == EINTR)
        ;
    close(go_fd);

    if (run_side(m, r, side) != 0)
        _exit(1);
    if (side == RAW_CONSUMER)
        _exit(0);
    qsort(r->rtt_ns, r->count, sizeof *r->rtt_ns, cmp_u64);
    if (cpu[0] >= 0)
        printf("raw %s size=%zu count=%llu cpu=%d,%d", m->name, r->size,
               (unsigned long long)r->count, cpu[0], cpu[1]);
    else
        printf("raw %s size=%zu count=%llu cpu=none", m->name, r->size,
               (unsigned long long)r->count);
    printf(" p50_ns=%llu p99_ns=%llu\n",
           (unsigned long long)percentile(r->rtt_ns, r->count, 0.50),
           (unsigned long long)percentile(r->rtt_ns, r->count, 0.99));
    _exit(fflush(stdout) == 0 ? 0 : 1);
}

/* set up, fork the two sides, open the barrier once both are ready, reap */
static int raw_fork_pair(const struct raw_mechanism *m, struct raw_run *r, const int cpu[2])
{
    if (m->setup(r) != 0) {
        if (m->teardown)
            m->teardown();
        return 1;
    }
    int ready[2], go[2], status = 0;
    pid_t pid[2] = {-1, -1};
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        raw_fail("pipe2");
        if (m->teardown)
            m->teardown();
        return 1;
    }
    fflush(NULL);
    for (int s = 0; s < 2; s++) {
        pid[s] = fork();
        if (pid[s] == 0) {
            close(ready[0]);
            close(go[1]);
            child(m, r, s, cpu, ready[1], go[0]);
        }
        if (pid[s] < 0)
            raw_fail("fork");
    }
    close(ready[1]);
    close(go[0]);
    /* both ready within 10 s, or a side died or hangs in its set-up */
    char bytes[2];
    ssize_t got = 0, n;
    struct pollfd pfd = {.fd = ready[0], .events = POLLIN};
    while (got < 2 && pid[0] > 0 && pid[1] > 0 && poll(&pfd, 1, 10000) > 0 &&
           ((n = read(ready[0], bytes, sizeof bytes)) > 0 || (n < 0 && errno == EINTR)))
        got += n > 0 ? n : 0;
    if (got == 2 && m->opened)
        m->opened();
    close(go[1]); /* both sides leave the barrier together */
    close(ready[0]);
    if (got < 2) {
        fprintf(stderr, "raw_%s: a side failed to open the channel\n", m->name);
        status = 1;
        for (int s = 0; s < 2; s++)
            if (pid[s] > 0)
                kill(pid[s], SIGKILL);
    }
    /* a side that fails leaves the other blocked on a queue or a semaphore */
    int live = (pid[0] > 0) + (pid[1] > 0);
    while (live > 0) {
        int st;
        pid_t w = wait(&st);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int s = 0; s < 2; s++)
            if (pid[s] == w) {
                pid[s] = -1;
                live--;
            }
        if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
            status = 1;
        if (status)
            for (int s = 0; s < 2; s++)
                if (pid[s] > 0)
                    kill(pid[s], SIGKILL);
    }
    if (m->teardown)
        m->teardown();
    return status;
}

int raw_main(int argc, char **argv, const struct raw_mechanism *m)
{
    uint64_t size = 64, count = 20000, warmup = 500;
    int cpu[2] = {-1, -1}, opt;
    mech_name = m->name;
    while ((opt = getopt(argc, argv, "s:n:w:h")) != -1) {
        int bad = 0;
        switch (opt) {
        case 's': bad = parse_u64(optarg, 1, &size) || size == 0; break;
        case 'n': bad = parse_u64(optarg, 0, &count) || count == 0; break;
        case 'w': bad = parse_u64(optarg, 0, &warmup); break;
        default: bad = 1;
        }
        if (bad)
            return usage();
    }
    if (argc - optind == 2) {
        for (int s = 0; s < 2; s++) {
            uint64_t c;
            if (parse_u64(argv[optind + s], 0, &c) || c >= CPU_SETSIZE)
                return usage();
            cpu[s] = (int)c;
        }
    } else if (argc != optind) {
        return usage();
    }

    struct raw_run r = {.size = (size_t)size, .warmup = warmup, .count = count,
                        .sbuf = touched((size_t)size), .rbuf = touched((size_t)size)};
    if (!r.sbuf || !r.rbuf) {
        fprintf(stderr, "raw_%s: out of memory\n", m->name);
        free(r.sbuf);
        free(r.rbuf);
        return 1;
    }
    int status = raw_fork_pair(m, &r, cpu);
    free(r.sbuf);
    free(r.rbuf);
    return status;
}
