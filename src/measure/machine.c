/* Facts about this run and this machine, for meta.json. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "measure/clock.h"
#include "ipcbench/plan.h"
#include "ipcbench/results.h"
#include "measure/environment.h"
#include "measure/machine.h"

static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon++;
                while (*colon == ' ' || *colon == '\t')
                    colon++;
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(buf, len, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
}

void ipcb_collect_meta(const struct ipcb_plan *p, struct ipcb_meta *m)
{
    memset(m, 0, sizeof *m);
    m->version = IPCB_VERSION;
    size_t used = 0;
    for (int i = 0; i < p->argc && used + 1 < sizeof m->command_line; i++) {
        int n = snprintf(m->command_line + used, sizeof m->command_line - used, "%s%s",
                         i ? " " : "", p->argv[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(m->date_utc, sizeof m->date_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
    gethostname(m->host, sizeof m->host - 1);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(m->kernel, sizeof m->kernel, "%s %s %s", u.sysname, u.release, u.machine);
    cpu_model(m->cpu_model, sizeof m->cpu_model);
    m->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    m->clock = ipcb_tsc_mult ? "TSC" : "CLOCK_MONOTONIC";
    m->tsc_ghz = ipcb_tsc_mult ? 1.0 / ipcb_tsc_ns_per_tick : 0.0;
    m->clock_read_ns = ipcb_clock_cost_ns = ipcb_clock_read_cost_ns();
    m->clock_step_ns = ipcb_clock_step_ns();
    if (p->cpu[0] >= 0)
        snprintf(m->pinning, sizeof m->pinning, "%s: producer cpu %d, consumer cpu %d",
                 p->cpu_mode, p->cpu[0], p->cpu[1]);
    else
        snprintf(m->pinning, sizeof m->pinning, "none (scheduler places both sides)");
    m->warmup = p->warmup;
    m->pairs = p->groups;
    m->count = p->count;
    m->duration_ns = p->duration_ns;
    m->cap_ns = p->cap_ns;
    ipcb_collect_environment(p, m);
}
