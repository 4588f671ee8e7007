/* The one-way rings of shm_multi_ring.h between processes, spinning, on
 * futexes and on semaphores: four producer processes hammer Vyukov's queue through 8 slots
 * and the consumer finds each producer's messages all there, intact and in
 * that producer's order; three reader processes each get every message of
 * the fan-out ring, in order, through 4 slots; an empty ring says -EAGAIN
 * when asked not to wait; the strategies with objects of their own are
 * refused; a message larger than a slot is refused. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "transports/shm_multi_ring.h"

enum { PRODUCERS = 4, READERS = 3, PER_PRODUCER = 40000, MSG_MAX = 64 };

static void *shared(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return p;
}

/* message seq of producer p: its word, then bytes derived from both; a
 * length from 8 to MSG_MAX that changes from message to message */
static size_t make(unsigned char *buf, unsigned p, uint64_t seq)
{
    uint64_t word = (uint64_t)p << 56 | seq;
    size_t len = 8 + (size_t)((seq * 7 + p) % (MSG_MAX - 7));
    memcpy(buf, &word, 8);
    for (size_t i = 8; i < len; i++)
        buf[i] = (unsigned char)(word * 31 + i);
    return len;
}

static int intact(const unsigned char *buf, size_t len, unsigned p, uint64_t seq)
{
    unsigned char want[MSG_MAX];
    return make(want, p, seq) == len && memcmp(want, buf, len) == 0;
}

static pid_t fork_or_die(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    return pid;
}

static int reap_all(const pid_t *pids, unsigned n)
{
    int ok = 1;
    for (unsigned i = 0; i < n; i++) {
        int st;
        if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            ok = 0;
    }
    return ok;
}

static void test_mpmc(enum ipcb_shm_notify how, const char *name)
{
    size_t bytes = ipcb_mpmc_ring_bytes(MSG_MAX, 8);
    void *ring = shared(bytes);
    CHECK(ipcb_mpmc_ring_init(ring, MSG_MAX, 8, how) == 0, "%s: init", name);
    unsigned char buf[MSG_MAX];
    CHECK(ipcb_mpmc_ring_get(ring, buf, sizeof buf, 0) == -EAGAIN, "%s: empty says EAGAIN",
          name);
    pid_t pids[PRODUCERS];
    for (unsigned p = 0; p < PRODUCERS; p++) {
        if ((pids[p] = fork_or_die()) != 0)
            continue;
        alarm(120); /* a lost wake-up fails the test instead of hanging it */
        for (uint64_t seq = 0; seq < PER_PRODUCER; seq++) {
            size_t len = make(buf, p, seq);
            if (ipcb_mpmc_ring_put(ring, buf, len) != (ssize_t)len)
                _exit(1);
        }
        _exit(0);
    }
    alarm(120);
    uint64_t next[PRODUCERS] = {0};
    unsigned bad = 0;
    for (uint64_t k = 0; k < (uint64_t)PRODUCERS * PER_PRODUCER; k++) {
        ssize_t n = ipcb_mpmc_ring_get(ring, buf, sizeof buf, 1);
        uint64_t word;
        memcpy(&word, buf, 8);
        unsigned p = (unsigned)(word >> 56);
        if (n < 8 || p >= PRODUCERS || (word & ((1ull << 56) - 1)) != next[p] ||
            !intact(buf, (size_t)n, p, next[p])) {
            if (bad++ < 5)
                fprintf(stderr, "%s: message %llu: %zd bytes, word %#llx\n", name,
                        (unsigned long long)k, n, (unsigned long long)word);
            continue;
        }
        next[p]++;
    }
    alarm(0);
    CHECK(bad == 0, "%s: %u messages wrong, lost or out of a producer's order", name, bad);
    for (unsigned p = 0; p < PRODUCERS; p++)
        CHECK(next[p] == PER_PRODUCER, "%s: producer %u: %llu of %d", name, p,
              (unsigned long long)next[p], PER_PRODUCER);
    CHECK(reap_all(pids, PRODUCERS), "%s: every producer sent all and exited 0", name);
    CHECK(ipcb_mpmc_ring_get(ring, buf, sizeof buf, 0) == -EAGAIN, "%s: drained", name);
    CHECK(ipcb_mpmc_ring_put(ring, buf, MSG_MAX + 1) == -EMSGSIZE, "%s: too long", name);
    ipcb_mpmc_ring_fini(ring);
    munmap(ring, bytes);
}

