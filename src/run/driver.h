#ifndef IPCB_DRIVER_H
#define IPCB_DRIVER_H

#include "ipcbench/plan.h"
#include "ipcbench/results.h"

/* called after each measurement, for the live table */
typedef void (*ipcb_row_fn)(const struct ipcb_result *r, void *arg);

/* Runs every measurement of the plan into res. Returns 0 when all are ok or
 * skipped, 1 when one failed, or the signal number that interrupted it. */
int ipcb_run_plan(const struct ipcb_plan *p, struct ipcb_results *res,
                  ipcb_row_fn on_row, void *arg);

/* "4k exceeds sysv-mq's limit of 8192 bytes (kernel.msgmax)"; with_hint adds
 * how to raise it. Returns 0 when size fits. */
int ipcb_check_limit(const struct ipcb_transport *t, uint64_t size, int with_hint,
                     char *buf, size_t len);

#endif
