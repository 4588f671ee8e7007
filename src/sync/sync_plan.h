/* `ipcbench sync`: its options (the sync patterns list them, so --help and
 * the parser find them like any pattern's) and the plan they make. */
#ifndef IPCB_SYNC_PLAN_H
#define IPCB_SYNC_PLAN_H

#include <stddef.h>

#include "ipcbench/options.h"
#include "ipcbench/plan.h"

#define IPCB_SYNC_DEFAULT_SECTION 64

extern const struct ipcb_option *const ipcb_sync_options[];

/* the plan of `ipcbench sync` after its options: the primitives of
 * --primitive (default all), the patterns that run on them, the section
 * size as the one size. 0, or -EINVAL with one line in err. */
int ipcb_sync_plan(struct ipcb_plan *p, char *err, size_t errlen);

/* a pattern whose sides are all alike (contention) as one copy per
 * --procs N, with N sides: the pattern's instances hook */
size_t ipcb_sync_instances(const struct ipcb_pattern *pat, const struct ipcb_pattern **out,
                           size_t cap);

#endif
