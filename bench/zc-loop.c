/* bench/zc-loop: the work of a shm-zc stream with no transport around it,
 * so that shm-zc's figure can be set against it (bench/zc-loop-ratio).
 *
 *   zc-loop [-s SIZE] [-n COUNT] [-w WARMUP] [-k CHUNKS] [--full] [--cpu A,B]
 *
 * Two processes share an anonymous mapping of CHUNKS chunks of SIZE bytes,
 * all holding the filler. The producer, for each message, does what
 * ipcbench's stream producer does to a loaned chunk: the filler over every
 * byte under --full, then the stamps (ipcb_msg_stamp) and its send time at
 * [8,16). The consumer checks the stamps (every byte under --full) in place
 * and reads its clock, as ipcbench's does. The only hand-off is a flag word
 * per chunk, set with release order by the one and cleared by the other,
 * both spinning as shm's spin strategy does: no queue, no owner word. It prints the
 * consumer's rate over the span from the last warm-up message to the last,
 * as ipcbench's stream row measures it. Defaults: 16M, 300, 20, 4 chunks
 * (shm-zc's producer pool at 16 MiB), CPUs 0 and 1. */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cpu_relax.h"
#include "ipcbench/units.h"
#include "measure/clock.h"
#include "measure/message.h"

struct loop {
    size_t size, stride;
    uint64_t count, warmup;
    unsigned chunks;
    int full;
    int cpu[2];
    unsigned char *pool;         /* chunks x stride, shared */
    _Atomic uint32_t *flags;     /* one per 64 bytes, shared: 1 = filled */
};

/* a side that waits polls as shm's spin strategy does: a pause per poll and
 * the CPU given away after 256 of them (shm_ring.c), so that on a loaded or
 * shared CPU the loop waits no worse than the transport it is set against */
static void wait_for(_Atomic uint32_t *word, uint32_t value)
{
    unsigned spins = 0;
    while (atomic_load_explicit(word, memory_order_acquire) != value) {
        ipcb_cpu_relax();
        if (++spins == 256) {
            spins = 0;
            sched_yield();
        }
    }
}

/* where the consumer puts each one-way latency, so the read stays */
static volatile uint64_t latency_sink;

static _Atomic uint32_t *flag(struct loop *l, unsigned k)
{
    return l->flags + (size_t)k * 16;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        fprintf(stderr, "zc-loop: CPU %d: %s (left unpinned)\n", cpu, strerror(errno));
}

static void produce(struct loop *l, const unsigned char *filler)
{
    pin(l->cpu[0]);
    for (uint64_t seq = 0; seq < l->warmup + l->count; seq++) {
        unsigned k = (unsigned)(seq % l->chunks);
        unsigned char *buf = l->pool + (size_t)k * l->stride;
        wait_for(flag(l, k), 0);
        if (l->full)
            memcpy(buf, filler, l->size);
        ipcb_msg_stamp(buf, l->size, seq);
        if (l->size >= 16)
            ipcb_put64(buf + 8, ipcb_now_ns());
        atomic_store_explicit(flag(l, k), 1, memory_order_release);
    }
}

/* the consumer's span in ns, or 0 when a message was wrong */
static uint64_t consume(struct loop *l, unsigned char *expect)
{
    uint64_t first = 0, last = 0;
    pin(l->cpu[1]);
    for (uint64_t seq = 0; seq < l->warmup + l->count; seq++) {
        unsigned k = (unsigned)(seq % l->chunks);
        const unsigned char *buf = l->pool + (size_t)k * l->stride;
        wait_for(flag(l, k), 1);
        int bad = l->full ? ipcb_msg_check_full(buf, expect, l->size, seq)
                          : ipcb_msg_check_stamps(buf, l->size, seq);
        uint64_t now = ipcb_now_ns();
        if (l->size >= 16)
            latency_sink = now - ipcb_get64(buf + 8); /* read, as the histogram does */
        atomic_store_explicit(flag(l, k), 0, memory_order_release);
        if (bad) {
            fprintf(stderr, "zc-loop: message %llu is wrong\n", (unsigned long long)seq);
            return 0;
        }
        if (seq + 1 == l->warmup || (l->warmup == 0 && seq == 0))
            first = now;
        last = now;
    }
    return last > first ? last - first : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: zc-loop [-s SIZE] [-n COUNT] [-w WARMUP] [-k CHUNKS] [--full] "
            "[--cpu A,B]\n");
    return 2;
}

static int parse(int argc, char **argv, struct loop *l)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        char err[128];
        if (strcmp(a, "--full") == 0) {
            l->full = 1;
            continue;
        }
        if (!v)
            return -1;
        i++;
        if (strcmp(a, "--cpu") == 0) {
            if (sscanf(v, "%d,%d", &l->cpu[0], &l->cpu[1]) != 2)
                return -1;
        } else if (strcmp(a, "-s") == 0 && ipcb_parse_size(v, &n, err, sizeof err) == 0 && n > 0) {
            l->size = (size_t)n;
        } else if (strcmp(a, "-n") == 0 && ipcb_parse_count(v, &n, err, sizeof err) == 0 && n > 0) {
            l->count = n;
        } else if (strcmp(a, "-w") == 0 && ipcb_parse_count(v, &n, err, sizeof err) == 0) {
            l->warmup = n;
        } else if (strcmp(a, "-k") == 0 && ipcb_parse_count(v, &n, err, sizeof err) == 0 && n > 0 && n < 4096) {
            l->chunks = (unsigned)n;
        } else {
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct loop l = {.size = 16u << 20, .count = 300, .warmup = 20, .chunks = 4,
                     .cpu = {0, 1}};
    if (parse(argc, argv, &l) != 0)
        return usage();
    l.stride = (l.size + 4095) & ~(size_t)4095;
    /* the chunks page-aligned, as in shm-zc's segment */
    size_t flags_bytes = ((size_t)l.chunks * 64 + 4095) & ~(size_t)4095;
    size_t bytes = flags_bytes + l.stride * l.chunks;
    unsigned char *area = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                               -1, 0);
    unsigned char *filler = malloc(l.size), *expect = malloc(l.size);
    if (area == MAP_FAILED || !filler || !expect) {
        fprintf(stderr, "zc-loop: no memory for %zu bytes\n", bytes);
        return 1;
    }
    l.flags = (_Atomic uint32_t *)(void *)area;
    l.pool = area + flags_bytes;
    ipcb_msg_fill(filler, l.size);
    memcpy(expect, filler, l.size);
    for (unsigned k = 0; k < l.chunks; k++)
        memcpy(l.pool + (size_t)k * l.stride, filler, l.size);

    pid_t child = fork();
    if (child < 0) {
        perror("zc-loop: fork");
        return 1;
    }
    if (child == 0) {
        produce(&l, filler);
        _exit(0);
    }
    uint64_t span = consume(&l, expect);
    int status;
    waitpid(child, &status, 0);
    if (span == 0)
        return 1;
    double per_s = (double)l.count / ((double)span / 1e9);
    printf("zc-loop size %zu chunks %u %s cpu %d,%d: %.1f msgs/s %.1f MiB/s %.3f us/msg\n",
           l.size, l.chunks, l.full ? "full" : "stamps", l.cpu[0], l.cpu[1], per_s,
           per_s * (double)l.size / 1048576.0, 1e6 / per_s);
    return 0;
}
