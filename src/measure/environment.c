/* What else about the machine and the plan shapes the figures, for
 * meta.json: topology of the CPUs used, frequency policy, virtualization,
 * clock source, isolation, NUMA, toolchain, the sysctls that bound the
 * transports, and every parameter of the plan as a field of its own. Each
 * item is read where the kernel shows it; one that cannot be read is kept as
 * "unknown" (null in JSON) and never an error. */
#include "measure/environment.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <gnu/libc-version.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipcbench/units.h"
#include "measure/clock.h"
#include "transports/mmap_options.h"
#include "transports/shm_options.h"
#include "transports/sockets.h"

static struct ipcb_fact *add(struct ipcb_meta *m, const char *group, const char *key,
                             enum ipcb_fact_kind kind)
{
    if (m->n_facts == IPCB_MAX_FACTS)
        return NULL;
    struct ipcb_fact *f = &m->facts[m->n_facts++];
    *f = (struct ipcb_fact){.group = group, .key = key, .kind = kind};
    return f;
}

__attribute__((format(printf, 4, 5)))
static void text(struct ipcb_meta *m, const char *group, const char *key, const char *fmt, ...)
{
    struct ipcb_fact *f = add(m, group, key, IPCB_FACT_TEXT);
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
}

static void number(struct ipcb_meta *m, const char *group, const char *key, double v)
{
    struct ipcb_fact *f = add(m, group, key, IPCB_FACT_NUMBER);
    if (f)
        f->number = v;
}

static void unknown(struct ipcb_meta *m, const char *group, const char *key)
{
    add(m, group, key, IPCB_FACT_UNKNOWN);
}

int ipcb_read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* a file's first line as a text fact, or unknown */
static void from_file(struct ipcb_meta *m, const char *group, const char *key, const char *path)
{
    char line[160];
    if (ipcb_read_line(path, line, sizeof line) == 0)
        text(m, group, key, "%s", line);
    else
        unknown(m, group, key);
}

/* a number in a file (a sysctl under /proc/sys) as a number fact, or unknown */
static void number_file(struct ipcb_meta *m, const char *group, const char *key,
                        const char *path)
{
    char line[64], *end;
    double v;
    if (ipcb_read_line(path, line, sizeof line) == 0 && (v = strtod(line, &end), end != line))
        number(m, group, key, v);
    else
        unknown(m, group, key);
}

/* "cpu 1: core 0, package 0, threads 0-1" for each CPU the plan pins to */
static void topology(struct ipcb_meta *m, const struct ipcb_plan *p)
{
    static const char *const keys[2] = {"producer_cpu_topology", "consumer_cpu_topology"};
    for (int side = 0; side < 2; side++) {
        int cpu = p->cpu[side];
        if (cpu < 0) {
            unknown(m, "environment", keys[side]);
            continue;
        }
        char path[128], core[32] = "?", package[32] = "?", threads[64] = "?";
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        ipcb_read_line(path, core, sizeof core);
        snprintf(path, sizeof path,
                 "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
        ipcb_read_line(path, package, sizeof package);
        snprintf(path, sizeof path,
                 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
        ipcb_read_line(path, threads, sizeof threads);
        text(m, "environment", keys[side], "cpu %d: core %s, package %s, threads %s", cpu,
             core, package, threads);
    }
}

/* hardware threads per core, from cpu0's siblings ("0-1" or "0,4": two) */
static void smt(struct ipcb_meta *m)
{
    char list[64];
    if (ipcb_read_line("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", list,
                  sizeof list) != 0) {
        unknown(m, "environment", "smt_threads_per_core");
        return;
    }
    int a, b;
    if (sscanf(list, "%d-%d", &a, &b) == 2)
        number(m, "environment", "smt_threads_per_core", b - a + 1);
    else
        number(m, "environment", "smt_threads_per_core", 1 + (double)(strchr(list, ',') != NULL));
}

/* the hypervisor's vendor from CPUID leaf 0x40000000, when the CPU says one runs */
static void virtualization(struct ipcb_meta *m)
{
#if !defined(__x86_64__) && !defined(__i386__)
    unknown(m, "environment", "hypervisor");    /* CPUID is x86's */
#else
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) {
        unknown(m, "environment", "hypervisor");
        return;
    }
    if (!(c & (1u << 31))) {
        text(m, "environment", "hypervisor", "none");
        return;
    }
    __cpuid(0x40000000, a, b, c, d);
    char vendor[13];
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &c, 4);
    memcpy(vendor + 8, &d, 4);
    vendor[12] = '\0';
    for (char *v = vendor; *v; v++)
        if (*v < 0x20 || *v > 0x7e)
            *v = '?';
    text(m, "environment", "hypervisor", "%s", vendor);
#endif
}

