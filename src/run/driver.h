#ifndef IPCB_DRIVER_H
#define IPCB_DRIVER_H

#include "ipcbench/plan.h"
#include "ipcbench/results.h"

/* called after each measurement, for the live table */
typedef void (*ipcb_row_fn)(const struct ipcb_result *r, void *arg);

/* Runs every measurement of the plan into res; on_row gets each cell's row
 * as it is made, on_repeat (with --repeat) each single measurement. Returns
 * 0 when all are ok or skipped, 1 when one failed, or the signal number that
 * interrupted it. */
int ipcb_run_plan(const struct ipcb_plan *p, struct ipcb_results *res,
                  ipcb_row_fn on_row, ipcb_row_fn on_repeat, void *arg);

#endif
