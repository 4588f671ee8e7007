/* CPUs by topology, read from /sys/devices/system/cpu/cpuN/topology: the
 * core and package of each allowed CPU decide which two share a core, a
 * package, or nothing. */
#include "measure/topology.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct place {
    int cpu;
    int core, package;      /* -1 when unreadable */
};

static int read_int(int cpu, const char *what)
{
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, what);
    FILE *f = fopen(path, "r");
    int v = -1;
    if (f) {
        if (fscanf(f, "%d", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* does the pair (a, b) share what word asks for, and only that */
static int fits(const char *word, const struct place *a, const struct place *b)
{
    if (a->core < 0 || a->package < 0 || b->core < 0 || b->package < 0)
        return 0;
    int same_package = a->package == b->package, same_core = same_package && a->core == b->core;
    if (strcmp(word, "smt") == 0)
        return same_core;
    if (strcmp(word, "core") == 0)
        return same_package && !same_core;
    return !same_package; /* "package" */
}

int ipcb_topology_pick(const char *word, const cpu_set_t *allowed, int cpu[2], char *err,
                       size_t errlen)
{
    static const char *const lacks[] = {
        "smt", "no two are hardware threads of one core (no SMT here)",
        "core", "no two are separate cores of one package",
        "package", "all are in one package",
    };
    const char *lack = NULL;
    for (size_t i = 0; i < sizeof lacks / sizeof lacks[0]; i += 2)
        if (strcmp(word, lacks[i]) == 0)
            lack = lacks[i + 1];
    if (!lack)
        return -EINVAL;
    struct place places[CPU_SETSIZE];
    size_t n = 0;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, allowed))
            places[n++] = (struct place){c, read_int(c, "core_id"),
                                         read_int(c, "physical_package_id")};
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (fits(word, &places[i], &places[j])) {
                cpu[0] = places[i].cpu;
                cpu[1] = places[j].cpu;
                return 0;
            }
    snprintf(err, errlen, "--cpu %s: of the %zu CPUs this process may use, %s", word, n, lack);
    return -ENOENT;
}
