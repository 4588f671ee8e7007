/* A measurement's row from its sides' results: each group's own figures,
 * and the aggregate, where messages add up, histograms merge and the rate
 * is taken over the span all groups cover together. */
#include <stdlib.h>
#include <string.h>

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
static const struct ipcb_side_result *all_sides(const struct ipcb_shared *sh,
                                                const struct ipcb_layout *lay,
                                                struct ipcb_side_result *all,
                                                struct ipcb_result *r)
{
    const unsigned n = lay->n_sides;
    const char *timed_role = lay->sides[lay->timed_side].role;
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
        /* shares are among the timed role's sides (fanout's subscribers,
         * not its publisher) */
        if (strcmp(lay->sides[s].role, timed_role) != 0)
            continue;
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
 * and the timed sides' uncorrected histograms merged into the row; the
 * producers' lateness (in their own histograms) as its median and p99 */
static void add_rate(const struct ipcb_measurement *m, struct ipcb_result *r)
{
    struct ipcb_hist *unc = NULL, *late = malloc(sizeof *late);
    if (late)
        ipcb_hist_init(late);
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
            if (late)
                ipcb_hist_merge(late, &x->hist);
        }
        const struct ipcb_hist *h = &sh->side[m->lay.timed_side].hist_uncorrected;
        if (h->total && !unc && (unc = malloc(sizeof *unc)))
            ipcb_hist_init(unc);
        if (h->total && unc)
            ipcb_hist_merge(unc, h);
    }
    if (late && late->total) {
        r->lateness_p50_ns = ipcb_hist_percentile(late, 50);
        r->lateness_p99_ns = ipcb_hist_percentile(late, 99);
    }
    free(late);
    if (unc && unc->total) {
        r->hist_uncorrected = unc;
        ipcb_hist_stats(unc, &r->stats_uncorrected);
    } else {
        free(unc);
    }
}

/* a pattern with one-way times (pattern.h's one_way): side 1's histograms,
 * there and back, merged over the groups, and both together */
static void add_one_way(const struct ipcb_measurement *m, struct ipcb_result *r)
{
    struct ipcb_hist *there = malloc(3 * sizeof *there), *back = there + 1, *both = there + 2;
    if (!m->pat->one_way || m->lay.n_sides < 2 || !there) {
        free(there);
        return;
    }
    for (int i = 0; i < 3; i++)
        ipcb_hist_init(&there[i]);
    for (size_t g = 0; g < m->groups; g++) {
        const struct ipcb_side_result *x = &ipcb_group_shared(m, g)->side[1];
        ipcb_hist_merge(there, &x->hist);
        ipcb_hist_merge(back, &x->hist_uncorrected);
    }
    ipcb_hist_merge(both, there);
    ipcb_hist_merge(both, back);
    if (both->total) {
        ipcb_hist_stats(there, &r->oneway_there);
        ipcb_hist_stats(back, &r->oneway_back);
        ipcb_hist_stats(both, &r->oneway);
    }
    free(there);
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
    uint64_t timed_cpu_ns = 0, others_sleeps = 0;
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
            timed = all_sides(sh, lay, &all, r);
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
            if (sh->side[s].latency_every > r->latency_every)
                r->latency_every = sh->side[s].latency_every;
            add_side(r, lay->sides[s].role, &sh->side[s], g == 0);
            group_cpu_ns += sh->side[s].cpu_ns;
            if (!lay->all_timed && s != lay->timed_side)
                others_sleeps += sh->side[s].voluntary_switches;
        }
        timed_cpu_ns += lay->all_timed ? group_cpu_ns : sh->side[lay->timed_side].cpu_ns;
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
    r->timed_cpu_ns_per_msg = per_message(timed_cpu_ns, r->messages);
    r->wakeups_per_msg = per_message(others_sleeps, r->messages);
    r->seconds = last_ns > first_ns ? (double)(last_ns - first_ns) / 1e9 : 0.0;
    r->msgs_per_s = r->seconds > 0 ? (double)span_messages / r->seconds : 0.0;
    r->mib_per_s = r->msgs_per_s * (double)r->size_bytes / mib;
    if (merged && merged->total) {
        if (r->latency_every == 0)
            r->latency_every = 1; /* a pattern that times every message */
        r->hist = merged;
        ipcb_hist_stats(r->hist, &r->stats);
        r->latency_kind = m->pat->latency_kind;
    } else {
        free(merged);
        r->latency_kind = "";
    }
    add_rate(m, r);
    add_one_way(m, r);
    r->status = IPCB_OK;
}
