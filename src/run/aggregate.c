/* A measurement's row from its sides' results: each group's own figures,
 * and the aggregate, where messages add up, histograms merge and the rate
 * is taken over the span all groups cover together. */
#include <stdlib.h>
#include <string.h>

#include "measure/confidence.h"
#include "run/measurement.h"

/* the row's entry for a role, made on first sight: sides that share a role
 * name ("producer" in several groups) add up */
static struct ipcb_role_result *role_of(struct ipcb_result *r, const char *role)
{
    for (size_t i = 0; i < r->n_roles; i++)
        if (strcmp(r->roles[i].role, role) == 0)
            return &r->roles[i];
    if (r->n_roles == IPCB_MAX_ROLES)
        return NULL;
    struct ipcb_role_result *ro = &r->roles[r->n_roles++];
    *ro = (struct ipcb_role_result){.role = role, .cpu = -1};
    return ro;
}

static void add_side(struct ipcb_result *r, const char *role, const struct ipcb_side_result *s,
                     int first_group)
{
    r->cpu_user_s += s->cpu_user_s;
    r->cpu_sys_s += s->cpu_sys_s;
    r->ctx_switches += s->ctx_switches;
    r->errors += s->lost + s->reordered;
    struct ipcb_role_result *ro = role_of(r, role);
    if (!ro)
        return;
    ro->cpu_user_s += s->cpu_user_s;
    ro->cpu_sys_s += s->cpu_sys_s;
    ro->ctx_switches += s->ctx_switches;
    if (s->max_rss_kib > ro->max_rss_kib)
        ro->max_rss_kib = s->max_rss_kib;
    if (first_group && ro->cpu < 0)
        ro->cpu = s->cpu;
}

/* the sides of an all-timed group as one (its histogram merged into the
 * copy), and each side's share of their messages into the row */
static const struct ipcb_side_result *all_sides(const struct ipcb_shared *sh, unsigned n,
                                                struct ipcb_side_result *all,
                                                struct ipcb_result *r)
{
    memset(all, 0, sizeof *all);
    ipcb_hist_init(&all->hist);
    all->first_ns = UINT64_MAX;
    for (unsigned s = 0; s < n; s++) {
        const struct ipcb_side_result *x = &sh->side[s];
        all->messages += x->messages;
        all->span_messages += x->span_messages;
        /* a side stopped before its warm-up ended timed no span */
        if (x->messages && x->first_ns < all->first_ns) all->first_ns = x->first_ns;
        if (x->messages && x->last_ns > all->last_ns) all->last_ns = x->last_ns;
        ipcb_hist_merge(&all->hist, &x->hist);
        r->lost_updates += x->lost_updates;
    }
    if (all->first_ns > all->last_ns)
        all->first_ns = all->last_ns = 0;
    r->share_min = 1.0;
    r->share_max = 0.0;
    for (unsigned s = 0; s < n; s++) {
        double share = all->messages ? (double)sh->side[s].messages / (double)all->messages
                                     : 0.0;
        if (share < r->share_min) r->share_min = share;
        if (share > r->share_max) r->share_max = share;
    }
    return all;
}

/* the timed side counted what each other side sent it: their shares */
static void sender_shares(const struct ipcb_shared *sh, unsigned n, unsigned timed,
                          struct ipcb_result *r)
{
    uint64_t sum = 0;
    for (unsigned s = 0; s < n; s++)
        sum += s == timed ? 0 : sh->side[s].share;
    r->share_min = 1.0;
    r->share_max = 0.0;
    for (unsigned s = 0; s < n; s++) {
        if (s == timed)
            continue;
        double share = sum ? (double)sh->side[s].share / (double)sum : 0.0;
        if (share < r->share_min) r->share_min = share;
        if (share > r->share_max) r->share_max = share;
    }
}

/* rate: the offered rate, the pace the producers kept (their messages over
 * their spans, added over the groups), how late they fell behind at worst,
 * and the timed sides' uncorrected histograms merged into the row */
