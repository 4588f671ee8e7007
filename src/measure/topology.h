/* Two CPUs chosen by how they share the hardware (topology.c). */
#ifndef IPCB_TOPOLOGY_H
#define IPCB_TOPOLOGY_H

#include <sched.h>
#include <stddef.h>

/* The first two CPUs among allowed that are, as word says: "smt" two
 * hardware threads of one core, "core" two cores of one package, "package"
 * two packages. 0 with cpu[0] and cpu[1] set; -ENOENT with a sentence on
 * what this machine lacks in err; -EINVAL for another word. */
int ipcb_topology_pick(const char *word, const cpu_set_t *allowed, int cpu[2], char *err,
                       size_t errlen);

#endif
