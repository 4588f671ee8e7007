/* bench/floor_slice: one figure of the hardware floor, in one short slice,
 * for bench/shm-paired to alternate with ipcbench's own figures: the
 * cache-line round trip (a few ms) or the SPSC ring's 64-byte messages a
 * second (10-30 ms), with the effort of every run's meta.json (quick)
 * but a 2 s deadline for a side to be scheduled.
 *
 *   floor_slice line|ring|spsc CPU_A CPU_B
 *
 * prints the figure alone: ns for line and ring (the same 64 B round trip
 * through two 16-slot rings, hw_floor_ring.c), messages/s for spsc; exit 1
 * when it could not be measured. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/hw_floor.h"

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "line") != 0 && strcmp(argv[1], "ring") != 0 &&
                      strcmp(argv[1], "spsc") != 0)) {
        fprintf(stderr, "usage: floor_slice line|ring|spsc CPU_A CPU_B\n");
        return 2;
    }
    int a = atoi(argv[2]), b = atoi(argv[3]);
    /* a run's effort, with more patience for a side the scheduler keeps off its CPU */
    struct ipcb_hwfloor_effort e = ipcb_hwfloor_quick;
    e.rtt_deadline_ns = 2000000000ull;
    double v = strcmp(argv[1], "line") == 0   ? ipcb_hwfloor_cacheline_rtt_ns(a, b, &e)
               : strcmp(argv[1], "ring") == 0 ? ipcb_hwfloor_ring_rtt_ns(a, b, &e)
                                              : ipcb_hwfloor_spsc_msgs_per_s(a, b, &e);
    if (isnan(v)) {
        fprintf(stderr, "floor_slice: %s could not be measured on CPUs %d and %d\n", argv[1],
                a, b);
        return 1;
    }
    printf("%.3f\n", v);
    return 0;
}
