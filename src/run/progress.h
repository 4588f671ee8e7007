/* The progress line on stderr while a measurement runs (a terminal only). */
#ifndef IPCB_PROGRESS_H
#define IPCB_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct ipcb_progress {
    int show;
    size_t index, of;       /* this measurement of all */
    const char *label;
    uint64_t total;         /* messages, 0 in duration mode */
    uint64_t duration_ns;
    uint64_t started_ns;
};

void ipcb_progress_show(const struct ipcb_progress *pg, uint64_t done, uint64_t now_ns);
void ipcb_progress_clear(const struct ipcb_progress *pg);

#endif
