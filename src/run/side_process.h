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

/* in a child of the driver (parent): it dies with the driver, and with
 * SIGINT and SIGTERM; a parent already gone ends it */
void ipcb_side_child(pid_t parent);

/* Side proc of m, on the group's channels as this side holds them (the
 * driver's in a forked side, copies of its own in a thread): placed,
 * opened, past the start barrier, its loop run, closed; 0, or nonzero
 * when it failed, the reason in its result. A side that cannot get ready,
 * and a thread whose loop failed, end the process (_exit(1)). */
int ipcb_side_run(const struct ipcb_plan *p, struct ipcb_measurement *m, size_t proc,
                  uint64_t size, struct ipcb_chan *group_chans, int ready_fd, int go_fd);

/* the sides as threads of the one child the driver forked (side_thread.c):
 * never returns */
void ipcb_side_threads(const struct ipcb_plan *p, struct ipcb_measurement *m, uint64_t size,
                       pid_t parent, int ready_fd, int go_fd) __attribute__((noreturn));

/* Process proc of m, in the child: never returns. parent is the driver's
 * pid; ready_fd and go_fd are the start barrier's pipe ends. */
void ipcb_side_process(const struct ipcb_plan *p, struct ipcb_measurement *m, size_t proc,
                       uint64_t size, pid_t parent, int ready_fd, int go_fd)
    __attribute__((noreturn));

#endif
