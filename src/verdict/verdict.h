/* The verdict of a results directory: for each pattern and size, the rows
 * that cannot be told apart from the best, blocking and spinning rows
 * ranked apart, each group with its price, in plain sentences. What a run
 * prints after its table, `ipcbench verdict DIR` prints, the report puts
 * first and the Markdown rendering shares. A figure against the best is
 * judged by compare's rule (compare/verdict.h): by the repeats' intervals
 * when both rows have them, else by a margin. */
#ifndef IPCB_VERDICT_VERDICT_H
#define IPCB_VERDICT_VERDICT_H

#include <stddef.h>
#include <stdio.h>

#include "common/reader.h"
#include "common/sbuf.h"

#define IPCB_VERDICT_MARGIN_PCT 10.0   /* --margin's default */

/* one pattern at one size */
struct ipcb_verdict_line {
    char subject[96];           /* "64 B pingpong" */
    char *text;                 /* the sentences */
    char *left_out;             /* "Left out: signal (skipped: ...)." or NULL */
};

struct ipcb_verdicts {
    struct ipcb_verdict_line *lines;
    size_t n_lines;
    double margin_pct;
    size_t by_intervals;        /* judgements made by the repeats' intervals */
    size_t by_margin;           /* and by the margin */
    size_t spinning;            /* measured rows whose wait strategy spins */
    int oom;
};

/* The verdict of s (read with every_row, so the rows left out can be
 * named): 0 or -ENOMEM. */
int ipcb_verdict_make(const struct ipcb_summary *s, double margin_pct, struct ipcb_verdicts *v);
/* DIR/summary.csv read and judged; the reader's -errno and err otherwise */
int ipcb_verdict_of_dir(const char *dir, double margin_pct, struct ipcb_verdicts *v, char *err,
                        size_t errlen);
void ipcb_verdict_free(struct ipcb_verdicts *v);

/* how the ties were found, one sentence: the intervals, or the margin with
 * the advice to add --repeat */
void ipcb_verdict_method(struct ipcb_sbuf *b, const struct ipcb_verdicts *v);

/* "Verdict", the method and every line, wrapped for a terminal */
void ipcb_verdict_print(FILE *f, const struct ipcb_verdicts *v);

/* The Markdown rendering of results directory dir: the machine line, the
 * table and the verdict, into path ("-" for stdout). 0, or -errno with err
 * (a directory without summary.csv, a file that cannot be written). */
int ipcb_markdown_write(const char *dir, const char *path, double margin_pct, char *err,
                        size_t errlen);

/* `ipcbench verdict DIR [--markdown FILE] [--margin PCT]`: the exit status */
struct ipcb_plan;
int ipcb_verdict_command(const struct ipcb_plan *p);
/* after a run into dir: the verdict onto table (the table's stream, never
 * a data stream's) unless -q, and --markdown; 0, or -1 when the Markdown
 * could not be written (said on stderr) */
int ipcb_run_verdict(const char *dir, const struct ipcb_plan *p, FILE *table);

#endif
