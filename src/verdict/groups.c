/* The verdict's groups and sentences (verdict.h): for each pattern and
 * size, in each class of wait strategy, the best row and those that cannot
 * be told apart from it, then the rest and the rows left out. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "verdict/parts.h"
#include "verdict/verdict.h"

#define KNEE_FACTOR 2.0         /* p99 "turns" when it more than doubles */

const char *ipcb_vj_key(const struct ipcb_vrow *r)
{
    return r->kind && r->kind->by == IPCB_BY_KNEE && r->pat ? r->pat->name : r->pattern;
}

static int in_subject(const struct ipcb_vrow *r, const struct ipcb_vsubject *s)
{
    return r->size == s->size && strcmp(ipcb_vj_key(r), s->key) == 0;
}

/* the figure a row is ranked by, as a sample */
struct ipcb_figure_sample ipcb_vj_figure(const struct ipcb_vjudge *j, size_t i)
{
    const struct ipcb_vrow *r = &j->rows[i];
    switch (r->kind->by) {
    case IPCB_BY_RATE: return r->rate;
    case IPCB_BY_KNEE: return (struct ipcb_figure_sample){.value = j->held[i]};
    default: return r->p50;
    }
}

int ipcb_vj_lower_better(const struct ipcb_verdict_kind *k)
{
    return k->by == IPCB_BY_P50 || k->by == IPCB_BY_HOP;
}

/* For a load pattern: each transport's rows of the subject by offered
 * load; the load it holds is the highest before its p99 first exceeds
 * KNEE_FACTOR times its p99 at the lightest load (or its schedule slips).
 * Stored in held[] at the transport's first row; its other rows are left
 * out of the ranking (held NAN). */
static void knees(struct ipcb_vjudge *j, const struct ipcb_vsubject *s)
{
    for (size_t i = 0; i < j->n_rows; i++)
        j->held[i] = NAN;
    for (size_t i = 0; i < j->n_rows; i++) {
        const struct ipcb_vrow *r = &j->rows[i];
        if (!r->ok || !in_subject(r, s))
            continue;
        size_t first = 0;
        while (first < i && !(j->rows[first].ok && in_subject(&j->rows[first], s) &&
                              strcmp(j->rows[first].transport, r->transport) == 0))
            first++;
        if (first < i)
            continue;           /* done with the transport's first row */
        double light = INFINITY, light_p99 = NAN;
        for (size_t k = i; k < j->n_rows; k++) {
            const struct ipcb_vrow *x = &j->rows[k];
            if (x->ok && in_subject(x, s) && strcmp(x->transport, r->transport) == 0 &&
                x->offered < light) {
                light = x->offered;
                light_p99 = x->p99_ns;
            }
        }
        double held = 0, turn = INFINITY;
        for (size_t k = i; k < j->n_rows; k++) {
            const struct ipcb_vrow *x = &j->rows[k];
            if (!x->ok || !in_subject(x, s) || strcmp(x->transport, r->transport) != 0)
                continue;
            int turned = x->p99_ns > KNEE_FACTOR * light_p99 || strncmp(x->status, "ok, ", 4) == 0;
            if (turned)
                turn = fmin(turn, x->offered);
        }
        for (size_t k = i; k < j->n_rows; k++) {
            const struct ipcb_vrow *x = &j->rows[k];
            if (x->ok && in_subject(x, s) && strcmp(x->transport, r->transport) == 0 &&
                x->offered < turn)
                held = fmax(held, x->offered);
        }
        j->held[i] = held;
    }
}

/* the candidates of one class: rows of s, ok, ranked; their count */
static size_t candidates(struct ipcb_vjudge *j, const struct ipcb_vsubject *s, int spinning)
{
    size_t n = 0;
    for (size_t i = 0; i < j->n_rows; i++) {
        const struct ipcb_vrow *r = &j->rows[i];
        if (r->ok && in_subject(r, s) && r->spins == spinning && !isnan(ipcb_vj_figure(j, i).value))
            j->pick[n++] = i;
    }
    /* best first: insertion sort by the figure */
    int lower = ipcb_vj_lower_better(s->kind);
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0; b--) {
            double x = ipcb_vj_figure(j, j->pick[b]).value, y = ipcb_vj_figure(j, j->pick[b - 1]).value;
            if (!(lower ? x < y : x > y))
                break;
            size_t t = j->pick[b];
            j->pick[b] = j->pick[b - 1];
            j->pick[b - 1] = t;
        }
    return n;
}

