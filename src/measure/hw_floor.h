/* The hardware floor under ipcbench's figures: how fast two CPUs can pass a
 * cache line back and forth, copy 64 KiB blocks and stream 64-byte messages
 * between them, how fast memory copies at four sizes, and what one clock
 * read costs. The driver puts it in every run's meta.json (quick,
 * cached per boot); bench/floor measures it with more repeats. */
#ifndef IPCB_HWFLOOR_H
#define IPCB_HWFLOOR_H

#include <stddef.h>
#include <stdint.h>

#include "ipcbench/results.h"

/* bytes of each memcpy measurement, and its name in meta.json: 4k 64k 1M 64M */
extern const size_t ipcb_hwfloor_memcpy_bytes[IPCB_HWFLOOR_MEMCPY_SIZES];
extern const char *const ipcb_hwfloor_memcpy_name[IPCB_HWFLOOR_MEMCPY_SIZES];

struct ipcb_hwfloor_effort {
    unsigned rtt_batches;       /* timed batches of cache-line round trips */
    unsigned rtt_per_batch;     /* round trips per batch: one clock read pair each */
    uint64_t rtt_deadline_ns;   /* give up (NAN) when a side of the round trip, or of
                                   the copy across CPUs, is not scheduled by then */
    unsigned memcpy_repeats;    /* timed samples per size; the median is kept */
    size_t memcpy_sample_bytes; /* bytes one sample copies (one copy at least) */
    unsigned xcpu_samples;      /* timed samples of the copy across CPUs */
    unsigned xcpu_blocks_per_sample; /* 64 KiB blocks each sample reads */
    unsigned spsc_samples;      /* timed samples of the SPSC ring */
    unsigned spsc_msgs_per_sample; /* 64-byte messages each sample reads, 2 at least */
};
/* for meta.json: the figures across CPUs in a few tens of ms every run; memcpy in 0.05-0.4 s,
 * most of it touching 128 MiB, once per boot */
extern const struct ipcb_hwfloor_effort ipcb_hwfloor_quick;
/* about 1 s: bench/floor */
extern const struct ipcb_hwfloor_effort ipcb_hwfloor_thorough;

/* The two CPUs of the cache-line round trip: want[0] and want[1] when both
 * are set, differ and are allowed, else the first two this process may run
 * on. Returns 0, or -1 (cpu[] = -1) when fewer than two CPUs are allowed. */
int ipcb_hwfloor_pick_cpus(const int want[2], int cpu[2]);

/* Median round trip of a cache line between this process pinned to cpu_a
 * and a child pinned to cpu_b (each stores its increment, drains it with a
 * full fence and spins until the other's shows), in ns; NAN if it could not
 * run (fewer than two CPUs, fork refused, a side not scheduled before the
 * deadline). This process's CPU affinity is as before when it returns. */
double ipcb_hwfloor_cacheline_rtt_ns(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e);

/* The same 64-byte round trip through two rings of IPCB_HWFLOOR_XCPU_SLOTS
 * one-line slots IPCB_HWFLOOR_RING_STRIDE bytes apart (the shm transport's
 * default shape: a line used, three that nothing touches, see
 * shm_ring.h), the next slot each time and nothing else per message, in
 * ns per round trip, median of the batches; what rotating through the
 * slots costs beside one line. NAN if it could not run. For the bench
 * tools (hw_floor_ring.c), not meta.json. */
#define IPCB_HWFLOOR_RING_STRIDE 256u
/* and the second ring's slot i lies 16 slots and this much past the first
 * ring's, as in shm's segment of two 64-byte rings of 16 */
#define IPCB_HWFLOOR_RING_APART 768u
double ipcb_hwfloor_ring_rtt_ns(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e);

/* The copy across two CPUs: blocks of IPCB_HWFLOOR_XCPU_BYTES written on
 * cpu_a into a ring of IPCB_HWFLOOR_XCPU_SLOTS (the shm transport's default
 * shape) and copied out on cpu_b, in GiB/s as cpu_b sees it, median of the
 * samples; what a copy-in/copy-out ring can reach at 64 KiB, where memcpy on
 * one CPU is no bound. NAN if it could not run. Takes a few ms (quick). */
#define IPCB_HWFLOOR_XCPU_BYTES (64u * 1024u)
#define IPCB_HWFLOOR_XCPU_SLOTS 16u
double ipcb_hwfloor_xcpu_copy_gib_s(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e);

/* The SPSC reference: the best-known single-producer single-consumer ring
 * (cached indexes, one 64-byte slot a cache line, IPCB_HWFLOOR_XCPU_SLOTS
 * slots) streaming 64-byte messages, each copied in on cpu_a and out on
 * cpu_b, in messages/s as cpu_b sees them, median of the samples: what a
 * shared-memory ring of small messages can reach. NAN if it could not run,
 * or if a message came out wrong. Takes 10-30 ms (quick). */
double ipcb_hwfloor_spsc_msgs_per_s(int cpu_a, int cpu_b, const struct ipcb_hwfloor_effort *e);

/* memcpy bandwidth in GiB/s at each ipcb_hwfloor_memcpy_bytes size between
 * pre-touched buffers, median of repeats; 0, or -ENOMEM (gib_s[] NAN). */
int ipcb_hwfloor_memcpy_gib_s(double gib_s[IPCB_HWFLOOR_MEMCPY_SIZES],
                            const struct ipcb_hwfloor_effort *e);

/* all of it now, on the CPUs ipcb_hwfloor_pick_cpus(want) chooses; the memcpy
 * part in a child process, so the caller's peak RSS does not grow */
void ipcb_hwfloor_measure(struct ipcb_hwfloor *f, const int want[2],
                        const struct ipcb_hwfloor_effort *e);

/* The floor for this run. The cache-line round trip, the copy across CPUs
 * and the SPSC ring are measured every time (a few tens of ms: where a VM's
 * vCPUs sit, which decides them, can change during a boot). memcpy bandwidth
 * and the clock read, which cost up to 0.4 s, come from this boot's cache
 * (floor_cache.h), else are measured now and cached when every figure came
 * out. */
void ipcb_hwfloor_get(struct ipcb_hwfloor *f, const int want[2]);

#endif
