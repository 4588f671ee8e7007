/* The machine's and the plan's settings for meta.json (environment.c). */
#ifndef IPCB_ENVIRONMENT_H
#define IPCB_ENVIRONMENT_H

#include "ipcbench/plan.h"
#include "ipcbench/results.h"

/* appends the "environment" and "plan" facts to m->facts */
void ipcb_collect_environment(const struct ipcb_plan *p, struct ipcb_meta *m);

#endif
