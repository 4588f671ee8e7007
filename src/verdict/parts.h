/* Inside verdict/: the rows as the verdict reads them (rows.c) and what
 * each pattern's sentence is made of (kinds.c). */
#ifndef IPCB_VERDICT_PARTS_H
#define IPCB_VERDICT_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/reader.h"
#include "common/sbuf.h"
#include "compare/verdict.h"
#include "ipcbench/pattern.h"

/* what a pattern's verdict ranks its rows by */
enum ipcb_verdict_by {
    IPCB_BY_P50,                /* lowest median latency: pingpong, handoff */
    IPCB_BY_RATE,               /* most messages a second: stream, fanin */
    IPCB_BY_HOP,                /* lowest latency per hop: pipeline */
    IPCB_BY_KNEE,               /* the highest load before p99 turns: rate */
};

/* one pattern's sentence: matched by name, else by its figure */
struct ipcb_verdict_kind {
    const char *pattern;        /* NULL: any pattern of this figure */
    enum ipcb_figure figure;
    enum ipcb_verdict_by by;
    const char *unit;           /* what one message is: "round trip" */
    const char *what;           /* the subject's words: "request/response" */
};

/* the kind for a row's pattern (NULL when this build does not know it) */
const struct ipcb_verdict_kind *ipcb_verdict_kind_of(const struct ipcb_pattern *p);

/* one row of summary.csv as the verdict reads it */
struct ipcb_vrow {
    const char *transport, *pattern, *status;   /* into the summary */
    const struct ipcb_pattern *pat;
    const struct ipcb_verdict_kind *kind;
    uint64_t size;
    int ok;                     /* measured and usable in a group */
    int spins;                  /* its wait strategy holds the CPU (spin) */
    char why_out[160];          /* when measured but left out: why */
    struct ipcb_figure_sample p50, rate;
    double p99_ns, cpu_ns, hop_ns, share_min, share_max, offered, procs;
};

/* the rows of s; NULL for out of memory */
struct ipcb_vrow *ipcb_vrows_read(const struct ipcb_summary *s, size_t *n);

/* "1.2-1.4 us" from ns; "5.6 us" for one value */
void ipcb_verdict_ns_range(struct ipcb_sbuf *b, double lo, double hi);
/* "640k-700k" */
void ipcb_verdict_rate_range(struct ipcb_sbuf *b, double lo, double hi);

/* groups.c and sentences.c: one pattern at one size, whose rows are those
 * of the judge's rows that match it */
struct ipcb_vsubject {
    const char *key;            /* the row's pattern, or its base for a load pattern */
    uint64_t size;
    const struct ipcb_verdict_kind *kind;
};

/* the rows being judged, and scratch space */
struct ipcb_vjudge {
    struct ipcb_verdicts *v;
    const struct ipcb_vrow *rows;
    size_t n_rows;
    size_t *pick;               /* scratch: indices into rows */
    double *held;               /* per row: the load it holds (BY_KNEE) */
};

/* the key of the subject a row is in: its pattern, or a load pattern's base */
const char *ipcb_vj_key(const struct ipcb_vrow *r);
/* the figure row i is ranked by */
struct ipcb_figure_sample ipcb_vj_figure(const struct ipcb_vjudge *j, size_t i);
int ipcb_vj_lower_better(const struct ipcb_verdict_kind *k);
/* "pipe, shm and mmap" of rows idx[0..n) */
void ipcb_vj_names(struct ipcb_sbuf *b, const struct ipcb_vjudge *j, const size_t *idx, size_t n);
/* the least and most over idx[0..n) of: 0 the ranked figure, 1 CPU per
 * message, 2 hop_ns, 3 p99, 4 share_min, 5 share_max; INFINITY, -INFINITY
 * when none has it */
void ipcb_vj_span(const struct ipcb_vjudge *j, const size_t *idx, size_t n, int which, double *lo,
                  double *hi);
/* sentences.c: one class's sentence: the g rows tied at the front of
 * j->pick, then the rest up to n */
void ipcb_verdict_class(struct ipcb_sbuf *b, const struct ipcb_vjudge *j,
                        const struct ipcb_vsubject *s, size_t g, size_t n, int spinning);

#endif
