/* What one cell of a run maps: each channel's memory by the transport's
 * .memory (ring slots x size, pool buffers x size) and each side's own
 * three message buffers (what is sent, what arrives, the expected bytes of
 * --verify full), for every group of --pairs. The worst cell of the plan is
 * said before the run and held under --max-memory, by default a quarter of
 * the RAM, so a sweep to 64M cannot push the machine into swap or the OOM
 * killer halfway through. */
#include "cli/memory_bound.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipcbench/pattern.h"
#include "ipcbench/transport.h"
#include "ipcbench/units.h"

/* the side's buffers: a->buf, a->rbuf, a->expect (run/side_process.c) */
#define SIDE_BUFFERS 3u

uint64_t ipcb_max_memory_opt;

uint64_t ipcb_memory_limit(void)
{
    if (ipcb_max_memory_opt)
        return ipcb_max_memory_opt;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return UINT64_MAX; /* unknown: no default bound */
    return (uint64_t)pages * (uint64_t)page / 4;
}

/* what one cell maps, and of it the channels' part */
struct cell_memory {
    const struct ipcb_transport *t;
    const struct ipcb_pattern *pat;
    uint64_t size, total, channels, sides;
    unsigned n_channels, n_sides;
};

static uint64_t channel_memory(const struct ipcb_transport *t, uint64_t size)
{
    if (!t->memory && t->base)
        t = t->base; /* a variant maps what its base maps */
    return t->memory ? t->memory(size) : 0;
}

static void cell(const struct ipcb_plan *p, const struct ipcb_transport *t,
                 const struct ipcb_pattern *pat, uint64_t size, struct cell_memory *m)
{
    struct ipcb_layout lay;
    ipcb_pattern_layout(pat, &lay);
    uint64_t groups = p->groups ? p->groups : 1;
    *m = (struct cell_memory){.t = t, .pat = pat, .size = size, .n_channels = lay.n_channels,
                              .n_sides = lay.n_sides};
    m->channels = groups * lay.n_channels * channel_memory(t, size);
    m->sides = groups * lay.n_sides * SIDE_BUFFERS * size;
    m->total = m->channels + m->sides;
}

/* the cell that maps the most, of those that will run (a size over a
 * transport's limit is a skipped row and maps nothing) */
static int worst_cell(const struct ipcb_plan *p, struct cell_memory *worst)
{
    int found = 0;
    for (size_t t = 0; t < p->n_transports; t++) {
        if (p->transports[t]->unsupported || p->transports[t]->absent)
            continue;
        for (size_t s = 0; s < p->n_sizes; s++) {
            char why[256];
            if (ipcb_check_limit(p->transports[t], p->sizes[s], 0, why, sizeof why) != 0)
                continue;
            for (size_t k = 0; k < p->n_patterns; k++) {
                struct cell_memory m;
                cell(p, p->transports[t], p->patterns[k], p->sizes[s], &m);
                if (!found || m.total > worst->total)
                    *worst = m;
                found = 1;
            }
        }
    }
    return found;
}

/* "4.0 GiB", "384.0 MiB", "12.0 KiB" */
static void human(uint64_t bytes, char *buf, size_t len)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0])
        v /= 1024.0, u++;
    if (u == 0)
        snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
    else
        snprintf(buf, len, "%.1f %s", v, unit[u]);
}

/* the cell, "-t shm -p stream -s 64M", into cellname; what it maps,
 * "2.4 GiB (channels 2.0 GiB: 1 x 2.0 GiB; the sides' buffers 384.0 MiB:
 * 2 x 3 x 64M)", into amount */
static void describe(const struct ipcb_plan *p, const struct cell_memory *m, char *cellname,
                     size_t cell_len, char *amount, size_t amount_len)
{
    char total[32], chans[32], one[32], sides[32], sz[32];
    uint64_t groups = p->groups ? p->groups : 1;
    human(m->total, total, sizeof total);
    human(m->channels, chans, sizeof chans);
    human(m->n_channels ? m->channels / m->n_channels / groups : 0, one, sizeof one);
    human(m->sides, sides, sizeof sides);
    ipcb_format_size(m->size, sz, sizeof sz);
    char pairs[48] = "";
    if (groups > 1)
        snprintf(pairs, sizeof pairs, " --pairs %llu", (unsigned long long)groups);
    snprintf(cellname, cell_len, "-t %s -p %s -s %s%s", m->t->name, m->pat->name, sz, pairs);
    snprintf(amount, amount_len, "%s (channels %s: %llu x %s; the sides' buffers %s: "
             "%llu x 3 x %s)", total, chans, (unsigned long long)(groups * m->n_channels), one,
             sides, (unsigned long long)(groups * m->n_sides), sz);
}

static const char *limit_origin(void)
{
    return ipcb_max_memory_opt ? "" : " (a quarter of the RAM)";
}

int ipcb_memory_check(const struct ipcb_plan *p, char *err, size_t errlen)
{
    struct cell_memory worst;
    uint64_t limit = ipcb_memory_limit();
    if (!worst_cell(p, &worst) || worst.total <= limit)
        return 0;
    char name[200], amount[300], lim[32];
    describe(p, &worst, name, sizeof name, amount, sizeof amount);
    human(limit, lim, sizeof lim);
    IPCB_FAIL("%s needs %s, above --max-memory %s%s; lower -s, or raise --max-memory", name,
              amount, lim, limit_origin());
}

void ipcb_memory_statement(const struct ipcb_plan *p, FILE *f)
{
    struct cell_memory worst;
    if (!worst_cell(p, &worst))
        return;
    char name[200], amount[300], lim[32];
    describe(p, &worst, name, sizeof name, amount, sizeof amount);
    human(ipcb_memory_limit(), lim, sizeof lim);
    fprintf(f, "ipcbench: memory: at most %s, by %s; bound --max-memory %s%s\n", amount, name, lim,
            limit_origin());
}
