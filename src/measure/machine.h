#ifndef IPCB_META_H
#define IPCB_META_H

#include "ipcbench/plan.h"
#include "ipcbench/results.h"

void ipcb_collect_meta(const struct ipcb_plan *p, struct ipcb_meta *m);

#endif