static void add_rate(const struct ipcb_measurement *m, struct ipcb_result *r)
{
    struct ipcb_hist *unc = NULL;
    for (size_t g = 0; g < m->groups; g++) {
        const struct ipcb_shared *sh = ipcb_group_shared(m, g);
        for (unsigned s = 0; s < m->lay.n_sides; s++) {
            const struct ipcb_side_result *x = &sh->side[s];
            if (x->offered_per_s == 0)
                continue;
            r->offered_per_s += (double)x->offered_per_s;
            if (x->last_ns > x->first_ns)
                r->achieved_per_s += (double)x->messages * 1e9 / (double)(x->last_ns - x->first_ns);
            if (x->behind_max_ns > r->behind_max_ns)
                r->behind_max_ns = x->behind_max_ns;
        }
        const struct ipcb_hist *h = &sh->side[m->lay.timed_side].hist_uncorrected;
        if (h->total && !unc && (unc = malloc(sizeof *unc)))
            ipcb_hist_init(unc);
        if (h->total && unc)
            ipcb_hist_merge(unc, h);
    }
    if (unc && unc->total) {
        r->hist_uncorrected = unc;
        ipcb_hist_stats(unc, &r->stats_uncorrected);
    } else {
        free(unc);
    }
}

static double per_message(uint64_t ns, uint64_t messages)
{
    return messages ? (double)ns / (double)messages : 0.0;
}

void ipcb_aggregate(const struct ipcb_measurement *m, struct ipcb_result *r)
{
    const struct ipcb_layout *lay = &m->lay;
    const double mib = 1024.0 * 1024.0;
    uint64_t first_ns = UINT64_MAX, last_ns = 0, span_messages = 0, cpu_ns = 0;
    struct ipcb_hist *merged = malloc(sizeof *merged);
    if (merged)
        ipcb_hist_init(merged);
    if (m->groups > 1) {
        r->pairs = calloc(m->groups, sizeof *r->pairs);
        r->n_pairs = r->pairs ? m->groups : 0;
    }
    r->procs = lay->n_sides;
    for (size_t g = 0; g < m->groups; g++) {
        const struct ipcb_shared *sh = ipcb_group_shared(m, g);
        struct ipcb_side_result all;
        const struct ipcb_side_result *timed = &sh->side[lay->timed_side];
        if (lay->all_timed)
            timed = all_sides(sh, lay->n_sides, &all, r);
        else if (lay->shares_of_senders)
            sender_shares(sh, lay->n_sides, lay->timed_side, r);
        double seconds = (double)(timed->last_ns - timed->first_ns) / 1e9;
        double rate = seconds > 0 ? (double)timed->span_messages / seconds : 0.0;
        r->messages += timed->messages;
        span_messages += timed->span_messages;
        if (timed->first_ns < first_ns) first_ns = timed->first_ns;
        if (timed->last_ns > last_ns) last_ns = timed->last_ns;
        if (merged)
            ipcb_hist_merge(merged, &timed->hist);
        uint64_t group_cpu_ns = 0;
        for (unsigned s = 0; s < lay->n_sides; s++) {
            add_side(r, lay->sides[s].role, &sh->side[s], g == 0);
            group_cpu_ns += sh->side[s].cpu_ns;
        }
        cpu_ns += group_cpu_ns;
        if (g < r->n_pairs) {
            struct ipcb_hist_stats st;
            ipcb_hist_stats(&timed->hist, &st);
            r->pairs[g] = (struct ipcb_pair_result){
                .messages = timed->messages, .seconds = seconds, .msgs_per_s = rate,
                .mib_per_s = rate * (double)r->size_bytes / mib,
                .p50_ns = st.p50, .p99_ns = st.p99,
                .cpu_ns_per_msg = per_message(group_cpu_ns, timed->messages)};
        }
    }
    r->cpu_ns_per_msg = per_message(cpu_ns, r->messages);
    r->seconds = last_ns > first_ns ? (double)(last_ns - first_ns) / 1e9 : 0.0;
    r->msgs_per_s = r->seconds > 0 ? (double)span_messages / r->seconds : 0.0;
    r->mib_per_s = r->msgs_per_s * (double)r->size_bytes / mib;
    if (merged && merged->total) {
        r->hist = merged;
        ipcb_hist_stats(r->hist, &r->stats);
        r->latency_kind = m->pat->latency_kind;
    } else {
        free(merged);
        r->latency_kind = "";
    }
    add_rate(m, r);
    r->status = IPCB_OK;
}

static void median_ci(const double *v, size_t n, double out[3], double *coverage)
{
    struct ipcb_ci ci;
    ipcb_median_ci(v, n, &ci);
    out[0] = ci.median;
    out[1] = ci.low;
    out[2] = ci.high;
    *coverage = ci.coverage;
}

