/* --cpu: the two CPUs a pattern's sides are pinned to, from A,B, a word
 * (same, cross) or a topology (smt, core, package: measure/topology.c). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "measure/topology.h"


static int parse_cpu_number(const char *s, const cpu_set_t *allowed, int *cpu, char *err,
                            size_t errlen)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0)
        IPCB_FAIL("--cpu: '%s' is not a CPU number (use A,B, e.g. --cpu 0,1)", s);
    if (v >= CPU_SETSIZE || !CPU_ISSET((int)v, allowed))
        IPCB_FAIL("--cpu: CPU %ld is not available here (this process may use CPUs 0..%d)", v,
             CPU_COUNT(allowed) - 1);
    *cpu = (int)v;
    return 0;
}

int ipcb_parse_cpus(const char *s, int cpu[2], char *err, size_t errlen)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        IPCB_FAIL("--cpu: cannot read this process's CPU affinity");
    /* the first one or two CPUs this process may use */
    int first = -1, second = -1;
    for (int c = 0; c < CPU_SETSIZE && second < 0; c++)
        if (CPU_ISSET(c, &allowed)) {
            if (first < 0) first = c;
            else second = c;
        }
    if (strcmp(s, "same") == 0) {
        cpu[0] = cpu[1] = first;
        return 0;
    }
    if (strcmp(s, "cross") == 0) {
        if (second < 0)
            IPCB_FAIL("--cpu cross needs two CPUs, and this process may use only CPU %d", first);
        cpu[0] = first;
        cpu[1] = second;
        return 0;
    }
    int rc = ipcb_topology_pick(s, &allowed, cpu, err, errlen);
    if (rc != -EINVAL)
        return rc;
    const char *comma = strchr(s, ',');
    char a[32];
    if (!comma || strchr(comma + 1, ',') || (size_t)(comma - s) >= sizeof a)
        IPCB_FAIL("--cpu '%s': expected A,B (producer and consumer CPU), same, cross, smt, core "
             "or package", s);
    memcpy(a, s, (size_t)(comma - s));
    a[comma - s] = '\0';
    rc = parse_cpu_number(a, &allowed, &cpu[0], err, errlen);
    if (rc == 0)
        rc = parse_cpu_number(comma + 1, &allowed, &cpu[1], err, errlen);
    return rc;
}

