/* One measurement in the parent: the groups of sides a pattern runs, their
 * channels and processes, and the shared area the sides write their results
 * into. Shared by the driver and the aggregation of results. */
#ifndef IPCB_MEASUREMENT_H
#define IPCB_MEASUREMENT_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "ipcbench/pattern.h"
#include "ipcbench/plan.h"
#include "ipcbench/results.h"
#include "run/side.h"

struct ipcb_child {
    pid_t pid;
    int pidfd;
    int done;           /* reaped */
    int status;         /* from waitpid */
    int killed_by_us;
};

struct ipcb_measurement {
    const struct ipcb_pattern *pat;
    struct ipcb_layout lay;         /* the pattern's sides for this run */
    size_t groups;                  /* --pairs */
    size_t n_chans;                 /* groups x lay.n_channels */
    size_t n_procs;                 /* groups x lay.n_sides */
    size_t created;                 /* channels made so far */
    struct ipcb_chan chan[IPCB_MAX_GROUPS * IPCB_MAX_CHANNELS];
    /* process i is side i % lay.n_sides of group i / lay.n_sides */
    struct ipcb_child proc[IPCB_MAX_GROUPS * IPCB_MAX_SIDES];
    unsigned char *shared;          /* groups x group_bytes, one anonymous mapping */
    size_t group_bytes;
    int ready;                      /* sides past open() */
    /* --sides threads: the sides are threads of one child, proc[0]; the
     * other proc[] entries hold no process */
    int threads;
};

static inline struct ipcb_shared *ipcb_group_shared(const struct ipcb_measurement *m, size_t g)
{
    return (struct ipcb_shared *)(void *)(m->shared + g * m->group_bytes);
}

/* the result area of process i */
static inline struct ipcb_side_result *ipcb_proc_result(const struct ipcb_measurement *m,
                                                        size_t i)
{
    return &ipcb_group_shared(m, i / m->lay.n_sides)->side[i % m->lay.n_sides];
}

struct ipcb_progress;

/* run/measurement.c: one measurement of pat on t with messages of size into
 * r, ok or skipped or failed with the reason; pg shows how far it is */
void ipcb_measure(const struct ipcb_plan *p, const struct ipcb_transport *t,
                  const struct ipcb_pattern *pat, uint64_t size,
                  const struct ipcb_progress *pg, struct ipcb_result *r);
/* SIGINT and SIGTERM from now on only ask the run to stop: every measurement
 * ends its sides and the driver measures nothing more. old gets the handlers
 * they had, for restore. */
void ipcb_stop_signals_catch(struct sigaction old[2]);
void ipcb_stop_signals_restore(const struct sigaction old[2]);
/* the signal that asked the run to stop, 0 while none did */
int ipcb_stop_signal(void);

/* run/aggregate.c: each group's figures and the row's, from the sides'
 * results: the timed side's span, count and histogram, every side's CPU */
void ipcb_aggregate(const struct ipcb_measurement *m, struct ipcb_result *r);

#endif