/* moves the rows tied with the best (pick[0]) to the front; their count */
static size_t tied(struct ipcb_vjudge *j, const struct ipcb_vsubject *s, size_t n)
{
    size_t g = n ? 1 : 0;
    struct ipcb_figure_sample best = ipcb_vj_figure(j, j->pick[0]);
    for (size_t k = 1; k < n; k++) {
        struct ipcb_figure_sample other = ipcb_vj_figure(j, j->pick[k]);
        struct ipcb_judgement jd = ipcb_judge(&best, &other, ipcb_vj_lower_better(s->kind),
                                              j->v->margin_pct);
        if (jd.rule == IPCB_RULE_INTERVALS)
            j->v->by_intervals++;
        else
            j->v->by_margin++;
        if (jd.verdict == IPCB_VERDICT_SAME) {
            size_t t = j->pick[k];
            memmove(&j->pick[g + 1], &j->pick[g], (k - g) * sizeof *j->pick);
            j->pick[g++] = t;
        }
    }
    return g;
}

/* "pipe, shm and mmap" */
void ipcb_vj_names(struct ipcb_sbuf *b, const struct ipcb_vjudge *j, const size_t *idx, size_t n)
{
    for (size_t k = 0; k < n; k++)
        ipcb_sbuf_printf(b, "%s%s", k == 0 ? "" : k + 1 == n ? " and " : ", ",
                         j->rows[idx[k]].transport);
}

/* the least and the most of one figure over the rows idx[0..n) */
void ipcb_vj_span(const struct ipcb_vjudge *j, const size_t *idx, size_t n, int which, double *lo,
                 double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        const struct ipcb_vrow *r = &j->rows[idx[k]];
        double v = which == 0 ? ipcb_vj_figure(j, idx[k]).value : which == 1 ? r->cpu_ns :
                   which == 2 ? r->hop_ns : which == 3 ? r->p99_ns :
                   which == 4 ? r->share_min : r->share_max;
        if (!isnan(v)) {
            *lo = fmin(*lo, v);
            *hi = fmax(*hi, v);
        }
    }
}

/* the rows of s that are not in any group, and why */
static void left_out(struct ipcb_sbuf *b, const struct ipcb_vjudge *j, const struct ipcb_vsubject *s)
{
    const char *sep = "Left out: ";
    size_t n = 0;
    for (size_t i = 0; i < j->n_rows; i++) {
        const struct ipcb_vrow *r = &j->rows[i];
        if (r->ok || !in_subject(r, s))
            continue;
        ipcb_sbuf_printf(b, "%s%s", sep, r->transport);
        if (strcmp(r->pattern, s->key) != 0)
            ipcb_sbuf_printf(b, " %s", r->pattern);
        /* the reason without its hint in parentheses: the table has it whole */
        const char *why = r->why_out[0] ? r->why_out : r->status, *paren = strstr(why, " (");
        ipcb_sbuf_printf(b, " (%.*s)", paren ? (int)(paren - why) : (int)strlen(why), why);
        sep = "; ";
        n++;
    }
    if (n)
        ipcb_sbuf_printf(b, ".");
}

/* every sentence of one subject */
static int subject_text(struct ipcb_vjudge *j, const struct ipcb_vsubject *s, struct ipcb_sbuf *b)
{
    if (!s->kind) {
        ipcb_sbuf_printf(b, "nothing this build can judge.");
    } else {
        if (s->kind->by == IPCB_BY_KNEE)
            knees(j, s);
        int said = 0;
        for (int spinning = 0; spinning < 2; spinning++) {
            size_t n = candidates(j, s, spinning);
            if (n == 0)
                continue;
            size_t g = tied(j, s, n);
            if (said)
                ipcb_sbuf_printf(b, " ");
            ipcb_verdict_class(b, j, s, g, n, spinning);
            said = 1;
        }
        if (!said)
            ipcb_sbuf_printf(b, "no row measured.");
    }
    return ipcb_sbuf_error(b) ? -ENOMEM : 0;
}

/* the subjects in the order of the rows' first pattern, each pattern's
 * sizes ascending; their count, or -1 for out of memory */