static void affinity(struct ipcb_meta *m)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        unknown(m, "environment", "affinity");
        return;
    }
    char list[256] = "";
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", *list ? "," : "",
                     c);
    text(m, "environment", "affinity", "%s", list);
}

static const struct { const char *key, *path; } bounds[] = {
    {"kernel.msgmax", "/proc/sys/kernel/msgmax"},
    {"kernel.msgmnb", "/proc/sys/kernel/msgmnb"},
    {"kernel.msgmni", "/proc/sys/kernel/msgmni"},
    {"fs.mqueue.msgsize_max", "/proc/sys/fs/mqueue/msgsize_max"},
    {"fs.mqueue.msg_max", "/proc/sys/fs/mqueue/msg_max"},
    {"fs.mqueue.queues_max", "/proc/sys/fs/mqueue/queues_max"},
    {"net.core.wmem_max", "/proc/sys/net/core/wmem_max"},
    {"net.core.rmem_max", "/proc/sys/net/core/rmem_max"},
    {"net.core.wmem_default", "/proc/sys/net/core/wmem_default"},
    {"net.core.rmem_default", "/proc/sys/net/core/rmem_default"},
    {"fs.pipe-max-size", "/proc/sys/fs/pipe-max-size"},
    {"kernel.io_uring_disabled", "/proc/sys/kernel/io_uring_disabled"},
    {"kernel.shmmax", "/proc/sys/kernel/shmmax"},
    {"kernel.shmall", "/proc/sys/kernel/shmall"},
};

/* a comma-separated list, an array in JSON */
static void list_fact(struct ipcb_meta *m, const char *key, const char *const *items,
                      const uint64_t *numbers, size_t n)
{
    struct ipcb_fact *f = add(m, "plan", key, IPCB_FACT_LIST);
    for (size_t i = 0; f && i < n; i++) {
        size_t used = strlen(f->text);
        if (items)
            snprintf(f->text + used, sizeof f->text - used, "%s%s", i ? "," : "", items[i]);
        else
            snprintf(f->text + used, sizeof f->text - used, "%s%llu", i ? "," : "",
                     (unsigned long long)numbers[i]);
    }
}

static void plan_facts(struct ipcb_meta *m, const struct ipcb_plan *p)
{
    const char *names[IPCB_MAX_TRANSPORTS + IPCB_MAX_PATTERNS];
    for (size_t i = 0; i < p->n_transports; i++)
        names[i] = p->transports[i]->name;
    list_fact(m, "transports", names, NULL, p->n_transports);
    for (size_t i = 0; i < p->n_patterns; i++)
        names[i] = p->patterns[i]->name;
    list_fact(m, "patterns", names, NULL, p->n_patterns);
    list_fact(m, "sizes_bytes", NULL, p->sizes, p->n_sizes);
    number(m, "plan", "count", (double)p->count);
    number(m, "plan", "duration_s", (double)p->duration_ns / 1e9);
    number(m, "plan", "warmup", (double)p->warmup);
    number(m, "plan", "timeout_s", (double)p->timeout_ns / 1e9);
    number(m, "plan", "pairs", (double)p->groups);
    text(m, "plan", "verify", "%s", p->verify_full ? "full" : "stamps");
    text(m, "plan", "sides", "%s", p->sides_threads ? "threads" : "processes");
    text(m, "plan", "clock", "%s", ipcb_clock_name(p->clock));
    text(m, "plan", "clock_used", "%s", ipcb_tsc_mult ? "tsc" : "monotonic");
    text(m, "plan", "cpu", "%s", p->cpu_mode ? p->cpu_mode : "none");
    number(m, "plan", "ring_slots", ipcb_ring_slots());
    text(m, "plan", "wait", "%s", p->wait_list ? p->wait_list : "block");
    number(m, "plan", "repeat", p->repeat ? (double)p->repeat : 1);
    number(m, "plan", "rt_prio", p->rt_prio);
    text(m, "plan", "mlock", "%s", p->mlock ? "yes" : "no");
    number(m, "plan", "producer_cpu", p->cpu[0]);
    number(m, "plan", "consumer_cpu", p->cpu[1]);
    text(m, "plan", "mmap_file_dir", "%s", ipcb_mmap_file_dir());
    number(m, "plan", "msync", ipcb_mmap_msync());
    /* plan.libraries: each transport on a library, the library as linked */
    for (size_t i = 0; i < p->n_transports; i++) {
        const struct ipcb_transport *t = p->transports[i];
        const struct ipcb_transport *lib = t->library || !t->base ? t : t->base;
        if (!t->absent && lib->library)
            text(m, "libraries", t->name, "%s", lib->library());
    }
}

/* every option this run takes, as given or its default (null: neither),
 * in meta.json's plan.options; which were given in plan.options_given */