void ipcb_aggregate_repeats(struct ipcb_result *row, struct ipcb_result *reps, size_t n)
{
    *row = reps[0];
    row->hist = NULL;
    row->hist_uncorrected = NULL;
    row->pairs = NULL;
    row->n_pairs = 0;
    if (n == 0 || reps[0].status == IPCB_SKIPPED)
        return;
    /* the first repeat that did not finish decides a row that is not ok */
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (reps[i].status == IPCB_FAILED || (reps[i].status != IPCB_OK && ok == 0)) {
            *row = reps[i];
            row->hist = NULL;
            row->hist_uncorrected = NULL;
            row->pairs = NULL;
            row->n_pairs = 0;
            ok = 0;
            break;
        }
        ok += reps[i].status == IPCB_OK;
    }
    double p50[IPCB_CI_MAX], p99[IPCB_CI_MAX], rate[IPCB_CI_MAX];
    struct ipcb_hist *merged = ok ? malloc(sizeof *merged) : NULL;
    if (merged)
        ipcb_hist_init(merged);
    if (ok) {
        *row = (struct ipcb_result){.transport = reps[0].transport, .pattern = reps[0].pattern,
                                    .size_bytes = reps[0].size_bytes, .status = IPCB_OK,
                                    .latency_kind = reps[0].latency_kind};
        memcpy(row->roles, reps[0].roles, sizeof row->roles);
        row->n_roles = reps[0].n_roles;
        row->procs = reps[0].procs;
        row->share_min = reps[0].share_min;
        row->share_max = reps[0].share_max;
        row->offered_per_s = reps[0].offered_per_s;
    }
    struct ipcb_hist *unc = ok && reps[0].hist_uncorrected ? malloc(sizeof *unc) : NULL;
    if (unc)
        ipcb_hist_init(unc);
    double cpu_ns = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct ipcb_result *r = &reps[i];
        if (ok && r->status == IPCB_OK && k < IPCB_CI_MAX) {
            p50[k] = (double)r->stats.p50;
            p99[k] = (double)r->stats.p99;
            rate[k++] = r->msgs_per_s;
            row->messages += r->messages;
            row->seconds += r->seconds;
            row->cpu_user_s += r->cpu_user_s;
            row->cpu_sys_s += r->cpu_sys_s;
            row->ctx_switches += r->ctx_switches;
            row->errors += r->errors;
            row->lost_updates += r->lost_updates;
            if (r->share_min < row->share_min) row->share_min = r->share_min;
            if (r->share_max > row->share_max) row->share_max = r->share_max;
            cpu_ns += r->cpu_ns_per_msg * (double)r->messages;
            for (size_t j = 0; i > 0 && j < r->n_roles && j < row->n_roles; j++) {
                row->roles[j].cpu_user_s += r->roles[j].cpu_user_s;
                row->roles[j].cpu_sys_s += r->roles[j].cpu_sys_s;
                row->roles[j].ctx_switches += r->roles[j].ctx_switches;
            }
            if (merged && r->hist)
                ipcb_hist_merge(merged, r->hist);
            if (unc && r->hist_uncorrected)
                ipcb_hist_merge(unc, r->hist_uncorrected);
            /* the pace over the repeats is the slowest, the lag the worst */
            if (k == 1 || r->achieved_per_s < row->achieved_per_s)
                row->achieved_per_s = r->achieved_per_s;
            if (r->behind_max_ns > row->behind_max_ns)
                row->behind_max_ns = r->behind_max_ns;
        }
        free(r->hist);
        free(r->hist_uncorrected);
        r->hist_uncorrected = NULL;
        free(r->pairs);
        r->hist = NULL;
        r->pairs = NULL;
    }
    if (!ok) {
        free(merged);
        free(unc);
        return;
    }
    if (unc && unc->total) {
        row->hist_uncorrected = unc;
        ipcb_hist_stats(unc, &row->stats_uncorrected);
    } else {
        free(unc);
    }
    row->repeats = k;
    median_ci(p50, k, row->rep_p50_ns, &row->ci_coverage);
    median_ci(p99, k, row->rep_p99_ns, &row->ci_coverage);
    median_ci(rate, k, row->rep_msgs_per_s, &row->ci_coverage);
    row->msgs_per_s = row->rep_msgs_per_s[0];
    row->mib_per_s = row->msgs_per_s * (double)row->size_bytes / (1024.0 * 1024.0);
    row->cpu_ns_per_msg = row->messages ? cpu_ns / (double)row->messages : 0.0;
    if (merged && merged->total) {
        row->hist = merged;
        ipcb_hist_stats(merged, &row->stats);
    } else {
        free(merged);
        row->latency_kind = "";
    }
}