static void test_fanout(enum ipcb_shm_notify how, const char *name)
{
    size_t bytes = ipcb_fanout_ring_bytes(MSG_MAX, 4);
    void *ring = shared(bytes);
    CHECK(ipcb_fanout_ring_init(ring, MSG_MAX, 4, how) == 0, "%s: init", name);
    unsigned char buf[MSG_MAX];
    pid_t pids[READERS];
    for (unsigned r = 0; r < READERS; r++) {
        int me = ipcb_fanout_ring_join(ring);
        CHECK(me == (int)r, "%s: reader %u joins as %d", name, r, me);
        CHECK(ipcb_fanout_ring_get(ring, (unsigned)me, buf, sizeof buf, 0) == -EAGAIN,
              "%s: reader %u finds nothing yet", name, r);
        if ((pids[r] = fork_or_die()) != 0)
            continue;
        alarm(120);
        for (uint64_t seq = 0; seq < PER_PRODUCER; seq++) {
            ssize_t n = ipcb_fanout_ring_get(ring, (unsigned)me, buf, sizeof buf, 1);
            if (n < 8 || !intact(buf, (size_t)n, 0, seq))
                _exit(1);
        }
        _exit(0);
    }
    alarm(120);
    unsigned bad = 0;
    for (uint64_t seq = 0; seq < PER_PRODUCER; seq++) {
        size_t len = make(buf, 0, seq);
        if (ipcb_fanout_ring_put(ring, buf, len) != (ssize_t)len)
            bad++;
    }
    CHECK(bad == 0, "%s: %u puts failed", name, bad);
    CHECK(reap_all(pids, READERS), "%s: every reader got every message in order", name);
    alarm(0);
    ipcb_fanout_ring_fini(ring);
    munmap(ring, bytes);
}

static void test_refusals(void)
{
    static _Alignas(128) unsigned char mem[1 << 14];
    CHECK(ipcb_mpmc_ring_init(mem, MSG_MAX, 8, IPCB_NOTIFY_EVENTFD) == -EINVAL,
          "the multi-producer ring refuses eventfds");
    CHECK(ipcb_fanout_ring_init(mem, MSG_MAX, 4, IPCB_NOTIFY_CONDVAR) == -EINVAL,
          "the fan-out ring refuses the monitor");
    CHECK(ipcb_shm_multi_waits(IPCB_NOTIFY_SPIN) && ipcb_shm_multi_waits(IPCB_NOTIFY_FUTEX) &&
          ipcb_shm_multi_waits(IPCB_NOTIFY_SEM) && !ipcb_shm_multi_waits(IPCB_NOTIFY_SIGNAL),
          "spin, futex and sem wait on them, signal does not");
    CHECK(ipcb_mpmc_ring_bytes(MSG_MAX, 0) == 0, "no slots, no ring");
}

int main(void)
{
    test_mpmc(IPCB_NOTIFY_SPIN, "mpmc/spin");
    test_mpmc(IPCB_NOTIFY_FUTEX, "mpmc/futex");
    test_mpmc(IPCB_NOTIFY_SEM, "mpmc/sem");
    test_fanout(IPCB_NOTIFY_SPIN, "fanout/spin");
    test_fanout(IPCB_NOTIFY_FUTEX, "fanout/futex");
    test_fanout(IPCB_NOTIFY_SEM, "fanout/sem");
    test_refusals();
    return checks_done();
}