static void option_facts(struct ipcb_meta *m, const struct ipcb_plan *p)
{
    size_t n, n_given = 0;
    const struct ipcb_option *const *opts = ipcb_options(&n);
    const char *names[IPCB_MAX_FACTS];
    for (size_t i = 0; i < n; i++) {
        const struct ipcb_option *o = opts[i];
        const char *given = ipcb_option_given(o);
        char who[200];
        if (o->commands == ~0u || !ipcb_option_taken(o, p, who, sizeof who))
            continue;
        if (given && n_given < IPCB_MAX_FACTS)
            names[n_given++] = o->name;
        if (o->type == IPCB_OPT_FLAG)
            text(m, "options", o->name, "%s", given ? "yes" : "no");
        else if (given || o->def)
            text(m, "options", o->name, "%s", given ? given : o->def);
        else
            unknown(m, "options", o->name);
    }
    list_fact(m, "options_given", names, NULL, n_given);
}

/* the file system mmap's file lives on: tmpfs and a disk differ in what a
 * page fault and an msync cost */
/* what moves a tcp stream's figure: the congestion control (the system's
 * and the one a tcp socket of this run takes, --congestion applied), TCP's
 * buffer autotuning bounds, and the buffers a socket starts with (--sndbuf,
 * --rcvbuf applied; twice what was set, as the kernel reports them) */
static void tcp_facts(struct ipcb_meta *m)
{
    from_file(m, "environment", "net.ipv4.tcp_congestion_control",
              "/proc/sys/net/ipv4/tcp_congestion_control");
    from_file(m, "environment", "net.ipv4.tcp_available_congestion_control",
              "/proc/sys/net/ipv4/tcp_available_congestion_control");
    from_file(m, "environment", "net.ipv4.tcp_rmem", "/proc/sys/net/ipv4/tcp_rmem");
    from_file(m, "environment", "net.ipv4.tcp_wmem", "/proc/sys/net/ipv4/tcp_wmem");
    char cc[64];
    int snd, rcv;
    ipcb_tcp_facts(cc, sizeof cc, &snd, &rcv);
    if (strcmp(cc, "?") != 0)
        text(m, "environment", "tcp_socket_congestion", "%s", cc);
    else
        unknown(m, "environment", "tcp_socket_congestion");
    if (snd >= 0)
        number(m, "environment", "tcp_socket_sndbuf_bytes", snd);
    else
        unknown(m, "environment", "tcp_socket_sndbuf_bytes");
    if (rcv >= 0)
        number(m, "environment", "tcp_socket_rcvbuf_bytes", rcv);
    else
        unknown(m, "environment", "tcp_socket_rcvbuf_bytes");
}

static void mmap_fs(struct ipcb_meta *m)
{
    char type[32];
    if (ipcb_fs_type_name(ipcb_mmap_file_dir(), type, sizeof type) == 0)
        text(m, "environment", "mmap_fs_type", "%s", type);
    else
        unknown(m, "environment", "mmap_fs_type");
}

void ipcb_collect_environment(const struct ipcb_plan *p, struct ipcb_meta *m)
{
    smt(m);
    topology(m, p);
    from_file(m, "environment", "cpufreq_governor",
              "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    from_file(m, "environment", "energy_performance_preference",
              "/sys/devices/system/cpu/cpu0/cpufreq/energy_performance_preference");
    char line[64];
    if (ipcb_read_line("/sys/devices/system/cpu/cpufreq/boost", line, sizeof line) == 0)
        text(m, "environment", "boost", "%s", strcmp(line, "1") == 0 ? "on" : "off");
    else if (ipcb_read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", line, sizeof line) == 0)
        text(m, "environment", "boost", "%s", strcmp(line, "0") == 0 ? "on" : "off");
    else
        unknown(m, "environment", "boost");
    virtualization(m);
    from_file(m, "environment", "clocksource",
              "/sys/devices/system/clocksource/clocksource0/current_clocksource");
    struct timespec res;
    if (clock_getres(CLOCK_MONOTONIC, &res) == 0)
        number(m, "environment", "clock_resolution_ns",
               (double)res.tv_sec * 1e9 + (double)res.tv_nsec);
    else
        unknown(m, "environment", "clock_resolution_ns");
    from_file(m, "environment", "isolated_cpus", "/sys/devices/system/cpu/isolated");
    from_file(m, "environment", "nohz_full", "/sys/devices/system/cpu/nohz_full");
    affinity(m);
    from_file(m, "environment", "numa_nodes", "/sys/devices/system/node/online");
#ifdef __clang__
    text(m, "environment", "compiler", "clang %s", __clang_version__);
#else
    text(m, "environment", "compiler", "gcc %s", __VERSION__);
#endif
    text(m, "environment", "libc", "glibc %s", gnu_get_libc_version());
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++)
        number_file(m, "environment", bounds[i].key, bounds[i].path);
    mmap_fs(m);
    tcp_facts(m);
    plan_facts(m, p);
    option_facts(m, p);
}
