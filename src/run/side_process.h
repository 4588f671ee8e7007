/* The side processes of a measurement (side_process.c). */
#ifndef IPCB_SIDE_PROCESS_H
#define IPCB_SIDE_PROCESS_H

#include <stdint.h>
#include <sys/types.h>

#include "ipcbench/plan.h"
#include "run/measurement.h"

/* what to do about an error that a resource limit caused, as " (...)" to
 * append to the message; "" for any other error */
const char *ipcb_limit_hint(int err);

/* Process proc of m, in the child: never returns. parent is the driver's
 * pid; ready_fd and go_fd are the start barrier's pipe ends. */
void ipcb_side_process(const struct ipcb_plan *p, struct ipcb_measurement *m, size_t proc,
                       uint64_t size, pid_t parent, int ready_fd, int go_fd)
    __attribute__((noreturn));

#endif
