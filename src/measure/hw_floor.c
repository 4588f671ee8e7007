/* The hardware floor: a cache line's round trip between two CPUs, the copy
 * of 64 KiB blocks across them, memcpy bandwidth, the cost of a clock read.
 * One implementation for every run's meta.json (quick) and for bench/floor
 * (thorough). */
#include "measure/hw_floor.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "measure/clock.h"
#include "measure/hw_floor_cache.h"
#include "transports/shm_options.h"

const size_t ipcb_hwfloor_memcpy_bytes[IPCB_HWFLOOR_MEMCPY_SIZES] = {
    4096, 64 * 1024, 1024 * 1024, 64 * 1024 * 1024,
};
const char *const ipcb_hwfloor_memcpy_name[IPCB_HWFLOOR_MEMCPY_SIZES] = {"4k", "64k", "1M", "64M"};

const struct ipcb_hwfloor_effort ipcb_hwfloor_quick = {
    .rtt_batches = 200, .rtt_per_batch = 16, .rtt_deadline_ns = 250000000ull,
    .memcpy_repeats = 3, .memcpy_sample_bytes = 1024 * 1024,
    .xcpu_samples = 5, .xcpu_blocks_per_sample = 128,
};
const struct ipcb_hwfloor_effort ipcb_hwfloor_thorough = {
    .rtt_batches = 20000, .rtt_per_batch = 16, .rtt_deadline_ns = 5000000000ull,
    .memcpy_repeats = 15, .memcpy_sample_bytes = 64 * 1024 * 1024,
    .xcpu_samples = 15, .xcpu_blocks_per_sample = 1024,
};

#define RTT_WARMUP 1000u

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static double gib_per_s(uint64_t bytes, uint64_t ns)
{
    return (double)bytes / (double)(ns ? ns : 1) * 1e9 / (1024.0 * 1024.0 * 1024.0);
}

/* a measuring child: dies with its parent, and takes SIGINT and SIGTERM as
 * anything does, not as the driver's handlers would */
static void child_prologue(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

/* 1 when the child exited with status 0 */
static int reaped_ok(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int ipcb_hwfloor_pick_cpus(const int want[2], int cpu[2])
{
    cpu_set_t allowed;
    cpu[0] = cpu[1] = -1;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        return -1;
    if (want[0] >= 0 && want[1] >= 0 && want[0] != want[1] && want[0] < CPU_SETSIZE &&
        want[1] < CPU_SETSIZE && CPU_ISSET(want[0], &allowed) && CPU_ISSET(want[1], &allowed)) {
        cpu[0] = want[0];
        cpu[1] = want[1];
        return 0;
    }
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &allowed))
            cpu[n++] = c;
    if (n < 2)
        cpu[0] = cpu[1] = -1;
    return n < 2 ? -1 : 0;
}

/* ---- cache-line round trip ---- */

/* each counter on a line of its own: the line that moves is the point */
struct line_pair {
    _Alignas(64) _Atomic uint64_t ping;  /* the timing side's count */
    _Alignas(64) _Atomic uint64_t pong;  /* the echo side's answer */
    _Alignas(64) _Atomic uint64_t ready; /* 1: the echo side is pinned and spinning */
    _Atomic int gave_up;                 /* a side stopped waiting: the other stops too */
};

/* The spin-wait hint: without it the spinning load keeps pulling the line
 * back while the other side's store is on its way, and a round trip measured
 * here took 10-20% longer (x86-64 VM). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* spin until *v reaches want (the counters only grow); -1 when the other
 * side gave up or time ran out */
static int spin_for(_Atomic uint64_t *v, uint64_t want, _Atomic int *gave_up,
                    uint64_t deadline_ns)
{
    for (unsigned n = 1; atomic_load_explicit(v, memory_order_acquire) < want; n++) {
        cpu_relax();
        if ((n & 0xfffu) == 0 &&
            (atomic_load_explicit(gave_up, memory_order_relaxed) ||
             ipcb_now_ns() > deadline_ns)) {
            atomic_store(gave_up, 1);
            return -1;
        }
    }
    return 0;
}

