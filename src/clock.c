#include "clock.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ipcb_clock_read_cost_ns(void)
{
    enum { ROUNDS = 15, READS = 20000 };
    double per_read[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = ipcb_now_ns(), sink = 0;
        for (int i = 0; i < READS; i++)
            sink += ipcb_now_ns();
        uint64_t t1 = ipcb_now_ns();
        per_read[r] = (double)(t1 - t0) / READS + (double)(sink & 0) ;
    }
    qsort(per_read, ROUNDS, sizeof per_read[0], cmp_double);
    return per_read[ROUNDS / 2];
}
