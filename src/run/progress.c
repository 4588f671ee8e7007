/* "[3/18] pipe stream 4k  42%", redrawn in place on stderr. */
#include <stdio.h>

#include "run/progress.h"

void ipcb_progress_show(const struct ipcb_progress *pg, uint64_t done, uint64_t now_ns)
{
    if (!pg->show)
        return;
    double frac = pg->total ? (double)done / (double)pg->total
                            : (double)(now_ns - pg->started_ns) / (double)pg->duration_ns;
    if (frac > 1.0)
        frac = 1.0;
    fprintf(stderr, "\r\033[K[%zu/%zu] %s %3.0f%%", pg->index, pg->of, pg->label,
            frac * 100.0);
    fflush(stderr);
}

void ipcb_progress_clear(const struct ipcb_progress *pg)
{
    if (pg->show) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}