static int pin_to(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

static void __attribute__((noreturn))
echo_side(struct line_pair *lp, int cpu, uint64_t total, uint64_t deadline_ns)
{
    child_prologue();
    if (pin_to(cpu) != 0) {
        atomic_store(&lp->gave_up, 1);
        _exit(1);
    }
    atomic_store(&lp->ready, 1);
    for (uint64_t i = 1; i <= total; i++) {
        if (spin_for(&lp->ping, i, &lp->gave_up, deadline_ns) != 0)
            _exit(1);
        atomic_store_explicit(&lp->pong, i, memory_order_release);
    }
    _exit(0);
}

/* the timing side: per_rtt[b] is batch b's time over its round trips */
static int timing_side(struct line_pair *lp, const struct ipcb_hwfloor_effort *e,
                       uint64_t deadline_ns, double *per_rtt)
{
    if (spin_for(&lp->ready, 1, &lp->gave_up, deadline_ns) != 0)
        return -1;
    uint64_t i = 0;
    while (i < RTT_WARMUP) {
        atomic_store_explicit(&lp->ping, ++i, memory_order_release);
        if (spin_for(&lp->pong, i, &lp->gave_up, deadline_ns) != 0)
            return -1;
    }
    for (unsigned b = 0; b < e->rtt_batches; b++) {
        uint64_t t0 = ipcb_now_ns();
        for (unsigned k = 0; k < e->rtt_per_batch; k++) {
            atomic_store_explicit(&lp->ping, ++i, memory_order_release);
            if (spin_for(&lp->pong, i, &lp->gave_up, deadline_ns) != 0)
                return -1;
        }
        per_rtt[b] = (double)(ipcb_now_ns() - t0) / e->rtt_per_batch;
    }
    return 0;
}

double ipcb_hwfloor_cacheline_rtt_ns(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e)
{
    cpu_set_t before;
    if (cpu_a < 0 || cpu_b < 0 || cpu_a == cpu_b || e->rtt_batches == 0 ||
        e->rtt_per_batch == 0 || sched_getaffinity(0, sizeof before, &before) != 0)
        return NAN;
    struct line_pair *lp = mmap(NULL, sizeof *lp, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (lp == MAP_FAILED)
        return NAN;
    double *per_rtt = malloc(e->rtt_batches * sizeof *per_rtt);
    const uint64_t total = RTT_WARMUP + (uint64_t)e->rtt_batches * e->rtt_per_batch;
    const uint64_t deadline_ns = ipcb_now_ns() + e->rtt_deadline_ns;
    double result = NAN;
    pid_t pid = per_rtt ? fork() : -1;
    if (pid == 0)
        echo_side(lp, cpu_b, total, deadline_ns);
    if (pid > 0) {
        int ok = pin_to(cpu_a) == 0 && timing_side(lp, e, deadline_ns, per_rtt) == 0;
        if (!ok)
            atomic_store(&lp->gave_up, 1); /* the echo side stops too */
        sched_setaffinity(0, sizeof before, &before);
        if (reaped_ok(pid) && ok)
            result = median(per_rtt, e->rtt_batches);
    }
    free(per_rtt);
    munmap(lp, sizeof *lp);
    return result;
}

/* ---- memcpy bandwidth ---- */

/* Written through, so every page is a page of its own and not the shared
 * zero page, and no timed copy pays for a fault. Huge pages where the kernel
 * gives them: the floor is the best case, and on a VM they touch 128 MiB of
 * fresh memory several times faster. */
static unsigned char *touched_buffer(size_t bytes, int fill)
{
    unsigned char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
    memset(p, fill, bytes);
    return p;
}

/* the copy happened, as far as the compiler knows: no copy can be elided */
static inline void copied(void *dst)
{
    __asm__ __volatile__("" : : "r"(dst) : "memory");
}

int ipcb_hwfloor_memcpy_gib_s(double gib_s[IPCB_HWFLOOR_MEMCPY_SIZES],
                            const struct ipcb_hwfloor_effort *e)
{
    const unsigned repeats = e->memcpy_repeats;
    const size_t sample_bytes = e->memcpy_sample_bytes;
    const size_t largest = ipcb_hwfloor_memcpy_bytes[IPCB_HWFLOOR_MEMCPY_SIZES - 1];
    for (int s = 0; s < IPCB_HWFLOOR_MEMCPY_SIZES; s++)
        gib_s[s] = NAN;
    if (repeats == 0)
        return 0;
    unsigned char *src = touched_buffer(largest, 0x5a);
    unsigned char *dst = touched_buffer(largest, 0);
    double *sample = malloc(repeats * sizeof *sample);
    int rc = 0;
    if (!src || !dst || !sample) {
        rc = -ENOMEM;
        goto out;
    }
    for (int s = 0; s < IPCB_HWFLOOR_MEMCPY_SIZES; s++) {
        const size_t bytes = ipcb_hwfloor_memcpy_bytes[s];
        const size_t copies = sample_bytes > bytes ? sample_bytes / bytes : 1;
        memcpy(dst, src, bytes); /* warm: caches for the small ones, TLB for all */
        copied(dst);
        for (unsigned r = 0; r < repeats; r++) {
            uint64_t t0 = ipcb_now_ns();
            for (size_t c = 0; c < copies; c++) {
                memcpy(dst, src, bytes);
                copied(dst);
            }
            sample[r] = gib_per_s(copies * bytes, ipcb_now_ns() - t0);
        }
        gib_s[s] = median(sample, repeats);
    }
out:
    free(sample);
    if (src)
        munmap(src, largest);
    if (dst)
        munmap(dst, largest);
    return rc;
}

/* ---- copy across two CPUs ----
 * What a copy-in/copy-out ring at its best moves between two CPUs: one
 * process pinned to cpu_a copies 64 KiB blocks from a private buffer into a
 * shared ring of IPCB_HWFLOOR_XCPU_SLOTS blocks, one pinned to cpu_b copies
 * each out to a private buffer; a counter each way and nothing else. Both
 * are children, so the ring never counts in the caller's RSS. */

struct xcpu_ring {
    _Alignas(64) _Atomic uint64_t head;  /* blocks written */
    _Alignas(64) _Atomic uint64_t tail;  /* blocks copied out */
    _Alignas(64) _Atomic uint64_t ready; /* sides pinned and waiting: 2 to start */
    _Atomic int gave_up;
    double gib_s;                        /* the reading side's median */
};
#define XCPU_BLOCKS_AT 4096 /* the blocks start on a page of their own */
_Static_assert(sizeof(struct xcpu_ring) <= XCPU_BLOCKS_AT, "the counters fit before the blocks");
_Static_assert(IPCB_HWFLOOR_XCPU_SLOTS == IPCB_SHM_DEFAULT_RING_SLOTS,
               "the copy across CPUs has the shm transport's default ring");

static unsigned char *xcpu_block(struct xcpu_ring *x, uint64_t i)
{
    return (unsigned char *)x + XCPU_BLOCKS_AT +
           (size_t)(i % IPCB_HWFLOOR_XCPU_SLOTS) * IPCB_HWFLOOR_XCPU_BYTES;
}

/* cpu_a's side: blocks [0, total) in, each as soon as the ring has room */
static int xcpu_write(struct xcpu_ring *x, const unsigned char *mine, uint64_t total,
                      uint64_t deadline_ns)
{
    for (uint64_t i = 0; i < total; i++) {
        if (i >= IPCB_HWFLOOR_XCPU_SLOTS &&
            spin_for(&x->tail, i + 1 - IPCB_HWFLOOR_XCPU_SLOTS, &x->gave_up, deadline_ns) != 0)
            return -1;
        memcpy(xcpu_block(x, i), mine, IPCB_HWFLOOR_XCPU_BYTES);
        atomic_store_explicit(&x->head, i + 1, memory_order_release);
    }
    return 0;
}

/* cpu_b's side: blocks [first, last) out, each as soon as it is in */
static int xcpu_read(struct xcpu_ring *x, unsigned char *mine, uint64_t first, uint64_t last,
                     uint64_t deadline_ns)
{
    for (uint64_t i = first; i < last; i++) {
        if (spin_for(&x->head, i + 1, &x->gave_up, deadline_ns) != 0)
            return -1;
        memcpy(mine, xcpu_block(x, i), IPCB_HWFLOOR_XCPU_BYTES);
        copied(mine);
        atomic_store_explicit(&x->tail, i + 1, memory_order_release);
    }
    return 0;
}

static void __attribute__((noreturn))
xcpu_side(struct xcpu_ring *x, int cpu, int reader, const struct ipcb_hwfloor_effort *e,
          uint64_t deadline_ns)
{
    child_prologue();
    const uint64_t warm = IPCB_HWFLOOR_XCPU_SLOTS * 4ull, per = e->xcpu_blocks_per_sample;
    unsigned char *mine = touched_buffer(IPCB_HWFLOOR_XCPU_BYTES, reader ? 0 : 0x5a);
    double *sample = reader ? malloc(e->xcpu_samples * sizeof *sample) : NULL;
    if (!mine || (reader && !sample) || pin_to(cpu) != 0) {
        atomic_store(&x->gave_up, 1);
        _exit(1);
    }
    atomic_fetch_add(&x->ready, 1);
    if (spin_for(&x->ready, 2, &x->gave_up, deadline_ns) != 0)
        _exit(1);
    if (!reader)
        _exit(xcpu_write(x, mine, warm + e->xcpu_samples * per, deadline_ns) == 0 ? 0 : 1);
    if (xcpu_read(x, mine, 0, warm, deadline_ns) != 0)
        _exit(1);
    for (unsigned k = 0; k < e->xcpu_samples; k++) {
        uint64_t t0 = ipcb_now_ns(), first = warm + k * per;
        if (xcpu_read(x, mine, first, first + per, deadline_ns) != 0)
            _exit(1);
        sample[k] = gib_per_s(per * IPCB_HWFLOOR_XCPU_BYTES, ipcb_now_ns() - t0);
    }
    x->gib_s = median(sample, e->xcpu_samples);
    _exit(0);
}

double ipcb_hwfloor_xcpu_copy_gib_s(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e)
{
    if (cpu_a < 0 || cpu_b < 0 || cpu_a == cpu_b || e->xcpu_samples == 0 ||
        e->xcpu_blocks_per_sample == 0)
        return NAN;
    const size_t bytes = XCPU_BLOCKS_AT + (size_t)IPCB_HWFLOOR_XCPU_SLOTS * IPCB_HWFLOOR_XCPU_BYTES;
    struct xcpu_ring *x = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                               -1, 0);
    if (x == MAP_FAILED)
        return NAN;
    x->gib_s = NAN;
    const uint64_t deadline_ns = ipcb_now_ns() + e->rtt_deadline_ns;
    int ok = 1;
    pid_t side[2];
    for (int reader = 0; reader < 2; reader++) {
        side[reader] = ok ? fork() : -1;
        if (side[reader] == 0)
            xcpu_side(x, reader ? cpu_b : cpu_a, reader, e, deadline_ns);
        if (side[reader] < 0) {
            atomic_store(&x->gave_up, 1); /* a writer already started stops too */
            ok = 0;
        }
    }
    for (int reader = 0; reader < 2; reader++)
        if (side[reader] > 0)
            ok = reaped_ok(side[reader]) && ok;
    double result = ok ? x->gib_s : NAN;
    munmap(x, bytes);
    return result;
}

/* In a child of its own: the 128 MiB it touches must never count in the
 * caller's peak RSS, which the driver reports in meta.json as its own. */
static void memcpy_in_child(double gib_s[IPCB_HWFLOOR_MEMCPY_SIZES],
                            const struct ipcb_hwfloor_effort *e)
{
    const size_t bytes = IPCB_HWFLOOR_MEMCPY_SIZES * sizeof(double);
    for (int s = 0; s < IPCB_HWFLOOR_MEMCPY_SIZES; s++)
        gib_s[s] = NAN;
    double *shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                          -1, 0);
    if (shared == MAP_FAILED)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        child_prologue();
        _exit(ipcb_hwfloor_memcpy_gib_s(shared, e) == 0 ? 0 : 1);
    }
    if (pid > 0 && reaped_ok(pid))
        memcpy(gib_s, shared, bytes);
    munmap(shared, bytes);
}

