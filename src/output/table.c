/* The table on stdout, one row per measurement as it finishes. */
#include <stdio.h>
#include <string.h>

#include "ipcbench/results.h"
#include "ipcbench/units.h"

const char *ipcb_status_text(const struct ipcb_result *r, char *buf, size_t len)
{
    switch (r->status) {
    case IPCB_OK: snprintf(buf, len, "ok"); break;
    case IPCB_SKIPPED: snprintf(buf, len, "skipped: %s", r->reason); break;
    case IPCB_FAILED: snprintf(buf, len, "failed: %s", r->reason); break;
    case IPCB_INTERRUPTED: snprintf(buf, len, "interrupted: %s", r->reason); break;
    }
    return buf;
}

static const char *human_ns(uint64_t ns, char *buf, size_t len)
{
    if (ns < 1000)
        snprintf(buf, len, "%llu ns", (unsigned long long)ns);
    else if (ns < 1000000)
        snprintf(buf, len, "%.1f us", (double)ns / 1e3);
    else if (ns < 1000000000)
        snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
    else
        snprintf(buf, len, "%.1f s", (double)ns / 1e9);
    return buf;
}

static const char *human_rate(double v, char *buf, size_t len)
{
    if (v >= 1e6)
        snprintf(buf, len, "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, len, "%.1fk", v / 1e3);
    else
        snprintf(buf, len, "%.0f", v);
    return buf;
}

void ipcb_write_table_header(FILE *f)
{
    fprintf(f, "%-15s %-8s %6s %10s %10s %10s %10s %10s  %s\n", "transport", "pattern",
            "size", "p50", "p99", "max", "msgs/s", "MiB/s", "status");
}

void ipcb_write_table_row(FILE *f, const struct ipcb_result *r)
{
    char sz[32], st[600], a[32], b[32], c[32], d[32];
    ipcb_format_size(r->size_bytes, sz, sizeof sz);
    ipcb_status_text(r, st, sizeof st);
    if (r->status != IPCB_OK) {
        fprintf(f, "%-15s %-8s %6s %10s %10s %10s %10s %10s  %s\n", r->transport, r->pattern,
                sz, "-", "-", "-", "-", "-", st);
        return;
    }
    const int timed = r->stats.count > 0;
    char mib[32];
    snprintf(mib, sizeof mib, "%.1f", r->mib_per_s);
    if (r->errors)
        snprintf(st, sizeof st, "ok, %llu lost or reordered", (unsigned long long)r->errors);
    if (r->n_pairs)
        snprintf(st + strlen(st), sizeof st - strlen(st), ", %zu pairs together", r->n_pairs);
    fprintf(f, "%-15s %-8s %6s %10s %10s %10s %10s %10s  %s\n", r->transport, r->pattern, sz,
            timed ? human_ns(r->stats.p50, a, sizeof a) : "-",
            timed ? human_ns(r->stats.p99, b, sizeof b) : "-",
            timed ? human_ns(r->stats.max, c, sizeof c) : "-",
            human_rate(r->msgs_per_s, d, sizeof d), mib, st);
    for (size_t k = 0; k < r->n_pairs; k++) {
        const struct ipcb_pair_result *pr = &r->pairs[k];
        char label[32];
        snprintf(label, sizeof label, "  pair %zu", k + 1);
        snprintf(mib, sizeof mib, "%.1f", pr->mib_per_s);
        fprintf(f, "%-15s %-8s %6s %10s %10s %10s %10s %10s\n", label, "", "",
                pr->p50_ns ? human_ns(pr->p50_ns, a, sizeof a) : "-",
                pr->p99_ns ? human_ns(pr->p99_ns, b, sizeof b) : "-", "",
                human_rate(pr->msgs_per_s, d, sizeof d), mib);
    }
}
