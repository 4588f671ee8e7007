#ifndef IPCB_META_H
#define IPCB_META_H

#include "ipcbench/plan.h"
#include "ipcbench/results.h"

void ipcb_collect_meta(const struct ipcb_plan *p, struct ipcb_meta *m);

/* results directory: made (with parents) and checked writable before the run */
int ipcb_prepare_outdir(const char *requested, char *out, size_t len, char *err, size_t errlen);

#endif