/* what the cache keeps: memcpy bandwidth and the clock read, and when */
static void measure_memory_and_clock(struct ipcb_hwfloor *f, const struct ipcb_hwfloor_effort *e)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(f->measured_utc, sizeof f->measured_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    f->from_cache = 0;
    f->clock_read_ns = ipcb_monotonic_read_cost_ns();
    memcpy_in_child(f->memcpy_gib_s, e);
}

static void measure_cacheline(struct ipcb_hwfloor *f, const int want[2],
                              const struct ipcb_hwfloor_effort *e)
{
    ipcb_hwfloor_pick_cpus(want, f->cpu);
    f->cacheline_rtt_ns = ipcb_hwfloor_cacheline_rtt_ns(f->cpu[0], f->cpu[1], e);
    f->xcpu_copy_gib_s = ipcb_hwfloor_xcpu_copy_gib_s(f->cpu[0], f->cpu[1], e);
}

void ipcb_hwfloor_measure(struct ipcb_hwfloor *f, const int want[2],
                        const struct ipcb_hwfloor_effort *e)
{
    memset(f, 0, sizeof *f);
    f->measured = 1;
    measure_cacheline(f, want, e);
    measure_memory_and_clock(f, e);
}

void ipcb_hwfloor_get(struct ipcb_hwfloor *f, const int want[2])
{
    memset(f, 0, sizeof *f);
    f->measured = 1;
    /* every run, in a few ms: a VM's vCPUs move between physical cores
     * during a boot, and on the one this was written on that moved the
     * figure between 130 and 570 ns */
    measure_cacheline(f, want, &ipcb_hwfloor_quick);
    if (ipcb_hwfloor_cache_load(f) == 0)
        return;
    measure_memory_and_clock(f, &ipcb_hwfloor_quick);
    ipcb_hwfloor_cache_store(f);
}
