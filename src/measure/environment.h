/* The machine's and the plan's settings for meta.json (environment.c). */
#ifndef IPCB_ENVIRONMENT_H
#define IPCB_ENVIRONMENT_H

#include "ipcbench/plan.h"
#include "ipcbench/results.h"

/* appends the "environment" and "plan" facts to m->facts */
void ipcb_collect_environment(const struct ipcb_plan *p, struct ipcb_meta *m);

/* the first line of a file, without its newline, into buf; 0, or -1 when
 * it cannot be read (an empty line is 0 with buf empty) */
int ipcb_read_line(const char *path, char *buf, size_t len);

#endif
