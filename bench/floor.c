/* bench/floor: the hardware floor under ipcbench's figures, measured with
 * more repeats than the quick pass every run writes into meta.json (the
 * same code: src/measure/hw_floor.c, hw_floor_spsc.c).
 *
 *   floor [--quick] [CPU_A CPU_B]
 *
 * CPU_A and CPU_B are the two CPUs of the cache-line round trip, the copy
 * and the SPSC ring (default: the first two this process may run on);
 * --quick uses the effort of a run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/clock.h"
#include "measure/hw_floor.h"

static int usage(void)
{
    fprintf(stderr, "usage: floor [--quick] [CPU_A CPU_B]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const struct ipcb_hwfloor_effort *e = &ipcb_hwfloor_thorough;
    int want[2] = {-1, -1}, n = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--quick") == 0) {
            e = &ipcb_hwfloor_quick;
            continue;
        }
        long v = strtol(argv[i], &end, 10);
        if (*end || end == argv[i] || v < 0 || v > 1 << 20 || n == 2)
            return usage();
        want[n++] = (int)v;
    }
    if (n == 1)
        return usage();

    struct ipcb_hwfloor f;
    uint64_t t0 = ipcb_now_ns();
    ipcb_hwfloor_measure(&f, want, e);
    double took_s = (double)(ipcb_now_ns() - t0) / 1e9;

    printf("hardware floor (%s: %.2f s)\n", e == &ipcb_hwfloor_quick ? "quick" : "thorough",
           took_s);
    if (f.cpu[0] < 0)
        printf("  cache-line round trip   n/a (fewer than two CPUs allowed)\n");
    else
        printf("  cache-line round trip   %8.1f ns   CPU %d <-> CPU %d, median of %u "
               "batches of %u\n", f.cacheline_rtt_ns, f.cpu[0], f.cpu[1], e->rtt_batches,
               e->rtt_per_batch);
    if (f.cpu[0] >= 0)
        printf("  ring round trip 64 B    %8.1f ns   two rings of %u one-line slots %u B apart "
               "(shm's), the next slot each time, nothing else\n",
               ipcb_hwfloor_ring_rtt_ns(f.cpu[0], f.cpu[1], e), IPCB_HWFLOOR_XCPU_SLOTS,
               IPCB_HWFLOOR_RING_STRIDE);
    if (f.cpu[0] >= 0)
        printf("  copy across CPUs 64k    %8.2f GiB/s, CPU %d -> CPU %d through %u slots, "
               "median of %u\n", f.xcpu_copy_gib_s, f.cpu[0], f.cpu[1], IPCB_HWFLOOR_XCPU_SLOTS,
               e->xcpu_samples);
    if (f.cpu[0] >= 0)
        printf("  SPSC ring 64 B          %8.2f M msgs/s, CPU %d -> CPU %d, %u slots, "
               "median of %u\n", f.spsc_64_msgs_per_s / 1e6, f.cpu[0], f.cpu[1],
               IPCB_HWFLOOR_XCPU_SLOTS, e->spsc_samples);
    for (int s = 0; s < IPCB_HWFLOOR_MEMCPY_SIZES; s++)
        printf("  memcpy %-4s             %8.2f GiB/s, median of %u\n",
               ipcb_hwfloor_memcpy_name[s], f.memcpy_gib_s[s], e->memcpy_repeats);
    printf("  clock read              %8.1f ns   clock_gettime(CLOCK_MONOTONIC)\n",
           f.clock_read_ns);
    if (want[0] >= 0 && (f.cpu[0] != want[0] || f.cpu[1] != want[1]))
        fprintf(stderr, "floor: CPUs %d and %d are not two CPUs this process may use; "
                "used %d and %d\n", want[0], want[1], f.cpu[0], f.cpu[1]);
    /* NAN != NAN: a figure that could not be measured on two CPUs fails */
    int all = f.cacheline_rtt_ns == f.cacheline_rtt_ns && f.xcpu_copy_gib_s == f.xcpu_copy_gib_s &&
              f.spsc_64_msgs_per_s == f.spsc_64_msgs_per_s;
    return all || f.cpu[0] < 0 ? 0 : 1;
}