static long subjects(const struct ipcb_vrow *rows, size_t n, struct ipcb_vsubject **out)
{
    struct ipcb_vsubject *s = calloc(n + 1, sizeof *s);
    size_t m = 0;
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *key = ipcb_vj_key(&rows[i]);
        size_t k = 0;
        while (k < m && !(strcmp(s[k].key, key) == 0 && s[k].size == rows[i].size))
            k++;
        if (k < m)
            continue;
        /* after the last subject of this key with a smaller size, else at the end */
        size_t at = m;
        for (size_t q = 0; q < m; q++)
            if (strcmp(s[q].key, key) == 0)
                at = s[q].size < rows[i].size ? q + 1 : at == m ? q : at;
        memmove(&s[at + 1], &s[at], (m - at) * sizeof *s);
        s[at] = (struct ipcb_vsubject){.key = key, .size = rows[i].size, .kind = rows[i].kind};
        m++;
    }
    *out = s;
    return (long)m;
}

/* "64 B pingpong": the subject as people say it */
static void subject_name(const struct ipcb_vsubject *s, char *buf, size_t len)
{
    uint64_t b = s->size;
    const char *what = s->kind && s->kind->what ? s->kind->what : s->key;
    if (b >= 1048576 && b % 1048576 == 0)
        snprintf(buf, len, "%llu MiB %s", (unsigned long long)(b / 1048576), what);
    else if (b >= 1024 && b % 1024 == 0)
        snprintf(buf, len, "%llu KiB %s", (unsigned long long)(b / 1024), what);
    else
        snprintf(buf, len, "%llu B %s", (unsigned long long)b, what);
    if (s->kind && s->kind->what && strcmp(s->kind->what, s->key) != 0)
        snprintf(buf + strlen(buf), len - strlen(buf), " (%s)", s->key);
}

int ipcb_verdict_make(const struct ipcb_summary *s, double margin_pct, struct ipcb_verdicts *v)
{
    *v = (struct ipcb_verdicts){.margin_pct = margin_pct};
    struct ipcb_vjudge j = {.v = v};
    struct ipcb_vsubject *subj = NULL;
    struct ipcb_vrow *rows = ipcb_vrows_read(s, &j.n_rows);
    j.rows = rows;
    j.pick = calloc(s->n_rows + 1, sizeof *j.pick);
    j.held = calloc(s->n_rows + 1, sizeof *j.held);
    long n = rows && j.pick && j.held ? subjects(rows, j.n_rows, &subj) : -1;
    for (size_t i = 0; rows && i < j.n_rows; i++)
        v->spinning += rows[i].ok && rows[i].spins;
    if (n > 0 && !(v->lines = calloc((size_t)n, sizeof *v->lines)))
        n = -1;
    for (long k = 0; k < n; k++) {
        struct ipcb_sbuf b = {0}, out = {0};
        struct ipcb_verdict_line *line = &v->lines[v->n_lines++];
        subject_name(&subj[k], line->subject, sizeof line->subject);
        left_out(&out, &j, &subj[k]);
        /* the buffers' own strings, freed with the line */
        line->text = b.s;
        line->left_out = out.s;
        if (subject_text(&j, &subj[k], &b) != 0 || ipcb_sbuf_error(&out)) {
            n = -1;
            break;
        }
        line->text = b.s;
    }
    free(subj);
    free(rows);
    free(j.pick);
    free(j.held);
    if (n < 0) {
        ipcb_verdict_free(v);
        return -ENOMEM;
    }
    return 0;
}

int ipcb_verdict_of_dir(const char *dir, double margin_pct, struct ipcb_verdicts *v, char *err,
                        size_t errlen)
{
    static const char *const columns[] = {IPCB_COL_TRANSPORT, IPCB_COL_PATTERN, IPCB_COL_SIZE,
                                          NULL};
    struct ipcb_summary sum;
    const struct ipcb_summary_query q = {.dir = dir, .required = columns, .every_row = true,
                                         .up_to_error = true};
    *v = (struct ipcb_verdicts){.margin_pct = margin_pct};
    int rc = ipcb_summary_load(&q, &sum, err, errlen);
    if (rc)
        return rc;
    rc = ipcb_verdict_make(&sum, margin_pct, v);
    if (rc)
        snprintf(err, errlen, "out of memory judging %s", sum.source);
    ipcb_summary_free(&sum);
    return rc;
}

void ipcb_verdict_free(struct ipcb_verdicts *v)
{
    for (size_t i = 0; i < v->n_lines; i++) {
        free(v->lines[i].text);
        free(v->lines[i].left_out);
    }
    free(v->lines);
    *v = (struct ipcb_verdicts){.margin_pct = v->margin_pct};
}
